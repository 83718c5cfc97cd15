"""The readiness checklist: a line per check, pass, warn or fail, and the fix for each problem."""

from __future__ import annotations

from collections.abc import Sequence

from cards.elements import Json, action_set, card, container, line, paragraphs, run, status_line
from cards.elements import title as card_title
from cards.models import Button, CheckLine
from cards.symbols import CHECK, FAILED
from i18n.text import t


def check_line(check: CheckLine) -> Json:
    """One check: its glyph, its title, what was found and, unless it passed, how to fix it."""
    glyph, color = CHECK[check.status]
    content = [line(run(check.title, bold=True))]
    content += paragraphs(check.detail, subtle=True, size="small", spacing="none")
    if check.fix and check.status != "pass":
        # The space stays out of the template: translators tend to drop a trailing one.
        content.append(line(run(t("Fix:") + " ", bold=True), run(check.fix), spacing="small"))
    return status_line(glyph, color, content)


def check_lines(checks: Sequence[CheckLine]) -> list[Json]:
    """Every check, in the order given."""
    return [check_line(check) for check in checks]


def blocked_line(text: str) -> Json:
    """Why the next step cannot be taken yet."""
    return status_line(FAILED, "attention", paragraphs(text, color="attention"), spacing="medium")


def checklist(
    checks: Sequence[CheckLine],
    *,
    title: str | None = None,
    check_again: Button | None = None,
    blocked: str = "",
) -> Json:
    """The checklist as a card of its own, with "check again" under it."""
    # Not a default argument: that would be English, fixed at import.
    body = [card_title(title if title is not None else t("Readiness check"))]
    if checks:
        body.append(container(check_lines(checks), spacing="medium"))
    if blocked:
        body.append(blocked_line(blocked))
    if check_again is not None:
        body.append(action_set([check_again], spacing="medium"))
    return card(body, wide=True)
