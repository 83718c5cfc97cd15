"""What Teams needs of every card: narrow widths, the dark theme, no markdown surprises."""

from __future__ import annotations

import re

import pytest

from tests.cards import samples
from tests.cards.reading import of_type, walk

CARDS = samples.all_cards()
SEMANTIC = {"default", "accent", "good", "warning", "attention"}


@pytest.mark.parametrize("name", sorted(CARDS))
def test_cards_use_only_semantic_colours(name: str) -> None:
    """No hex colours, and not ``dark``/``light``, which vanish on one of the themes."""
    card = CARDS[name]
    assert {node["color"] for node in walk(card) if "color" in node} <= SEMANTIC
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b", str([n.get("style") for n in walk(card)]))


@pytest.mark.parametrize("name", sorted(CARDS))
def test_cards_show_text_only_as_text_runs(name: str) -> None:
    """No TextBlock or FactSet, so Teams never reads a UPN's ``_`` or a ``*`` as markdown."""
    card = CARDS[name]
    assert of_type(card, "TextBlock") == of_type(card, "FactSet") == []


@pytest.mark.parametrize("name", sorted(CARDS))
def test_column_sets_are_a_glyph_and_the_text_beside_it(name: str) -> None:
    """Two columns at most, the first one character wide: nothing overflows a phone."""
    for columns in of_type(CARDS[name], "ColumnSet"):
        glyph, text = columns["columns"]
        assert (glyph["width"], text["width"]) == ("auto", "stretch")
        assert [len(run["text"]) for run in glyph["items"][0]["inlines"]] == [1]


@pytest.mark.parametrize("name", sorted(CARDS))
def test_no_word_is_too_long_to_wrap(name: str) -> None:
    """Long words carry break points; only the domain the admin must type stays whole."""
    for run in of_type(CARDS[name], "TextRun"):
        if run.get("fontType") != "monospace":
            words = re.split(r"[\s\u200b]+", run["text"])
            assert max(map(len, words)) <= 24, run["text"]


@pytest.mark.parametrize("name", sorted(CARDS))
def test_long_cards_take_the_full_width_and_notices_do_not(name: str) -> None:
    """Wizard, checklist, progress and removal cards ask Teams for the full width."""
    wide = "msteams" in CARDS[name]
    assert wide == (not name.startswith("notice/"))
