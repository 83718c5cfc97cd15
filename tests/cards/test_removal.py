"""The removal warning: what goes, that it cannot be undone, and the typed confirmation."""

from __future__ import annotations

from dataclasses import replace

from cards import removal_warning
from cards.models import Button, RemovalWarningView
from tests.cards.reading import of_type, paragraphs, status_line, status_lines, titles

VIEW = RemovalWarningView(
    tenant_name="Contoso",
    initial_domain="contoso-holding-international.onmicrosoft.com",
    deleting=("the voice route Callroute-E164", "the stored sign-ins of this organization"),
    confirm=Button("Remove everything", "remove_confirm", {"tenant": "t-1"}, "destructive"),
    cancel=Button("Keep it", "remove_keep", {"tenant": "t-1"}),
)


def test_the_title_names_the_tenant_in_attention() -> None:
    """``Remove Direct Routing from Contoso``, bold, in the attention colour."""
    (run,) = removal_warning(VIEW)["body"][0]["inlines"]
    assert (run["text"], run["color"]) == ("Remove Direct Routing from Contoso", "attention")


def test_every_object_to_delete_is_listed() -> None:
    """Each object is a bullet line, in order, after ``This deletes:``."""
    card = removal_warning(VIEW)
    bullets = [line.lines[0] for line in status_lines(card) if line.glyph == "•"]
    assert bullets == list(VIEW.deleting)
    assert "This deletes:" in paragraphs(card)


def test_it_says_it_cannot_be_undone() -> None:
    """In bold, in the attention colour."""
    (run,) = [r for r in of_type(removal_warning(VIEW), "TextRun") if "undone" in r["text"]]
    assert (run["text"], run["weight"], run["color"]) == (
        "This cannot be undone.",
        "bolder",
        "attention",
    )


def test_the_domain_to_type_is_shown_whole_in_monospace() -> None:
    """Exactly the characters to type: no break points, a font where l and 1 differ."""
    (run,) = [r for r in of_type(removal_warning(VIEW), "TextRun") if r.get("fontType")]
    assert (run["text"], run["fontType"]) == (VIEW.initial_domain, "monospace")


def test_the_input_has_the_views_id_a_label_and_is_required() -> None:
    """``Input.Text`` under ``input_id``; Teams will not send confirm while it is empty."""
    (field,) = of_type(removal_warning(replace(VIEW, input_id="typed")), "Input.Text")
    assert (field["id"], field["label"], field["isRequired"]) == ("typed", "Initial domain", True)
    assert field["errorMessage"]


def test_confirm_sends_the_typed_text_and_keep_does_not_need_it() -> None:
    """Confirm gathers the input; keep skips validation so it works with the field empty."""
    confirm, keep = removal_warning(VIEW)["actions"]
    assert "associatedInputs" not in confirm
    assert keep["associatedInputs"] == keep["fallback"]["associatedInputs"] == "none"


def test_confirm_then_keep_with_their_styles() -> None:
    """Both buttons in the action bar, confirm first and destructive."""
    card = removal_warning(VIEW)
    assert titles(card) == ["Remove everything", "Keep it"]
    assert [a.get("style") for a in card["actions"]] == ["destructive", None]
    assert [a["verb"] for a in card["actions"]] == ["remove_confirm", "remove_keep"]


def test_the_error_shows_when_the_typed_text_did_not_match() -> None:
    """A ✗ line in attention right under the field."""
    card = removal_warning(replace(VIEW, error="Type it exactly; nothing was removed."))
    line = status_line(card, "Type it exactly; nothing was removed.")
    assert (line.glyph, line.color) == ("✗", "attention")
    kinds = [element["type"] for element in card["body"]]
    assert kinds[-2:] == ["Input.Text", "ColumnSet"]


def test_without_an_error_the_field_is_the_last_element() -> None:
    """No error line on the first showing."""
    assert removal_warning(VIEW)["body"][-1]["type"] == "Input.Text"


def test_the_removal_warning_uses_the_full_width() -> None:
    """The list of objects wraps less."""
    assert removal_warning(VIEW)["msteams"] == {"width": "Full"}
