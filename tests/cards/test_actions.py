"""Every button of every card works in every Teams client: an ``Action.Execute`` with its verb,
and an ``Action.Submit`` fallback carrying the same title, style and data."""

from __future__ import annotations

import pytest

from tests.cards import samples
from tests.cards.reading import buttons

CARDS = samples.all_cards()
KINDS = {"Action.Execute", "Action.OpenUrl"}


@pytest.mark.parametrize("name", sorted(CARDS))
def test_every_button_is_execute_or_open_url(name: str) -> None:
    """No bare Submit, ShowCard or ToggleVisibility: Universal Actions or a link."""
    assert {button["type"] for button in buttons(CARDS[name])} <= KINDS


@pytest.mark.parametrize("name", sorted(CARDS))
def test_every_execute_has_a_verb_that_its_data_repeats(name: str) -> None:
    """The bot can read the verb from ``action.verb`` or from the data."""
    for button in buttons(CARDS[name]):
        if button["type"] == "Action.Execute":
            assert button["verb"]
            assert button["data"]["verb"] == button["verb"]


@pytest.mark.parametrize("name", sorted(CARDS))
def test_every_execute_falls_back_to_a_submit_with_the_same_data(name: str) -> None:
    """Clients without Universal Actions send the same data as a message."""
    for button in buttons(CARDS[name]):
        if button["type"] == "Action.Execute":
            fallback = button["fallback"]
            same = ("title", "data", "style", "associatedInputs")
            assert fallback["type"] == "Action.Submit"
            assert {k: fallback.get(k) for k in same} == {k: button.get(k) for k in same}
            assert "fallback" not in fallback


def test_the_samples_have_buttons_of_every_kind() -> None:
    """The checks above have something to check: executes, links, and every style."""
    everything = [button for card in CARDS.values() for button in buttons(card)]
    assert {button["type"] for button in everything} == KINDS
    assert {button.get("style", "default") for button in everything} == {
        "default",
        "positive",
        "destructive",
    }
