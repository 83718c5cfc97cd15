"""What the bot sends to the Bot Connector, and when: the cards it posts and the ones it updates
in place, per conversation, for tests of how often a conversation hears from it.

The sandbox's channel keeps no time for an update (an updated activity keeps the time it was
first posted), so the bot's calls are recorded on the test side as they go out."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.teams import TeamsSurface


@dataclass(frozen=True)
class ConnectorCall:
    """One card the channel accepted: posted (``send``) or replaced in place (``update``)."""

    kind: str
    conversation: str
    activity_id: str
    # When the bot made the call, by the wall clock the product's own clock reads, so that the
    # gaps compare with the outbox's pacing (which is measured on that clock) exactly.
    at: float
    card: dict[str, Any]


@dataclass
class ConnectorLog:
    """The calls recorded so far, oldest first."""

    calls: list[ConnectorCall] = field(default_factory=list)

    def updates(self, conversation: str) -> list[ConnectorCall]:
        """The card updates sent to ``conversation``."""
        return [c for c in self.calls if c.kind == "update" and c.conversation == conversation]


def _conversation(reference: dict[str, Any]) -> str:
    return str((reference.get("conversation") or {}).get("id") or "")


def record_connector_calls(surface: TeamsSurface, monkeypatch: pytest.MonkeyPatch) -> ConnectorLog:
    """Record every card ``surface`` posts or updates from now on (the test's end undoes it)."""
    log = ConnectorLog()
    send, update = surface.send, surface.update

    async def recorded_send(reference: dict[str, Any], card: dict[str, Any]) -> str:
        at = time.time()
        activity_id = await send(reference, card)
        log.calls.append(ConnectorCall("send", _conversation(reference), activity_id, at, card))
        return activity_id

    async def recorded_update(
        reference: dict[str, Any], activity_id: str, card: dict[str, Any]
    ) -> None:
        at = time.time()
        await update(reference, activity_id, card)
        log.calls.append(ConnectorCall("update", _conversation(reference), activity_id, at, card))

    monkeypatch.setattr(surface, "send", recorded_send)
    monkeypatch.setattr(surface, "update", recorded_update)
    return log
