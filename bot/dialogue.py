"""What the bot says and does on each turn: the commands, the wizard, the buttons.

Only admins of the conversation's own tenant change anything; a button whose tenant or
conversation is not the one it was pressed in is refused; every failure gets a clear answer.
The provider's own commands (``customers``, ``customer``) exist only in a conversation of the
provider's tenant (PROVIDER_TENANT_ID), for its admins: anywhere else they are unknown words.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import cards
from bot.commands import COMMANDS, OPERATOR_COMMANDS, describe, needs_admin, parse
from bot.conversations import ConversationStore
from bot.links import LINK_TTL_SECONDS, LinkSigner, SignInRequest
from bot.operator_commands import OperatorCommands
from bot.turns import Answer, Turn, card_answer
from bot.users_commands import UserCommands
from bot.views import integration_summary, progress_view, removal_summary, said, wizard_view
from cards.models import Button, Notice, RemovalWarningView
from i18n.text import t
from provisioning.integrations import (
    AdminCheck,
    Integrations,
    Purpose,
    Refused,
    RunKind,
    RunNotFound,
    RunView,
    TenantView,
)

_log = logging.getLogger(__name__)
Handler = Callable[["Dialogue", Turn], Awaitable[Answer]]


@dataclass
class _Cached:
    check: AdminCheck
    until: float


class Dialogue:
    """Answers turns."""

    def __init__(
        self,
        integrations: Integrations,
        conversations: ConversationStore,
        links: LinkSigner,
        public_url: str,
        admin_cache_seconds: float = 300.0,
    ) -> None:
        self.integrations = integrations
        self.conversations = conversations
        self._links = links
        self._public_url = public_url.rstrip("/")
        self._admin_ttl = admin_cache_seconds
        self._admins: dict[tuple[str, str], _Cached] = {}
        self.user_commands = UserCommands(integrations, self.scope, self.progress_card)
        self.operator_commands = OperatorCommands(integrations, self.scope)

    # ------------------------------------------------------------------------ the turn

    async def on_turn(self, turn: Turn) -> Answer:
        """The answer to one turn; never an exception."""
        try:
            return await self._on_turn(turn)
        except Exception:
            reference = uuid.uuid4().hex[:8]
            _log.exception("turn %s failed (reference %s)", turn.kind, reference)
            return self._refusal(
                turn,
                Notice(
                    t("Something went wrong on our side"),
                    t(
                        "Nothing was changed. Try again in a moment; if it keeps happening, tell "
                        "the provider the reference {reference}.",
                        reference=reference,
                    ),
                    tone="attention",
                ),
            )

    async def _on_turn(self, turn: Turn) -> Answer:
        if not turn.tenant_id:
            return self._say(
                turn, Notice(t("I work in Teams chats of an organization only."), tone="warning")
            )
        if turn.kind == "uninstalled":
            await asyncio.to_thread(self.conversations.uninstalled, turn.conversation_key, _now())
            return Answer()
        await asyncio.to_thread(
            self.conversations.remember,
            turn.conversation_key,
            turn.tenant_id,
            turn.conversation_kind,
            turn.reference,
            _now(),
        )
        if turn.kind == "installed":
            return await self._welcome(turn)
        if turn.kind == "action":
            return await self._button(turn)
        if turn.kind == "message":
            return await self._command(turn)
        return Answer()

    async def on_sent(self, turn: Turn, subject: str, activity_id: str) -> None:
        """Remember a card just sent, to update it later."""
        await asyncio.to_thread(
            self.conversations.keep_card, turn.conversation_key, subject, activity_id, _now()
        )

    # ---------------------------------------------------------------------- commands

    async def _command(self, turn: Turn) -> Answer:
        parsed = parse(turn.text, self.operator(turn))
        if parsed.name is None:
            if not turn.text:
                return Answer()
            suggestions = parsed.suggestions or ("help",)
            return self._say(
                turn,
                Notice(
                    t("I don't know \u201c{text}\u201d.", text=turn.text[:60]),
                    # The suggestions are command words: typed in English in every language.
                    t("Did you mean: {commands}?", commands=", ".join(suggestions)),
                    buttons=tuple(Button(s, s, self.scope(turn)) for s in suggestions[:3]),
                ),
            )
        return await self._run(parsed.name, turn)

    async def _run(self, name: str, turn: Turn) -> Answer:
        if name in OPERATOR_COMMANDS and not self.operator(turn):
            # Only a button can get here (the grammar knows no such word in this tenant): it
            # gets what any button that does nothing gets, and nothing about other tenants.
            return self._dead_button(turn)
        changes = needs_admin(name) or name in _ADMIN_ONLY
        if changes:
            check = await self.admin(turn)
            if not check.is_admin:
                return self._refuse(turn, check)
        handler = _HANDLERS.get(name)
        if handler is None:
            return await self._help(turn)
        return await handler(self, turn)

    async def _button(self, turn: Turn) -> Answer:
        data = turn.data
        if (
            data.get("tenant", turn.tenant_id) != turn.tenant_id
            or data.get("conversation", turn.conversation_key) != turn.conversation_key
        ):
            return self._refusal(
                turn,
                Notice(
                    t("That button belongs to another conversation."),
                    t("Nothing was changed."),
                    tone="attention",
                ),
            )
        if data.get("user") and data["user"] != turn.user.aad_object_id:
            return self._refusal(
                turn,
                Notice(
                    t("That button was meant for someone else."),
                    t("Nothing was changed."),
                    tone="attention",
                ),
            )
        if turn.verb not in _HANDLERS and turn.verb not in COMMANDS:
            return self._dead_button(turn)
        return await self._run(turn.verb, turn)

    def _dead_button(self, turn: Turn) -> Answer:
        return self._refusal(
            turn, Notice(t("That button no longer does anything."), tone="warning")
        )

    def operator(self, turn: Turn) -> bool:
        """Whether the turn is in a conversation of the provider's own tenant (where its admins
        have the provider's own commands)."""
        return self.integrations.is_provider(turn.tenant_id)

    # ---------------------------------------------------------------------- admins

    async def admin(self, turn: Turn) -> AdminCheck:
        """Whether the turn's user is an admin of its tenant (cached briefly)."""
        key = (turn.tenant_id, turn.user.aad_object_id)
        cached = self._admins.get(key)
        if cached is not None and cached.until > _now():
            return cached.check
        if not turn.user.aad_object_id:
            return AdminCheck(False, (), t("Teams did not say who you are"))
        check = await self.integrations.admin_check(turn.tenant_id, turn.user.aad_object_id)
        if not check.unknown:
            self._admins[key] = _Cached(check, _now() + self._admin_ttl)
        return check

    def _refuse(self, turn: Turn, check: AdminCheck) -> Answer:
        if check.unknown:
            text = t(
                "I cannot tell whether you are an admin ({reason}). Start with "
                "“connect”: an admin signs in first.",
                reason=said(check.unknown),
            )
        else:
            # The roles are Microsoft's names for them, as the directory gave them.
            held = ", ".join(check.roles) or t("no admin role")
            text = t(
                "Only admins of this organization can do that (Global Administrator, or Teams, "
                "User and Domain Name Administrator). You hold: {roles}.",
                roles=held,
            )
        return self._refusal(
            turn,
            Notice(
                t("That needs an admin"),
                text,
                buttons=(Button(t("Help"), "help", self.scope(turn)),),
                tone="warning",
            ),
        )

    # ------------------------------------------------------------------- answering

    def scope(self, turn: Turn) -> dict[str, str]:
        """What every button carries, so a press elsewhere, or by someone the card was not
        made for, is refused."""
        scope = self.shared_scope(turn)
        if turn.user.aad_object_id:
            scope["user"] = turn.user.aad_object_id
        return scope

    @staticmethod
    def shared_scope(turn: Turn) -> dict[str, str]:
        """What a button for anyone in the conversation carries (a welcome, a run's card)."""
        return {"tenant": turn.tenant_id, "conversation": turn.conversation_key}

    def _say(self, turn: Turn, notice: Notice, remember: str | None = None) -> Answer:
        return self._card(turn, cards.notice(notice), remember)

    def _refusal(self, turn: Turn, notice: Notice) -> Answer:
        """A no, seen by the one who asked; a pressed card stays as it was for the others."""
        answer = self._say(turn, notice)
        return dataclasses.replace(answer, shared=False)

    @staticmethod
    def _card(turn: Turn, card: dict[str, Any], remember: str | None = None) -> Answer:
        """A new card in reply to a message; the replacement of the pressed card for a button."""
        return card_answer(turn, card, remember)

    def link(self, turn: Turn, purpose: Purpose) -> str:
        """A signed link to a sign-in, bound to this conversation, user and tenant."""
        token = self._links.sign(
            SignInRequest(
                purpose.value,
                turn.tenant_id,
                turn.conversation_key,
                turn.user.aad_object_id,
                _now() + LINK_TTL_SECONDS,
            )
        )
        return f"{self._public_url}/auth/start?t={token}"

    async def _tenant(self, turn: Turn) -> tuple[TenantView | None, str]:
        view = await self.integrations.tenant(turn.tenant_id)
        return view, (view.display_name if view and view.display_name else t("your organization"))

    # ---------------------------------------------------------------------- handlers

    async def _welcome(self, turn: Turn) -> Answer:
        _, name = await self._tenant(turn)
        return self._say(
            turn,
            Notice(
                t(
                    "Hello! I connect {name} to your voice provider through Teams Direct Routing.",
                    name=name,
                ),
                t(
                    "It takes four steps: you sign in to Microsoft, I check everything is ready, "
                    "you sign in to the Teams admin centre, and I set it all up. It usually takes "
                    "a few minutes; DNS can make it an hour. Type “help” to see what else I can do."
                ),
                buttons=(
                    # For whoever reads it (in a team, everyone): bound to no one.
                    Button(t("Connect"), "connect", self.shared_scope(turn), "positive"),
                    Button(t("Help"), "help", self.shared_scope(turn)),
                ),
            ),
        )

    async def _help(self, turn: Turn) -> Answer:
        tenant, _ = await self._tenant(turn)
        admin = False
        if tenant is not None and "graph" in tenant.signed_in:
            admin = (await self.admin(turn)).is_admin
        lines = describe(admin, self.operator(turn))
        text = t("Type a command, here or with an @mention in a channel.")
        if not admin:
            text += " " + t("Commands that change things need an admin.")
        return self._say(turn, Notice(t("What I can do"), text, facts=tuple(lines)))

    async def wizard(self, turn: Turn) -> dict[str, Any]:
        """The wizard card for the turn's tenant, where it stands now."""
        tenant, name = await self._tenant(turn)
        checks = None
        if tenant is not None and "graph" in tenant.signed_in:
            checks = await self.integrations.readiness(turn.tenant_id)
        view = wizard_view(
            tenant,
            name,
            checks,
            self.link(turn, Purpose.GRAPH),
            self.link(turn, Purpose.TEAMS_ADMIN),
            self.scope(turn),
        )
        return cards.wizard(view)

    async def _connect(self, turn: Turn) -> Answer:
        return self._card(turn, await self.wizard(turn), "wizard")

    async def _status(self, turn: Turn) -> Answer:
        tenant, name = await self._tenant(turn)
        if tenant is None:
            return self._say(
                turn,
                Notice(
                    t("Your organization is not connected."),
                    t("Type “connect” to start."),
                    buttons=(Button(t("Connect"), "connect", self.scope(turn), "positive"),),
                ),
            )
        run = await self.integrations.latest_run(turn.tenant_id)
        if run is None:
            return self._card(turn, await self.wizard(turn), "wizard")
        return self._card(turn, await self.progress_card(run, name, turn), f"run:{run.run_id}")

    async def progress_card(
        self, run: RunView, name: str, turn: Turn | None = None
    ) -> dict[str, Any]:
        """A run's card as it stands."""
        scope = self.scope(turn) if turn else {"tenant": run.tenant_id}
        summary: tuple[str, ...] = ()
        if run.status == "succeeded" and not run.about:
            if run.kind == RunKind.REMOVE.value:
                summary = removal_summary(run)
            else:
                summary = integration_summary(
                    await self.integrations.integration_objects(run.tenant_id)
                )
        return cards.progress(progress_view(run, name, scope, summary))

    async def _integrate(self, turn: Turn) -> Answer:
        _, name = await self._tenant(turn)
        try:
            run_id = await self.integrations.start(
                turn.tenant_id,
                RunKind.PROVISION,
                turn.user.name or turn.user.aad_object_id,
                turn.conversation_key,
            )
        except Refused as refused:
            return self._refused(turn, refused, t("The integration cannot start yet"))
        run = await self.integrations.view(run_id)
        progress = await self.progress_card(run, name, turn)
        if turn.kind == "action":
            # The wizard makes way for the progress card, which is kept up to date.
            return Answer(
                replace=await self.wizard(turn), cards=(progress,), remember=((f"run:{run_id}", 0),)
            )
        return Answer(cards=(progress,), remember=((f"run:{run_id}", 0),))

    def _refused(self, turn: Turn, refused: Refused, title: str) -> Answer:
        # The facade's checks and reason, said in the admin's language; a check's detail and
        # its fix are sentences of their own, so they are joined as they are.
        facts = tuple(
            (said(c.title), f"{said(c.detail)} {said(c.fix)}".strip())
            for c in refused.checks
            if c.status.value == "fail"
        )
        buttons = [Button(t("Connect"), "connect", self.scope(turn))]
        if refused.run_id:
            buttons.append(Button(t("Status"), "status", self.scope(turn)))
        notice = Notice(
            title, said(refused.reason), facts=facts, buttons=tuple(buttons), tone="warning"
        )
        return self._refusal(turn, notice)

    async def _run_of(self, turn: Turn, want: str) -> RunView | None:
        run_id = turn.data.get("run")
        if run_id:
            try:
                found = await self.integrations.view(str(run_id))
            except RunNotFound:
                return None
            return found if found.tenant_id == turn.tenant_id else None
        run = await self.integrations.latest_run(turn.tenant_id)
        if (
            run is None
            or (want == "active" and not run.active)
            or (want == "failed" and run.status != "failed")
        ):
            return None
        return run

    async def _retry(self, turn: Turn) -> Answer:
        run = await self._run_of(turn, "failed")
        if run is None or run.status != "failed":
            return self._say(turn, Notice(t("There is no failed run to retry."), tone="info"))
        try:
            await self.integrations.retry(run.run_id, turn.user.name or turn.user.aad_object_id)
        except Refused as refused:
            return self._refused(turn, refused, t("It cannot be retried now"))
        await self.integrations.subscribe(run.run_id, turn.conversation_key)
        _, name = await self._tenant(turn)
        card = await self.progress_card(await self.integrations.view(run.run_id), name, turn)
        return self._card(turn, card, f"run:{run.run_id}")

    async def _cancel(self, turn: Turn) -> Answer:
        run = await self._run_of(turn, "active")
        if run is None or not run.active:
            return self._say(turn, Notice(t("Nothing is running."), tone="info"))
        result = await self.integrations.cancel(
            run.run_id, turn.user.name or turn.user.aad_object_id
        )
        _, name = await self._tenant(turn)
        card = await self.progress_card(await self.integrations.view(run.run_id), name, turn)
        if turn.kind == "action":
            return Answer(replace=card, remember_pressed=f"run:{run.run_id}")
        text = (
            t("It has stopped.")
            if result.stopped
            else t("It is stopping; this takes a few seconds.")
        )
        return Answer(
            cards=(card, cards.notice(Notice(t("Cancelled."), text))),
            remember=((f"run:{run.run_id}", 0),),
        )

    async def _readiness(self, turn: Turn) -> Answer:
        return self._card(turn, await self.wizard(turn), "wizard")

    async def _remove(self, turn: Turn, error: str = "") -> Answer:
        tenant, name = await self._tenant(turn)
        if tenant is None:
            return self._say(
                turn, Notice(t("Your organization is not connected: there is nothing to remove."))
            )
        objects = await self.integrations.integration_objects(turn.tenant_id, removal=True)
        view = RemovalWarningView(
            tenant_name=name,
            initial_domain=tenant.initial_domain,
            deleting=(
                *((said(o) for o in objects) if objects else (t("nothing in the tenant yet"),)),
                t("the stored sign-ins of this organization"),
            ),
            confirm=Button(
                t("Remove everything"), "remove_confirm", self.scope(turn), "destructive"
            ),
            cancel=Button(t("Keep it"), "remove_keep", self.scope(turn)),
            error=error,
        )
        return self._card(turn, cards.removal_warning(view))

    async def _remove_confirm(self, turn: Turn) -> Answer:
        tenant, name = await self._tenant(turn)
        typed = str(turn.data.get("confirmation", "")).strip().lower()
        if tenant is None or typed != tenant.initial_domain.lower():
            expected = tenant.initial_domain if tenant else t("the initial domain")
            return await self._remove(
                turn,
                t("Type {expected} exactly to confirm; nothing was removed.", expected=expected),
            )
        try:
            run_id = await self.integrations.start(
                turn.tenant_id,
                RunKind.REMOVE,
                turn.user.name or turn.user.aad_object_id,
                turn.conversation_key,
            )
        except Refused as refused:
            return self._refused(turn, refused, t("The removal cannot start"))
        run = await self.integrations.view(run_id)
        card = await self.progress_card(run, name, turn)
        return card_answer(turn, card, f"run:{run_id}")

    async def _remove_keep(self, turn: Turn) -> Answer:
        return self._say(turn, Notice(t("Nothing was removed."), tone="good"))

    async def _sync(self, turn: Turn) -> Answer:
        return await self.user_commands.sync(turn)

    async def _users(self, turn: Turn) -> Answer:
        return await self.user_commands.users(turn)

    async def _user(self, turn: Turn) -> Answer:
        return await self.user_commands.user(turn)

    async def _export(self, turn: Turn) -> Answer:
        return await self.user_commands.export(turn)

    async def _numbers(self, turn: Turn) -> Answer:
        return await self.user_commands.numbers(turn)

    async def _activate(self, turn: Turn) -> Answer:
        return await self.user_commands.activate(turn)

    async def _deactivate(self, turn: Turn) -> Answer:
        return await self.user_commands.deactivate(turn)

    async def _customers(self, turn: Turn) -> Answer:
        return await self.operator_commands.customers(turn)

    async def _customer(self, turn: Turn) -> Answer:
        return await self.operator_commands.customer(turn)


def _now() -> float:
    return time.time()


_ADMIN_ONLY = {"remove_confirm"}
_HANDLERS: dict[str, Handler] = {
    "help": Dialogue._help,
    "connect": Dialogue._connect,
    "status": Dialogue._status,
    "readiness": Dialogue._readiness,
    "integrate": Dialogue._integrate,
    "retry": Dialogue._retry,
    "cancel": Dialogue._cancel,
    "remove": Dialogue._remove,
    "remove_confirm": Dialogue._remove_confirm,
    "remove_keep": Dialogue._remove_keep,
    "sync": Dialogue._sync,
    "users": Dialogue._users,
    "user": Dialogue._user,
    "export": Dialogue._export,
    "numbers": Dialogue._numbers,
    "activate": Dialogue._activate,
    "deactivate": Dialogue._deactivate,
    "customers": Dialogue._customers,
    "customer": Dialogue._customer,
}
