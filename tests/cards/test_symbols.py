"""Status glyphs and colours: one for every status, distinct, and never an emoji."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any, get_args, get_type_hints

import pytest

from cards import symbols
from cards.models import (
    CheckStatus,
    CustomerState,
    Notice,
    ProgressView,
    StepStatus,
    UserStatus,
)

# Characters near ours that have an emoji form (Unicode's emoji-data): clients draw them as
# colour pictures or, without an emoji font, as empty boxes.
EMOJI_FORMS = set("✔✖❌✅⚠▶⏳⌛▪▫◻◼◽◾⬛⬜⭕❗❓ℹ⏹⏸")
TABLES: dict[str, Mapping[Any, tuple[str, str]]] = {
    "check": symbols.CHECK,
    "step": symbols.STEP,
    "run": symbols.RUN,
    "user": symbols.USER,
    "customer": symbols.CUSTOMER,
}


def test_every_status_has_a_glyph_and_a_colour() -> None:
    """Each status the models allow is in its table, and nothing else is."""
    assert set(symbols.CHECK) == set(get_args(CheckStatus))
    assert set(symbols.STEP) == set(get_args(StepStatus))
    assert set(symbols.RUN) == set(get_args(get_type_hints(ProgressView)["status"]))
    assert set(symbols.TONE) == set(get_args(get_type_hints(Notice)["tone"]))
    assert set(symbols.USER) == set(get_args(UserStatus))
    assert set(symbols.CUSTOMER) == set(get_args(CustomerState))


@pytest.mark.parametrize("table", sorted(TABLES))
def test_statuses_of_a_kind_have_distinct_glyphs(table: str) -> None:
    """Nobody has to tell two statuses apart by colour alone."""
    glyphs = [glyph for glyph, _ in TABLES[table].values()]
    assert len(set(glyphs)) == len(glyphs)


def test_glyphs_are_plain_text_characters() -> None:
    """Single characters of the Basic Multilingual Plane, with no emoji form."""
    glyphs = {glyph for table in TABLES.values() for glyph, _ in table.values()}
    glyphs |= {symbols.BULLET, symbols.WARNING}
    for glyph in glyphs:
        assert len(glyph) == 1
        assert ord(glyph) < 0x2800, unicodedata.name(glyph)
        assert glyph not in EMOJI_FORMS


def test_colours_are_semantic() -> None:
    """Only colours the host config adapts to light, dark and high contrast."""
    colours = {colour for table in TABLES.values() for _, colour in table.values()}
    assert colours | set(symbols.TONE.values()) <= {
        "default",
        "accent",
        "good",
        "warning",
        "attention",
    }
