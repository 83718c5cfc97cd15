"""Delivers the engine's outbox: a run's card updated in place as it advances (at most once a
second per conversation: the outbox paces progress), and a message at each milestone that
matters (domain verified or not, the end), even hours later and after a restart."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import cards
from bot.conversations import ConversationStore
from bot.dialogue import Dialogue
from bot.teams import SendFailed, TeamsSurface
from bot.views import removal_summary, said
from cards.models import Button, Notice
from i18n.language import speaking
from i18n.text import t
from provisioning.integrations import DeliveryFailed, Notification, RunView

# How long after a run starts the card its button press sends may still be on its way, and how
# often to look for it meanwhile (a card posted twice for one run stays twice in the chat).
CARD_ON_ITS_WAY_SECONDS = 5.0
CARD_POLL_SECONDS = 0.1


class Notifier:
    """``deliver`` for the engine's notification loop."""

    def __init__(
        self, dialogue: Dialogue, conversations: ConversationStore, surface: TeamsSurface
    ) -> None:
        self._dialogue = dialogue
        self._conversations = conversations
        self._surface = surface

    async def deliver(self, note: Notification) -> None:
        """Bring the conversation up to date with ``note``; DeliveryFailed tells the outbox
        when to try again (Teams' Retry-After) or to give up (the app was removed)."""
        key = note.subscriber
        reference = await asyncio.to_thread(self._conversations.reference, key)
        if reference is None:
            raise DeliveryFailed("the app is no longer in that conversation", permanent=True)
        # In the language of the conversation's last activity, hours later as at once.
        with speaking(reference.get("locale")):
            await self._bring_up_to_date(note, key, reference)

    async def _bring_up_to_date(
        self, note: Notification, key: str, reference: dict[str, Any]
    ) -> None:
        run = await self._dialogue.integrations.view(note.run_id)
        tenant = await self._dialogue.integrations.tenant(run.tenant_id)
        name = tenant.display_name if tenant and tenant.display_name else t("your organization")
        try:
            await self._card(key, reference, run, name)
            message = self._milestone(note, run, name, key)
            if message is not None:
                await self._surface.send(reference, message)
        except SendFailed as exc:
            raise DeliveryFailed(
                exc.reason, retry_after=exc.retry_after, permanent=exc.gone
            ) from exc

    async def _card(self, key: str, reference: dict[str, Any], run: RunView, name: str) -> None:
        card = await self._dialogue.progress_card(run, name)
        subject = f"run:{run.run_id}"
        card_id = await self._card_id(key, subject, run)
        if card_id:
            await self._surface.update(reference, card_id, card)
            return
        sent = await self._surface.send(reference, card)
        await asyncio.to_thread(self._conversations.keep_card, key, subject, sent, time.time())

    async def _card_id(self, key: str, subject: str, run: RunView) -> str | None:
        """The run's card in the conversation. A run just started from a button has its card on
        the way (the press's answer, sent beside the engine's first progress): wait a moment
        for it to be remembered rather than post a second card for the same run."""
        deadline = time.monotonic() + max(0.0, CARD_ON_ITS_WAY_SECONDS - run.elapsed)
        while True:
            card_id = await asyncio.to_thread(self._conversations.card, key, subject)
            if card_id or time.monotonic() >= deadline:
                return card_id
            await asyncio.sleep(CARD_POLL_SECONDS)

    def _milestone(
        self, note: Notification, run: RunView, name: str, key: str
    ) -> dict[str, Any] | None:
        if note.category != "milestone":
            return None
        scope = {"tenant": run.tenant_id, "conversation": key, "run": run.run_id}
        failed = note.data.get("outcome") == "failed"
        removal = run.kind == "remove"
        if note.name == "domain_verified" and not failed:
            return cards.notice(
                Notice(
                    t("Microsoft has verified the domain"),
                    t(
                        "The integration of {name} goes on by itself; the card above shows it.",
                        name=name,
                    ),
                    tone="good",
                )
            )
        if note.name == "domain_verified":
            return cards.notice(
                Notice(
                    t("Microsoft could not verify the domain"),
                    # What the engine stored: the error and what to do, sentences of their own.
                    f"{said(str(note.data.get('error') or note.message))} "
                    f"{said(str(note.data.get('hint') or ''))}",
                    buttons=(Button(t("Retry"), "retry", scope, "positive"),),
                    tone="attention",
                )
            )
        if run.kind in ("activate", "deactivate"):
            # The run's card says how it went; a user's (de)activation needs no message more.
            return None
        if note.name == "run_succeeded":
            if removal:
                return cards.notice(
                    Notice(
                        t("{name} is disconnected", name=name),
                        t(
                            "Everything the integration created is removed, and its sign-ins "
                            "are deleted."
                        ),
                        facts=tuple(("", line) for line in removal_summary(run)),
                        tone="good",
                    )
                )
            return cards.notice(
                Notice(
                    t("{name} is connected", name=name), t("Direct Routing is set up."), tone="good"
                )
            )
        if note.name == "run_failed":
            return cards.notice(
                Notice(
                    t("The removal stopped") if removal else t("The integration stopped"),
                    f"{said(run.error or note.message)} {said(run.hint)}".strip(),
                    buttons=(Button(t("Retry"), "retry", scope, "positive"),),
                    tone="attention",
                )
            )
        return None
