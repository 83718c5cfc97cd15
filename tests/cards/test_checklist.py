"""The readiness checklist: pass, warn or fail per line, each problem with its fix."""

from __future__ import annotations

import pytest

from cards import checklist
from cards.checklist import check_line
from cards.models import Button, CheckLine
from tests.cards.reading import paragraphs, status_lines, titles

FAILING = CheckLine("Licence", "fail", "No free licence with MCOSTANDARD.", "Buy an E3 licence.")
AGAIN = Button("Check again", "readiness", {"tenant": "t-1"})


@pytest.mark.parametrize(
    ("status", "glyph", "colour"),
    [("pass", "✓", "good"), ("warn", "▲", "warning"), ("fail", "✗", "attention")],
)
def test_each_check_shows_the_glyph_and_colour_of_its_status(
    status: str, glyph: str, colour: str
) -> None:
    """✓ good, ▲ warning, ✗ attention."""
    card = checklist((CheckLine("Roles", status, "detail", "fix"),))  # type: ignore[arg-type]
    (line,) = status_lines(card)
    assert (line.glyph, line.color, line.lines[:2]) == (glyph, colour, ["Roles", "detail"])


def test_a_failed_check_shows_its_fix() -> None:
    """Title, what was found, and ``Fix: …``."""
    (line,) = status_lines(checklist((FAILING,)))
    assert line.lines == ["Licence", "No free licence with MCOSTANDARD.", "Fix: Buy an E3 licence."]


def test_a_warning_shows_its_fix_too() -> None:
    """A warning may say what would make it go away."""
    (line,) = status_lines(checklist((CheckLine("Phones", "warn", "Only 3.", "Assign more."),)))
    assert line.lines[-1] == "Fix: Assign more."


def test_a_passed_check_shows_no_fix() -> None:
    """Nothing to fix once it passes, even if the view still carries one."""
    (line,) = status_lines(checklist((CheckLine("Roles", "pass", "Global admin.", "n/a"),)))
    assert line.lines == ["Roles", "Global admin."]


def test_the_check_title_is_bold_and_the_detail_dimmed() -> None:
    """The eye finds the check first, then what was found."""
    content = check_line(FAILING)["columns"][1]["items"]
    assert content[0]["inlines"][0]["weight"] == "bolder"
    assert content[1]["inlines"][0]["isSubtle"] is True


def test_checks_keep_their_order() -> None:
    """Lines appear in the order the readiness check gave them."""
    checks = tuple(CheckLine(f"Check {n}", "pass", "") for n in range(5))
    assert [line.lines[0] for line in status_lines(checklist(checks))] == [
        f"Check {n}" for n in range(5)
    ]


def test_the_checklist_card_has_its_title_first() -> None:
    """``Readiness check`` by default, or the title given."""
    assert paragraphs(checklist((FAILING,)))[0] == "Readiness check"
    assert paragraphs(checklist((FAILING,), title="Before removal"))[0] == "Before removal"


def test_check_again_sits_under_the_lines() -> None:
    """The button is the card's last element, in the body next to the checks."""
    card = checklist((FAILING,), check_again=AGAIN)
    assert card["body"][-1]["type"] == "ActionSet"
    assert titles(card) == ["Check again"]


def test_a_checklist_without_check_again_has_no_button() -> None:
    """Nothing to press when the view offers nothing."""
    assert titles(checklist((FAILING,))) == []


def test_what_blocks_the_next_step_is_shown_in_attention() -> None:
    """``blocked`` gets a ✗ line of its own under the checks."""
    card = checklist((FAILING,), blocked="Fix the licence, then check again.")
    blocked = status_lines(card)[-1]
    assert (blocked.glyph, blocked.color, blocked.lines) == (
        "✗",
        "attention",
        ["Fix the licence, then check again."],
    )
