"""Where the bot talks: conversation references and the cards it keeps up to date, in the
database so that any replica can answer, update a card or deliver a notification."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class ConversationRecord(SQLModel, table=True):
    """A conversation the bot is part of (a personal chat, or a channel of a team)."""

    __tablename__ = "conversations"

    # ``<tenant id>|<conversation id>``: the engine's subscriber for this conversation.
    key: str = Field(primary_key=True, max_length=512)
    tenant_id: str = Field(max_length=36, index=True)
    conversation_id: str = Field(max_length=400)
    kind: str = Field(default="personal", max_length=16)  # personal | channel | groupChat
    # The Bot Framework conversation reference (service URL, bot, conversation), as JSON.
    reference: str
    installed: bool = True
    created_at: float
    updated_at: float


class CardRecord(SQLModel, table=True):
    """A card the bot sent and keeps up to date (a run's progress card, the wizard)."""

    __tablename__ = "cards"

    conversation_key: str = Field(primary_key=True, max_length=512)
    # What the card shows: ``run:<run id>`` or ``wizard``.
    subject: str = Field(primary_key=True, max_length=64)
    activity_id: str = Field(max_length=256)
    updated_at: float
