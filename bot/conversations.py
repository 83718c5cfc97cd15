"""Conversations the bot is part of and the cards it keeps up to date, in the database (any
replica can answer, update a card or deliver a notification)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from storage.conversations import CardRecord, ConversationRecord


class ConversationStore:
    """Reads and writes conversation references and card ids (blocking: call from a thread)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def remember(
        self, key: str, tenant_id: str, kind: str, reference: dict[str, Any], now: float
    ) -> None:
        """Keep (or refresh) how to reach a conversation."""
        with Session(self._engine) as session:
            record = session.get(ConversationRecord, key)
            # Every activity brings the reference again, mostly unchanged: a write per message
            # would queue replicas behind the database's write lock for nothing.
            if record is not None and record.installed and _same(record.reference, reference):
                return
            if record is None:
                record = ConversationRecord(
                    key=key,
                    tenant_id=tenant_id,
                    conversation_id=key.split("|", 1)[-1],
                    kind=kind,
                    reference=json.dumps(reference),
                    created_at=now,
                    updated_at=now,
                )
            record.reference, record.installed, record.updated_at = json.dumps(reference), True, now
            session.add(record)
            session.commit()

    def reference(self, key: str) -> dict[str, Any] | None:
        """How to reach a conversation, if the bot is still in it."""
        with Session(self._engine) as session:
            record = session.get(ConversationRecord, key)
            if record is None or not record.installed:
                return None
            data: dict[str, Any] = json.loads(record.reference)
            return data

    def uninstalled(self, key: str, now: float) -> None:
        """The app was removed there: nothing is sent there any more."""
        with Session(self._engine) as session:
            record = session.get(ConversationRecord, key)
            if record is not None:
                record.installed, record.updated_at = False, now
                session.add(record)
                session.commit()

    def card(self, key: str, subject: str) -> str | None:
        """The activity id of the conversation's card about ``subject``."""
        with Session(self._engine) as session:
            record = session.get(CardRecord, (key, subject))
            return record.activity_id if record else None

    def keep_card(self, key: str, subject: str, activity_id: str, now: float) -> None:
        """Remember the card about ``subject`` (the newest one wins)."""
        with Session(self._engine) as session:
            record = session.get(CardRecord, (key, subject))
            if record is None:
                record = CardRecord(
                    conversation_key=key, subject=subject, activity_id=activity_id, updated_at=now
                )
            record.activity_id, record.updated_at = activity_id, now
            session.add(record)
            session.commit()


def _same(stored: str, reference: dict[str, Any]) -> bool:
    """Whether a stored reference reaches the conversation as ``reference`` does (the id of the
    activity it came with aside, which changes every time and is never used to send)."""
    try:
        kept = json.loads(stored)
    except ValueError:
        return False
    if not isinstance(kept, dict):
        return False
    kept.pop("activityId", None)
    fresh = {key: value for key, value in reference.items() if key != "activityId"}
    return bool(kept == fresh)
