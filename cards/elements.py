"""The building blocks every card is made of: text, status lines, buttons and the card itself."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from cards.models import Button, Link
from i18n.text import t

Json = dict[str, Any]
# Semantic colours only: the host config picks the shade for the light, dark and contrast themes
# ("dark" and "light" are left out, they vanish on one theme or the other).
Color = Literal["default", "accent", "good", "warning", "attention"]
Spacing = Literal["none", "small", "default", "medium", "large"]
ContainerStyle = Literal["default", "emphasis", "good", "attention", "warning", "accent"]

# Teams renders Universal Actions (Action.Execute) from 1.4 and nothing newer than 1.5.
VERSION = "1.5"
# A word longer than this may not fit beside a glyph on a phone (a bold UPN of 33 characters
# is cut off at 320 px): a RichTextBlock wraps only between words (unlike a TextBlock, it never
# breaks inside one), so such a word gets invisible break points, after its separators and
# then every LONGEST_WORD characters.
LONGEST_WORD = 24
ZERO_WIDTH_SPACE = "\u200b"
_LONG_WORD = re.compile(rf"\S{{{LONGEST_WORD + 1},}}")
_BREAK_AFTER = re.compile(r"([/_.\-@=&?:;,|\\])")
_CHUNK = re.compile(rf"[^{ZERO_WIDTH_SPACE}]{{{LONGEST_WORD}}}(?=[^{ZERO_WIDTH_SPACE}])")


def card(body: Sequence[Json], actions: Sequence[Json] = (), *, wide: bool = False) -> Json:
    """An Adaptive Card 1.5 with ``body`` and ``actions`` in its action bar."""
    result: Json = {"type": "AdaptiveCard", "version": VERSION, "body": list(body)}
    if actions:
        result["actions"] = list(actions)
    if wide:
        # Teams' own extension: use the whole message column, so step lines wrap less.
        result["msteams"] = {"width": "Full"}
    return result


def run(
    text: str,
    *,
    color: Color = "default",
    bold: bool = False,
    subtle: bool = False,
    size: Literal["small", "default", "medium"] = "default",
    monospace: bool = False,
    breakable: bool = True,
) -> Json:
    """A piece of text shown exactly as given (``breakable=False``: long words kept whole)."""
    # A TextRun, because Teams applies markdown to TextBlocks and not to TextRuns: a UPN, a
    # domain like *.onmicrosoft.com or Microsoft's error text must not turn into italics or
    # links. Text the admin may copy to type it back keeps its long words free of break points.
    result: Json = {"type": "TextRun", "text": soft_breaks(text) if breakable else text}
    if color != "default":
        result["color"] = color
    if bold:
        result["weight"] = "bolder"
    if subtle:
        result["isSubtle"] = True
    if size != "default":
        result["size"] = size
    if monospace:
        result["fontType"] = "monospace"
    return result


def soft_breaks(text: str) -> str:
    """``text`` with invisible break points in words too long for a narrow card."""

    def split(word: re.Match[str]) -> str:
        marked = _BREAK_AFTER.sub(rf"\1{ZERO_WIDTH_SPACE}", word.group()).rstrip(ZERO_WIDTH_SPACE)
        return _CHUNK.sub(rf"\g<0>{ZERO_WIDTH_SPACE}", marked)

    return _LONG_WORD.sub(split, text)


def line(*runs: Json, spacing: Spacing | None = None) -> Json:
    """One paragraph of text runs; a RichTextBlock always wraps, so it fits a phone's width."""
    result: Json = {"type": "RichTextBlock", "inlines": list(runs)}
    if spacing is not None:
        result["spacing"] = spacing
    return result


def paragraphs(
    text: str,
    *,
    color: Color = "default",
    bold: bool = False,
    subtle: bool = False,
    size: Literal["small", "default", "medium"] = "default",
    spacing: Spacing | None = None,
) -> list[Json]:
    """``text`` as one paragraph per line (clients disagree on newlines inside a text run)."""
    lines = [part.strip() for part in text.splitlines() if part.strip()]
    return [
        line(
            run(part, color=color, bold=bold, subtle=subtle, size=size),
            spacing=spacing if index == 0 else "small",
        )
        for index, part in enumerate(lines)
    ]


def title(text: str, color: Color = "default") -> Json:
    """The card's title."""
    return line(run(text, color=color, bold=True, size="medium"))


def labelled(label: str, value: str, *, spacing: Spacing | None = "small") -> Json:
    """``Label: value`` on one wrapping line (a FactSet would apply markdown to the value)."""
    return line(run(f"{label}: ", bold=True), run(value), spacing=spacing)


def status_line(
    glyph: str,
    color: Color,
    content: Sequence[Json],
    *,
    spacing: Spacing | None = "small",
    separator: bool = False,
) -> Json:
    """A status glyph with ``content`` beside it, wrapped under itself and not under the glyph."""
    # Two columns only, the first as narrow as one character: it never overflows Teams' width.
    result: Json = {
        "type": "ColumnSet",
        "columns": [
            {
                "type": "Column",
                "width": "auto",
                "items": [line(run(glyph, color=color, bold=True))],
            },
            {"type": "Column", "width": "stretch", "items": list(content)},
        ],
    }
    if spacing is not None:
        result["spacing"] = spacing
    if separator:
        result["separator"] = True
    return result


def container(
    items: Iterable[Json],
    *,
    style: ContainerStyle | None = None,
    spacing: Spacing | None = None,
    separator: bool = False,
) -> Json:
    """Elements grouped, optionally on a coloured background (``style``)."""
    result: Json = {"type": "Container", "items": list(items)}
    if style is not None:
        result["style"] = style
    if spacing is not None:
        result["spacing"] = spacing
    if separator:
        result["separator"] = True
    return result


def action(button: Button | Link, *, with_inputs: bool = True) -> Json:
    """A button as an action: ``Action.Execute`` (with its fallback) or ``Action.OpenUrl``."""
    if isinstance(button, Link):
        return {"type": "Action.OpenUrl", "title": button.title, "url": button.url}
    return execute(button, with_inputs=with_inputs)


def execute(button: Button, *, with_inputs: bool = True) -> Json:
    """``Action.Execute``, with an ``Action.Submit`` fallback carrying the same title and data."""
    # The fallback is for clients without Universal Actions. Both carry the verb in their data
    # too, so the bot reads it the same way from an invoke and from a message.
    data = {"verb": button.verb, **button.data}
    submit: Json = {"type": "Action.Submit", "title": button.title, "data": dict(data)}
    result: Json = {
        "type": "Action.Execute",
        "title": button.title,
        "verb": button.verb,
        "data": data,
    }
    if button.style != "default":
        result["style"] = submit["style"] = button.style
    if not with_inputs:
        # A "keep it" button must work with the confirmation field empty or half typed.
        result["associatedInputs"] = submit["associatedInputs"] = "none"
    result["fallback"] = submit
    return result


def buttons(items: Iterable[Button | Link]) -> list[Json]:
    """Buttons as actions."""
    return [action(item) for item in items]


def action_set(items: Iterable[Button | Link], *, spacing: Spacing | None = None) -> Json:
    """Buttons inside the body, next to what they act on."""
    result: Json = {"type": "ActionSet", "actions": buttons(items)}
    if spacing is not None:
        result["spacing"] = spacing
    return result


def failure(error: str, hint: str) -> Json:
    """What went wrong and what to do, on the attention background. Microsoft's words stay
    verbatim (the admin can search for them) and in the default colour: the host configs pair
    pastel backgrounds with dark text in both themes, and coloured text on them is hard to read."""
    items: list[Json] = []
    if error:
        items.append(line(run(t("What happened"), bold=True)))
        items += paragraphs(error, spacing="none")
    if hint:
        items.append(line(run(t("What to do"), bold=True), spacing="medium" if error else None))
        items += paragraphs(hint, spacing="none")
    return container(items, style="attention", spacing="medium")
