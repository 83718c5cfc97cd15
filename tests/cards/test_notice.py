"""Notices: a title in the colour of its tone, the text, the facts, the buttons."""

from __future__ import annotations

import pytest

from cards import notice
from cards.models import Button, Link, Notice
from tests.cards.reading import paragraphs, titles


@pytest.mark.parametrize(
    ("tone", "colour"),
    [("info", "accent"), ("good", "good"), ("warning", "warning"), ("attention", "attention")],
)
def test_the_title_takes_the_colour_of_its_tone(tone: str, colour: str) -> None:
    """info is accent; good, warning and attention are their own colours."""
    card = notice(Notice("Hello", tone=tone))  # type: ignore[arg-type]
    (title,) = card["body"][0]["inlines"]
    assert (title["text"], title["color"], title["weight"]) == ("Hello", colour, "bolder")


def test_a_notice_with_only_a_title_shows_only_the_title() -> None:
    """No empty text block, no action bar."""
    card = notice(Notice("Nothing is running."))
    assert paragraphs(card) == ["Nothing is running."]
    assert "actions" not in card


def test_the_text_shows_a_paragraph_per_line() -> None:
    """Each line of the text is a paragraph, under the title."""
    card = notice(Notice("Welcome", "I connect this organization.\nType help."))
    assert paragraphs(card) == ["Welcome", "I connect this organization.", "Type help."]


def test_markdown_in_the_text_is_shown_as_typed() -> None:
    """``**``, ``_`` and links are not formatted: the admin reads what the bot wrote."""
    typed = "**not bold** svc_a_b@x.com [link](https://x)"
    assert paragraphs(notice(Notice("T", typed)))[1] == typed


def test_facts_show_as_label_and_value_lines() -> None:
    """Each fact is one ``Label: value`` line, in order, after the text."""
    card = notice(Notice("Run", "Started.", facts=(("Run", "r-1"), ("By", "a@x.com"))))
    assert paragraphs(card) == ["Run", "Started.", "Run: r-1", "By: a@x.com"]


def test_a_fact_without_a_label_is_a_bulleted_line_not_a_colon() -> None:
    """What a removal did, line by line: no ``: Domain removed``."""
    card = notice(Notice("Disconnected", facts=(("", "Domain removed"), ("", "Dial plan removed"))))
    assert paragraphs(card) == ["Disconnected", "• Domain removed", "• Dial plan removed"]


def test_buttons_and_links_go_to_the_action_bar() -> None:
    """Buttons become Execute actions and links OpenUrl actions, in order."""
    buttons = (Button("Connect", "connect"), Link("Docs", "https://x/docs"))
    card = notice(Notice("Welcome", buttons=buttons))
    assert [a["type"] for a in card["actions"]] == ["Action.Execute", "Action.OpenUrl"]
    assert titles(card) == ["Connect", "Docs"]


def test_a_notice_keeps_the_default_width() -> None:
    """Short cards stay as wide as their text."""
    assert "msteams" not in notice(Notice("Hello", "text"))
