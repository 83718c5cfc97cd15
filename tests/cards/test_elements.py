"""The building blocks: verbatim text, status lines, buttons, the card itself."""

from __future__ import annotations

from cards.elements import action, card, labelled, line, paragraphs, run, status_line
from cards.models import Button, Link
from tests.cards.reading import paragraph, walk

BUTTON = Button("Retry", "retry", {"tenant": "t-1", "run": "r-1"}, "positive")


def test_a_card_is_adaptive_card_1_5() -> None:
    """Type and version are what Teams needs for Universal Actions."""
    made = card([line(run("x"))])
    assert (made["type"], made["version"], made["body"]) == (
        "AdaptiveCard",
        "1.5",
        [line(run("x"))],
    )


def test_a_wide_card_asks_teams_for_the_full_width() -> None:
    """``msteams.width`` is ``Full`` on wide cards, and absent otherwise."""
    assert card([], wide=True)["msteams"] == {"width": "Full"}
    assert "msteams" not in card([])


def test_a_card_without_buttons_has_no_action_bar() -> None:
    """An empty ``actions`` list is left out."""
    assert "actions" not in card([])


def test_text_is_a_text_run_so_teams_applies_no_markdown() -> None:
    """``*``, ``_`` and brackets stay as typed: a TextRun is never markdown."""
    typed = "svc_teams_admin@x.com, *.onmicrosoft.com, [link](https://x)"
    block = line(run(typed))
    assert block["type"] == "RichTextBlock"
    assert block["inlines"] == [{"type": "TextRun", "text": typed}]


def test_text_styles_map_to_text_run_properties() -> None:
    """Bold, subtle, size, colour and monospace, and nothing when left at the default."""
    assert run("x", color="good", bold=True, subtle=True, size="small", monospace=True) == {
        "type": "TextRun",
        "text": "x",
        "color": "good",
        "weight": "bolder",
        "isSubtle": True,
        "size": "small",
        "fontType": "monospace",
    }


def test_each_line_of_text_becomes_a_paragraph() -> None:
    """Newlines split paragraphs; blank lines and surrounding spaces go."""
    assert [paragraph(p) for p in paragraphs("one\n\n  two  \nthree\n")] == ["one", "two", "three"]


def test_empty_text_makes_no_paragraph() -> None:
    """Nothing to say, no empty block."""
    assert paragraphs("") == []


def test_a_label_and_value_share_a_wrapping_line() -> None:
    """``Label: value``, the label bold, the value verbatim."""
    block = labelled("Started by", "svc_x@contoso.com")
    assert paragraph(block) == "Started by: svc_x@contoso.com"
    assert block["inlines"][0]["weight"] == "bolder"
    assert "weight" not in block["inlines"][1]


def test_a_status_line_has_a_narrow_glyph_column_and_a_stretching_text_column() -> None:
    """Two columns, the glyph's as wide as the glyph, so nothing overflows a phone."""
    columns = status_line("✓", "good", [line(run("Done"))])["columns"]
    assert [column["width"] for column in columns] == ["auto", "stretch"]
    assert columns[0]["items"][0]["inlines"][0] == {
        "type": "TextRun",
        "text": "✓",
        "color": "good",
        "weight": "bolder",
    }


def test_a_status_line_can_be_set_apart_by_a_separator() -> None:
    """A line between list items (a page of users); none unless asked for."""
    assert status_line("✓", "good", [line(run("Ada"))], separator=True)["separator"] is True
    assert "separator" not in status_line("✓", "good", [line(run("Ada"))])


def test_a_link_opens_its_url() -> None:
    """``Link`` becomes ``Action.OpenUrl``."""
    assert action(Link("Sign in", "https://x/signin")) == {
        "type": "Action.OpenUrl",
        "title": "Sign in",
        "url": "https://x/signin",
    }


def test_a_button_is_execute_with_its_verb_in_the_data_too() -> None:
    """``{"verb": …, **data}`` on the Execute, the same on its Submit fallback."""
    made = action(BUTTON)
    data = {"verb": "retry", "tenant": "t-1", "run": "r-1"}
    assert (made["type"], made["title"], made["verb"], made["data"]) == (
        "Action.Execute",
        "Retry",
        "retry",
        data,
    )
    assert made["fallback"] == {
        "type": "Action.Submit",
        "title": "Retry",
        "data": data,
        "style": "positive",
    }


def test_button_styles_map_to_action_styles() -> None:
    """positive and destructive are kept; default is left out."""
    styles = [
        action(Button("x", "x", style=style)).get("style")
        for style in ("default", "positive", "destructive")
    ]
    assert styles == [None, "positive", "destructive"]


def test_a_button_without_inputs_skips_input_validation() -> None:
    """``associatedInputs: none`` on the Execute and its fallback."""
    made = action(Button("Keep it", "keep"), with_inputs=False)
    assert made["associatedInputs"] == made["fallback"]["associatedInputs"] == "none"


def test_buttons_do_not_share_data_with_their_fallback() -> None:
    """The fallback's data is a copy, so changing one never changes the other."""
    made = action(BUTTON)
    assert made["data"] is not made["fallback"]["data"]


def test_elements_use_no_hex_colours() -> None:
    """Only semantic colours, which the host config adapts to the dark theme."""
    made = card(
        [status_line("!", "warning", paragraphs("x", color="attention"))],
        [action(BUTTON)],
        wide=True,
    )
    colors = {node["color"] for node in walk(made) if "color" in node}
    assert colors <= {"default", "accent", "good", "warning", "attention"}
