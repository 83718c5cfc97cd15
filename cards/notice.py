"""Short cards: welcome, help, refusals, milestones and answers to commands."""

from __future__ import annotations

from cards.elements import Json, buttons, card, labelled, line, paragraphs, run, title
from cards.models import Notice
from cards.symbols import BULLET, TONE


def notice(view: Notice) -> Json:
    """A title in the colour of its tone, the text, the facts and the buttons; a fact without
    a label is a bulleted line."""
    body = [title(view.title, TONE[view.tone]), *paragraphs(view.text, spacing="small")]
    body += [
        labelled(label, value) if label else line(run(f"{BULLET} {value}"), spacing="small")
        for label, value in view.facts
    ]
    return card(body, buttons(view.buttons))
