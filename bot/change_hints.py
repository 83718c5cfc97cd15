"""A word in the chat when a scheduled sync finds that users changed in Microsoft 365 directly
(licences, users added or deleted, numbers assigned by hand): told in the conversation where an
admin last ran ``sync``, once per sync."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import cards
from bot.conversations import ConversationStore
from bot.teams import SendFailed, TeamsSurface
from cards.models import Button, Notice
from i18n.language import speaking
from i18n.text import N_, say, t
from provisioning.integrations import Integrations, SyncSummary

_log = logging.getLogger(__name__)
# A fact's label per status (marked only, said in the language being spoken).
_LABELS = {
    "inactive": N_("users inactive"),
    "active": N_("users active"),
    "unlicensed": N_("users without a Teams Phone licence"),
    "other": N_("users with another provider"),
}


def hint(summary: SyncSummary, tenant_id: str, conversation: str) -> Notice | None:
    """What to say about a sync's changes (``None``: nothing changed)."""
    lines = [(f"{change:+d}", _label(status)) for status, change in summary.changes().items()]
    if summary.added:
        lines.append((f"+{summary.added}", t("new users in Microsoft 365")))
    if summary.removed:
        lines.append((f"-{summary.removed}", t("users deleted in Microsoft 365")))
    if not lines:
        return None
    scope = {"tenant": tenant_id, "conversation": conversation}
    return Notice(
        t("Your users changed in Microsoft 365"),
        t(
            "The regular sync found changes made outside this chat (in the Microsoft 365 or "
            "Teams admin centre)."
        ),
        facts=tuple(lines),
        buttons=(Button(t("Show the users"), "users", scope),),
    )


def _label(status: str) -> str:
    """A fact's label for the users of ``status`` whose number changed."""
    if status in _LABELS:
        return say(_LABELS[status])
    return t("users {status}", status=status)


class ChangeHints:
    """Looks for syncs nobody was told about, and tells."""

    def __init__(
        self,
        integrations: Integrations,
        conversations: ConversationStore,
        surface: TeamsSurface,
        every: float,
    ) -> None:
        self._integrations = integrations
        self._conversations = conversations
        self._surface = surface
        self._every = every

    async def tell(self) -> int:
        """Tell every conversation due a word; how many were told."""
        told = 0
        users = self._integrations.users
        for tenant_id, conversation, summary in await users.untold():
            reference = await asyncio.to_thread(self._conversations.reference, conversation)
            # In the language of the conversation's last activity.
            with speaking(reference.get("locale") if reference else None):
                notice = hint(summary, tenant_id, conversation) if summary.kind == "delta" else None
                card = cards.notice(notice) if notice is not None else None
            if card is not None and reference is not None:
                try:
                    await self._surface.send(reference, card)
                except SendFailed as exc:
                    if not exc.gone:
                        continue  # Teams said try later: the next round does
                told += 1
            await users.told(tenant_id, summary.finished_at)
        return told

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Tell every ``every`` seconds until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.tell()
            except Exception:
                _log.exception("telling about user changes failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._every)
