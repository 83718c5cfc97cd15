"""The ``connect`` wizard: SPEC's four steps on one card, the ones done marked done, the current
one highlighted with its buttons, the later ones dimmed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cards.checklist import blocked_line, check_lines
from cards.elements import (
    Json,
    action_set,
    card,
    container,
    line,
    paragraphs,
    run,
    status_line,
    title,
)
from cards.models import Button, CheckLine, Link, WizardView
from cards.symbols import CURRENT, DONE, PENDING, WARNING
from i18n.text import t

STEPS = 4
# Where the signed-in name goes in its translated sentence (a character no translation contains).
_NAME = "\ufffc"
Phase = Literal["done", "current", "later"]


@dataclass(frozen=True)
class _Step:
    number: int
    name: str
    # What the step shows while it is the current one, and once it is done.
    content: list[Json]
    summary: list[Json]
    buttons: list[Button | Link]


def wizard(view: WizardView) -> Json:
    """The wizard card for ``view``."""
    heading = (
        t("Step {n} of {total}", n=view.current_step, total=STEPS)
        if view.current_step <= STEPS
        else t("All steps done")
    )
    body = [
        title(t("Connect {tenant}", tenant=view.tenant_name)),
        line(run(heading, subtle=True), spacing="none"),
    ]
    if view.advice and view.current_step <= 3:
        # The advice matters until the last sign-in is behind the admin.
        body.append(
            container(
                [status_line(WARNING, "warning", paragraphs(view.advice), spacing=None)],
                style="emphasis",
                spacing="medium",
            )
        )
    for step in _steps(view):
        body.append(_render(step, _phase(step.number, view.current_step), view.blocked))
    return card(body, wide=True)


def _steps(view: WizardView) -> list[_Step]:
    graph = _signed_in(view.graph_signed_in_as)
    teams = _signed_in(view.teams_signed_in_as)
    return [
        _Step(1, t("Sign in to Microsoft"), graph, graph, _some(view.graph_sign_in)),
        _Step(
            2,
            t("Readiness check"),
            check_lines(view.checks),
            _checks_passed(view.checks),
            _some(view.check_again),
        ),
        _Step(3, t("Sign in to Teams admin"), teams, teams, _some(view.teams_sign_in)),
        _Step(4, t("Integrate"), [], [], _some(view.integrate)),
    ]


def _some(button: Button | Link | None) -> list[Button | Link]:
    return [button] if button is not None else []


def _checks_passed(checks: tuple[CheckLine, ...]) -> list[Json]:
    """Once past the check, only what still deserves a look (warnings) stays on the card."""
    if not checks:
        return []
    noted = [check for check in checks if check.status != "pass"]
    if not noted:
        passed = t("All {n} checks passed", n=len(checks))
        return [line(run(passed, subtle=True), spacing="none")]
    return check_lines(noted)


def _signed_in(who: str | None) -> list[Json]:
    if not who:
        return []
    # One template, so a language may put the name anywhere; the name alone is bold.
    before, _, after = t("Signed in as {name}", name=_NAME).partition(_NAME)
    runs = [run(before)] if before else []
    runs.append(run(who, bold=True))
    runs += [run(after)] if after else []
    return [line(*runs, spacing="small")]


def _phase(number: int, current: int) -> Phase:
    if number < current:
        return "done"
    return "current" if number == current else "later"


def _render(step: _Step, phase: Phase, blocked: str) -> Json:
    name = f"{step.number}. {step.name}"
    if phase == "later":
        header = [line(run(name, subtle=True))]
        return container([status_line(PENDING, "default", header, spacing=None)], spacing="medium")
    if phase == "done":
        items = [status_line(DONE, "good", [line(run(name)), *step.summary], spacing=None)]
        return container(items, spacing="medium")
    content: list[Json] = [line(run(name, bold=True, color="accent")), *step.content]
    items = [status_line(CURRENT, "accent", content, spacing=None)]
    if blocked:
        items.append(blocked_line(blocked))
    if step.buttons:
        items.append(action_set(step.buttons, spacing="medium"))
    return container(items, style="emphasis", spacing="medium")
