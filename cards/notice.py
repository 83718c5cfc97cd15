"""Short cards: welcome, help, refusals, milestones and answers to commands."""

from __future__ import annotations

from cards.elements import Json, buttons, card, labelled, paragraphs, title
from cards.models import Notice
from cards.symbols import TONE


def notice(view: Notice) -> Json:
    """A title in the colour of its tone, the text, the facts and the buttons."""
    body = [title(view.title, TONE[view.tone]), *paragraphs(view.text, spacing="small")]
    body += [labelled(label, value) for label, value in view.facts]
    return card(body, buttons(view.buttons))
