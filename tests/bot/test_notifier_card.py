"""The notifier with stand-ins for the chat: the engine's first progress for a run started by a
button does not post a second card (the press's own card, still on its way, is waited for and
then updated); a domain Microsoft will not verify is said with what to do and Retry."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any, cast

from bot.conversations import ConversationStore
from bot.dialogue import Dialogue
from bot.notifier import CARD_ON_ITS_WAY_SECONDS, Notifier
from bot.teams import TeamsSurface
from provisioning.integrations import Notification, RunView

KEY = "tenant|conversation"


def _run(elapsed: float) -> RunView:
    return RunView(
        run_id="run-1",
        tenant_id="tenant",
        kind="provision",
        status="running",
        requested_by="admin",
        created_at=time.time() - elapsed,
        finished_at=None,
        elapsed=elapsed,
        next_wake_at=None,
        error=None,
        hint=None,
        steps=(),
        milestone=None,
    )


@dataclass
class _Integrations:
    run: RunView

    async def view(self, run_id: str) -> RunView:
        return self.run

    async def tenant(self, tenant_id: str) -> None:
        return None


@dataclass
class _Dialogue:
    integrations: _Integrations

    async def progress_card(self, run: RunView, name: str) -> dict[str, Any]:
        return {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": run.status}]}


@dataclass
class _Conversations:
    """The press's card is remembered ``after`` seconds from now (None: never)."""

    after: float | None
    start: float = field(default_factory=time.monotonic)
    kept: dict[str, str] = field(default_factory=dict)

    def reference(self, key: str) -> dict[str, Any]:
        return {"locale": "en-US"}

    def card(self, key: str, subject: str) -> str | None:
        if subject in self.kept:
            return self.kept[subject]
        if self.after is not None and time.monotonic() - self.start >= self.after:
            return "the-press-card"
        return None

    def keep_card(self, key: str, subject: str, activity_id: str, now: float) -> None:
        self.kept[subject] = activity_id


@dataclass
class _Surface:
    sent: list[dict[str, Any]] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    async def send(self, reference: dict[str, Any], card: dict[str, Any]) -> str:
        self.sent.append(card)
        return f"posted-{len(self.sent)}"

    async def update(self, reference: dict[str, Any], activity_id: str, card: Any) -> None:
        self.updated.append(activity_id)


def _notifier(run: RunView, conversations: _Conversations, surface: _Surface) -> Notifier:
    return Notifier(
        cast(Dialogue, _Dialogue(_Integrations(run))),
        cast(ConversationStore, conversations),
        cast(TeamsSurface, surface),
    )


def _progress() -> Notification:
    return Notification(
        id=1,
        generation=1,
        event_id=1,
        subscriber=KEY,
        run_id="run-1",
        tenant_id="tenant",
        category="progress",
        name="step_started",
        message="",
        step=None,
        data={},
        at=time.time(),
        attempts=0,
        created_at=time.time(),
    )


async def test_a_just_started_run_updates_the_card_its_button_is_still_sending() -> None:
    surface = _Surface()

    await _notifier(_run(elapsed=0.2), _Conversations(after=0.5), surface).deliver(_progress())

    assert surface.sent == []
    assert surface.updated == ["the-press-card"]


async def test_a_run_whose_card_never_came_gets_one_from_the_notifier() -> None:
    surface = _Surface()
    conversations = _Conversations(after=None)

    await _notifier(_run(elapsed=CARD_ON_ITS_WAY_SECONDS - 0.3), conversations, surface).deliver(
        _progress()
    )

    assert len(surface.sent) == 1
    assert conversations.kept == {"run:run-1": "posted-1"}


async def test_an_older_run_without_a_card_gets_one_at_once() -> None:
    surface = _Surface()

    delivery = _notifier(_run(elapsed=60), _Conversations(after=None), surface).deliver(_progress())
    await asyncio.wait_for(delivery, timeout=1)

    assert len(surface.sent) == 1


async def test_a_domain_that_cannot_be_verified_for_good_is_said_with_what_to_do_and_retry() -> (
    None
):
    surface = _Surface()
    conversations = _Conversations(after=0.0)
    failed = dataclasses.replace(
        _progress(),
        category="milestone",
        name="domain_verified",
        message="Microsoft could not verify the domain.",
        data={
            "outcome": "failed",
            "error": "Domain verification failed: the TXT record was not found.",
            "hint": "Check the TXT record in the provider's DNS, then retry.",
        },
    )

    await _notifier(_run(elapsed=60), conversations, surface).deliver(failed)

    said = " | ".join(str(card) for card in surface.sent)
    assert "Microsoft could not verify the domain" in said
    assert "the TXT record was not found" in said
    assert "Check the TXT record" in said
    assert "'verb': 'retry'" in said
