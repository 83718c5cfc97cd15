"""Reading a card's JSON as a user sees it: its text, its status lines, its buttons."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]


def walk(node: Any) -> Iterator[Json]:
    """Every object in ``node``, depth first, in the order a reader meets them."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def of_type(card: Json, kind: str) -> list[Json]:
    """Every element or action of ``kind``, fallbacks included."""
    return [node for node in walk(card) if node.get("type") == kind]


def paragraph(block: Json) -> str:
    """A RichTextBlock's text as one string, as it reads (without invisible break points)."""
    return "".join(inline["text"] for inline in block["inlines"]).replace("\u200b", "")


def paragraphs(card: Json) -> list[str]:
    """Every paragraph of text, in order, without the status glyphs beside them."""
    glyphs = [id(c["columns"][0]["items"][0]) for c in of_type(card, "ColumnSet")]
    return [paragraph(b) for b in of_type(card, "RichTextBlock") if id(b) not in glyphs]


def text(card: Json) -> str:
    """All the card's text, a paragraph a line."""
    return "\n".join(paragraphs(card))


@dataclass(frozen=True)
class StatusLine:
    """A glyph in its colour, and the paragraphs beside it."""

    glyph: str
    color: str
    lines: list[str]


def status_lines(card: Json) -> list[StatusLine]:
    """Every glyph-and-text line, in order."""
    result = []
    for columns in of_type(card, "ColumnSet"):
        glyph_column, content = columns["columns"]
        (run,) = glyph_column["items"][0]["inlines"]
        lines = [paragraph(item) for item in content["items"] if item["type"] == "RichTextBlock"]
        result.append(StatusLine(run["text"], run.get("color", "default"), lines))
    return result


def status_line(card: Json, first: str) -> StatusLine:
    """The status line whose first paragraph is ``first``."""
    (found,) = [line for line in status_lines(card) if line.lines and line.lines[0] == first]
    return found


def buttons(card: Json) -> list[Json]:
    """Every button a user can press (the actions, not their fallbacks), in order."""
    fallbacks = [id(a["fallback"]) for a in walk(card) if isinstance(a.get("fallback"), dict)]
    return [
        node
        for node in walk(card)
        if str(node.get("type", "")).startswith("Action.") and id(node) not in fallbacks
    ]


def titles(card: Json) -> list[str]:
    """The titles of the buttons, in order."""
    return [button["title"] for button in buttons(card)]
