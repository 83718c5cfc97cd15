"""A run's card, updated in place while it goes: status, steps, milestone, time, and once it
has ended what went wrong (with Retry) or what was done."""

from __future__ import annotations

from cards.elements import (
    Json,
    buttons,
    card,
    container,
    failure,
    labelled,
    line,
    paragraphs,
    run,
    status_line,
)
from cards.elements import title as card_title
from cards.models import ProgressView, StepLine
from cards.symbols import BULLET, RUN, STEP
from i18n.text import t


def progress(view: ProgressView) -> Json:
    """The progress card for ``view``."""
    glyph, color = RUN[view.status]
    body = [
        card_title(view.title),
        status_line(glyph, color, paragraphs(view.status_text, color=color), spacing="small"),
    ]
    if view.elapsed:
        body.append(labelled(t("Elapsed"), view.elapsed, spacing="none"))
    if view.milestone:
        body.append(
            container(
                paragraphs(view.milestone, color="accent", bold=True),
                style="emphasis",
                spacing="medium",
            )
        )
    if view.steps:
        body.append(container([step_line(step) for step in view.steps], spacing="medium"))
    if view.error or view.hint:
        body.append(failure(view.error, view.hint))
    if view.summary:
        body.append(_summary(view.summary))
    return card(body, buttons(view.buttons), wide=True)


def step_line(step: StepLine) -> Json:
    """One step: its glyph, its title and, dimmed under it, its detail."""
    glyph, color = STEP[step.status]
    pending = step.status == "pending"
    content = [line(run(step.title, subtle=pending, bold=step.status in ("running", "waiting")))]
    content += paragraphs(
        step.detail,
        color="attention" if step.status == "failed" else "default",
        subtle=step.status != "failed",
        size="small",
        spacing="none",
    )
    return status_line(glyph, color, content)


def _summary(lines: tuple[str, ...]) -> Json:
    items = [status_line(BULLET, "default", paragraphs(text), spacing="small") for text in lines]
    return container(items, spacing="medium", separator=True)
