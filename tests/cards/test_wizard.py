"""The connect wizard: four steps on one card, done ones marked, the current one highlighted
with its buttons, later ones dimmed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from cards import wizard
from cards.models import Button, CheckLine, Link, WizardView
from tests.cards.reading import paragraphs, status_lines, titles

GRAPH = Link("Sign in to Microsoft", "https://bot/signin/graph")
TEAMS = Link("Sign in to Teams admin", "https://bot/signin/teams")
AGAIN = Button("Check again", "readiness")
INTEGRATE = Button("Integrate", "integrate", style="positive")
CHECKS = (
    CheckLine("Roles", "pass", "Global Administrator."),
    CheckLine("Phones", "warn", "Only 3 Teams Phone licences.", "Assign more."),
    CheckLine("Licence", "pass", "One E3 is free."),
)
FULL = WizardView(
    "Contoso",
    1,
    "Use a dedicated service account.",
    graph_signed_in_as="svc@contoso.com",
    graph_sign_in=GRAPH,
    checks=CHECKS,
    check_again=AGAIN,
    teams_signed_in_as="svc@contoso.com",
    teams_sign_in=TEAMS,
    integrate=INTEGRATE,
)
NAMES = [
    "1. Sign in to Microsoft",
    "2. Readiness check",
    "3. Sign in to Teams admin",
    "4. Integrate",
]


def at(step: int, **changes: Any) -> dict[str, Any]:
    """The wizard card at ``step``, with every button offered."""
    return wizard(replace(FULL, current_step=step, **changes))


def steps(card: dict[str, Any]) -> list[dict[str, Any]]:
    """The four step containers, in order."""
    return list(card["body"][-4:])


def header(step: dict[str, Any]) -> tuple[str, str, str]:
    """A step's glyph, its colour and its name."""
    first = status_lines({"body": [step]})[0]
    return first.glyph, first.color, first.lines[0]


@pytest.mark.parametrize("current", [1, 2, 3, 4, 5])
def test_done_steps_are_ticked_the_current_one_pointed_at_and_later_ones_open(current: int) -> None:
    """✓ before the current step, ► on it, ○ after it."""
    expected = [
        ("✓", "good") if n < current else ("►", "accent") if n == current else ("○", "default")
        for n in range(1, 5)
    ]
    shown = [header(step) for step in steps(at(current))]
    assert [(glyph, colour) for glyph, colour, _ in shown] == expected
    assert [name for _, _, name in shown] == NAMES


@pytest.mark.parametrize("current", [1, 2, 3, 4])
def test_only_the_current_step_is_highlighted(current: int) -> None:
    """The current step sits on the emphasis background, its name bold in accent."""
    shown = steps(at(current))
    assert [step.get("style") for step in shown] == [
        "emphasis" if n == current else None for n in range(1, 5)
    ]
    name = shown[current - 1]["items"][0]["columns"][1]["items"][0]["inlines"][0]
    assert (name["weight"], name["color"]) == ("bolder", "accent")


def test_later_steps_are_dimmed_and_show_nothing_else() -> None:
    """A later step is its name, subtle, with no content and no buttons."""
    later = steps(at(1))[1:]
    for step in later:
        assert len(step["items"]) == 1
        (text,) = step["items"][0]["columns"][1]["items"]
        assert text["inlines"][0]["isSubtle"] is True


@pytest.mark.parametrize(
    ("current", "buttons"),
    [
        (1, ["Sign in to Microsoft"]),
        (2, ["Check again"]),
        (3, ["Sign in to Teams admin"]),
        (4, ["Integrate"]),
        (5, []),
    ],
)
def test_only_the_current_steps_buttons_are_offered(current: int, buttons: list[str]) -> None:
    """Buttons of done and later steps are left out, whatever the view carries."""
    assert titles(at(current)) == buttons


def test_buttons_sit_inside_their_step() -> None:
    """The current step's buttons are an ActionSet at the end of its container."""
    current = steps(at(4))[3]
    assert current["items"][-1]["type"] == "ActionSet"
    assert current["items"][-1]["actions"][0]["style"] == "positive"


def test_the_title_names_the_tenant_and_the_step() -> None:
    """``Connect Contoso`` and ``Step 2 of 4`` (``All steps done`` at 5)."""
    assert paragraphs(at(2))[:2] == ["Connect Contoso", "Step 2 of 4"]
    assert paragraphs(at(5))[:2] == ["Connect Contoso", "All steps done"]


@pytest.mark.parametrize(("current", "shown"), [(1, True), (2, True), (3, True), (4, False)])
def test_the_advice_shows_until_the_last_sign_in_is_done(current: int, shown: bool) -> None:
    """Use a dedicated service account: said while a sign-in is still ahead."""
    assert ("Use a dedicated service account." in paragraphs(at(current))) is shown


def test_a_signed_in_step_says_who_signed_in() -> None:
    """Steps 1 and 3 show the account, once done and while current."""
    step1, _, step3, _ = steps(at(4))
    assert status_lines({"body": [step1]})[0].lines == [NAMES[0], "Signed in as svc@contoso.com"]
    assert status_lines({"body": [step3]})[0].lines == [NAMES[2], "Signed in as svc@contoso.com"]
    assert "Signed in as svc@contoso.com" in paragraphs(at(1))


def test_the_current_readiness_step_lists_every_check() -> None:
    """Each check is a line of its own inside step 2."""
    step2 = steps(at(2))[1]
    checks = [line.lines[0] for line in status_lines({"body": [step2]})[1:]]
    assert checks == ["Roles", "Phones", "Licence"]


def test_a_done_readiness_step_keeps_only_what_did_not_pass() -> None:
    """Past step 2, passed checks fold away and warnings stay."""
    step2 = steps(at(3))[1]
    lines = status_lines({"body": [step2]})
    assert [(line.glyph, line.lines[0]) for line in lines[1:]] == [("▲", "Phones")]


def test_a_done_readiness_step_with_every_check_passed_says_so() -> None:
    """``All 2 checks passed`` instead of the list."""
    passed = (CheckLine("Roles", "pass", ""), CheckLine("Licence", "pass", ""))
    step2 = steps(at(3, checks=passed))[1]
    assert status_lines({"body": [step2]})[0].lines == [NAMES[1], "All 2 checks passed"]


def test_what_blocks_the_next_step_shows_in_the_current_step() -> None:
    """``blocked`` is a ✗ line in attention inside the highlighted step, above its buttons."""
    step2 = steps(at(2, blocked="Fix what the checklist says."))[1]
    blocked = status_lines({"body": [step2]})[-1]
    assert (blocked.glyph, blocked.color, blocked.lines) == (
        "✗",
        "attention",
        ["Fix what the checklist says."],
    )
    assert step2["items"][-1]["type"] == "ActionSet"


def test_nothing_is_blocked_when_the_view_says_nothing() -> None:
    """No attention line without ``blocked``."""
    assert [line for line in status_lines(at(2)) if line.color == "attention"] == []


def test_at_step_5_every_step_is_done_and_nothing_is_offered() -> None:
    """The progress card takes over: four ✓ and no button."""
    card = at(5)
    assert [header(step)[0] for step in steps(card)] == ["✓"] * 4
    assert titles(card) == []
