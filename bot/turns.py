"""What the bot's logic sees of a turn, and what it answers: plain data, so that nothing but the
one botbuilder module (``bot/teams.py``) knows the SDK."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["message", "action", "installed", "uninstalled", "other"]


@dataclass(frozen=True)
class Person:
    """Who acted: their Teams id, their Entra object id and name."""

    id: str
    aad_object_id: str
    name: str


@dataclass(frozen=True)
class Turn:
    """One activity from Teams, as the logic needs it."""

    kind: Kind
    tenant_id: str
    conversation_key: str  # ``<tenant>|<conversation id>``, the engine's subscriber
    conversation_kind: str  # personal | channel | groupChat
    reference: dict[str, Any]  # the conversation reference, to answer later
    user: Person
    text: str = ""  # the message, the bot's @mention removed
    verb: str = ""  # the button pressed (Action.Execute or its Action.Submit fallback)
    data: dict[str, Any] = field(default_factory=dict)  # the button's data and the inputs
    card_id: str | None = None  # the activity id of the card a button was pressed on
    locale: str = "en-US"


@dataclass(frozen=True)
class Answer:
    """What the bot says back: new cards in the conversation, and for a button press the card
    that replaces the pressed one (for the presser at once)."""

    cards: tuple[dict[str, Any], ...] = ()
    replace: dict[str, Any] | None = None
    # Cards sent by this answer that must be remembered (``subject`` → index in ``cards``).
    remember: tuple[tuple[str, int], ...] = ()
    # Whether ``replace`` is the card's new state for everyone in the conversation; a refusal
    # is for the presser's eyes only, and the card stays as it was for the others.
    shared: bool = True
    # The subject whose card the pressed card becomes with ``replace`` (a run's progress…), so
    # later updates go to it rather than to a card of their own.
    remember_pressed: str | None = None


def card_answer(turn: Turn, card: dict[str, Any], remember: str | None = None) -> Answer:
    """A new card in reply to a message; the replacement of the pressed card for a button."""
    if turn.kind == "action":
        return Answer(replace=card, remember_pressed=remember)
    return Answer(cards=(card,), remember=((remember, 0),) if remember else ())
