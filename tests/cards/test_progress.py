"""A run's card: status, steps with glyphs and details, milestone, time, the failure with Retry,
and the summary once it has ended."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from cards import progress
from cards.models import Button, ProgressView, StepLine
from tests.cards.reading import of_type, paragraph, paragraphs, status_line, titles

RETRY = Button("Retry", "retry", {"run": "r-1"}, "positive")
RUNNING = ProgressView(
    "Integration of Contoso",
    "running",
    "Working: Create the dial plan",
    (
        StepLine("Create the subdomain", "done", "contoso.example.net"),
        StepLine("Verify the domain", "waiting", "Waiting for DNS (3 min so far)"),
        StepLine("Create the dial plan", "running"),
        StepLine("Create the gateway user", "pending"),
    ),
    "3 min 20 s",
)
FAILED = replace(
    RUNNING,
    status="failed",
    status_text="Stopped",
    error="Domain verification failed: TXT record not found.",
    hint="Check the provider zone, then press Retry.",
    buttons=(RETRY,),
)


def card_of(**changes: Any) -> dict[str, Any]:
    """The progress card of the running view with ``changes``."""
    return progress(replace(RUNNING, **changes))


@pytest.mark.parametrize(
    ("status", "glyph", "colour"),
    [
        ("pending", "○", "default"),
        ("running", "►", "accent"),
        ("waiting", "…", "accent"),
        ("succeeded", "✓", "good"),
        ("failed", "✗", "attention"),
        ("cancelled", "■", "warning"),
    ],
)
def test_the_status_line_shows_the_runs_glyph_colour_and_words(
    status: str, glyph: str, colour: str
) -> None:
    """Under the title: the run's glyph and its status text, both in the status colour."""
    card = card_of(status=status, status_text="Words")
    line = status_line(card, "Words")
    assert (line.glyph, line.color) == (glyph, colour)
    (run,) = [run for run in of_type(card, "TextRun") if run["text"] == "Words"]
    assert run.get("color", "default") == colour


def test_the_title_comes_first() -> None:
    """The run's title, bold."""
    assert paragraphs(card_of())[0] == "Integration of Contoso"


@pytest.mark.parametrize(
    ("title", "glyph", "colour"),
    [
        ("Create the subdomain", "✓", "good"),
        ("Verify the domain", "…", "accent"),
        ("Create the dial plan", "►", "accent"),
        ("Create the gateway user", "○", "default"),
    ],
)
def test_each_step_shows_the_glyph_and_colour_of_its_status(
    title: str, glyph: str, colour: str
) -> None:
    """done ✓, waiting …, running ►, pending ○."""
    line = status_line(card_of(), title)
    assert (line.glyph, line.color) == (glyph, colour)


def test_a_step_shows_its_detail_under_its_title() -> None:
    """What it waits for, or what it said when done, dimmed and small."""
    assert status_line(card_of(), "Verify the domain").lines == [
        "Verify the domain",
        "Waiting for DNS (3 min so far)",
    ]


def test_a_failed_step_shows_its_detail_in_attention() -> None:
    """The system's text of a failed step stands out."""
    card = card_of(steps=(StepLine("Verify the domain", "failed", "TXT record not found."),))
    line = status_line(card, "Verify the domain")
    assert (line.glyph, line.color, line.lines[1]) == ("✗", "attention", "TXT record not found.")
    detail = [b for b in of_type(card, "RichTextBlock") if paragraph(b) == "TXT record not found."]
    assert detail[0]["inlines"][0]["color"] == "attention"


def test_pending_steps_are_dimmed_and_active_ones_bold() -> None:
    """What has not started recedes; what is going on stands out."""
    blocks = {paragraph(b): b["inlines"][0] for b in of_type(card_of(), "RichTextBlock")}
    assert blocks["Create the gateway user"].get("isSubtle") is True
    assert blocks["Create the dial plan"].get("weight") == "bolder"
    assert blocks["Verify the domain"].get("weight") == "bolder"


def test_the_elapsed_time_is_shown() -> None:
    """``Elapsed: 3 min 20 s`` under the status line."""
    assert "Elapsed: 3 min 20 s" in paragraphs(card_of())


def test_the_milestone_is_highlighted() -> None:
    """The latest milestone sits on the emphasis background, bold in accent."""
    card = card_of(milestone="The domain is verified.")
    (box,) = [c for c in of_type(card, "Container") if c.get("style") == "emphasis"]
    (run,) = box["items"][0]["inlines"]
    assert (run["text"], run["color"], run["weight"]) == (
        "The domain is verified.",
        "accent",
        "bolder",
    )


def test_a_failed_run_shows_what_happened_and_what_to_do_with_retry() -> None:
    """The error verbatim and the hint, on the attention background, and the Retry button."""
    card = progress(FAILED)
    (box,) = [c for c in of_type(card, "Container") if c.get("style") == "attention"]
    assert [paragraph(block) for block in box["items"]] == [
        "What happened",
        "Domain verification failed: TXT record not found.",
        "What to do",
        "Check the provider zone, then press Retry.",
    ]
    assert titles(card) == ["Retry"]
    assert card["actions"][0]["verb"] == "retry"


def test_text_on_the_failure_background_keeps_the_default_colour() -> None:
    """Coloured text on the pastel attention background would be hard to read."""
    (box,) = [c for c in of_type(progress(FAILED), "Container") if c.get("style") == "attention"]
    assert [run for run in of_type(box, "TextRun") if "color" in run] == []


def test_a_running_card_has_no_failure_block() -> None:
    """No error, no hint, no attention background."""
    assert [c for c in of_type(card_of(), "Container") if c.get("style") == "attention"] == []


def test_an_ended_run_lists_its_summary() -> None:
    """Each summary line is a bullet, after the steps, below a separator."""
    card = card_of(status="succeeded", summary=("Removed the route.", "Check the admin centre."))
    assert status_line(card, "Removed the route.").glyph == "•"
    assert paragraphs(card)[-2:] == ["Removed the route.", "Check the admin centre."]
    assert card["body"][-1]["separator"] is True


def test_a_card_without_steps_or_time_shows_only_title_and_status() -> None:
    """Empty parts leave nothing behind."""
    card = card_of(steps=(), elapsed="")
    assert paragraphs(card) == ["Integration of Contoso", "Working: Create the dial plan"]


def test_the_progress_card_uses_the_full_width() -> None:
    """Step lines and Microsoft's messages get the whole message column in Teams."""
    assert card_of()["msteams"] == {"width": "Full"}
