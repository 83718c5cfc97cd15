"""The user commands (SPEC step 4): ``sync`` with a progress card updated in place, ``sync
<user>``, ``users`` with filters and paging, ``user <name>``, ``export``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import cards
from bot.commands import parse
from bot.links import LINK_TTL_SECONDS, LinkSigner, SignInRequest
from bot.turns import Answer, Turn, card_answer
from bot.views import said
from cards.models import (
    Button,
    Link,
    Notice,
    SyncProgressView,
    UserDetailsView,
    UserRow,
    UsersListView,
)
from i18n.text import N_, number, say, t, tn
from provisioning.integrations import (
    ActivationRefused,
    Integrations,
    RunView,
    SyncRunning,
    SyncSummary,
    UserPage,
    UserStatus,
    UserView,
)

_log = logging.getLogger(__name__)
RunCard = Callable[[RunView, str, Turn], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any], dict[str, Any]], Awaitable[str]]
Update = Callable[[dict[str, Any], str, dict[str, Any]], Awaitable[None]]
# Teams takes at most about one update a second per conversation (rate-limit.md).
UPDATE_EVERY_SECONDS = 1.0
_FILTERS = {
    "inactive": UserStatus.INACTIVE,
    "active": UserStatus.ACTIVE,
    "unlicensed": UserStatus.UNLICENSED,
    "other": UserStatus.OTHER,
}
# A number at the end of what was typed: "+44 20 7946 0000", "020 7946 0000".
_NUMBER = re.compile(r"(\+?\d[\d\s().-]{4,})$")
_PAGE = re.compile(r"\bpage\s+(\d{1,6})\b")
_STATUS_ORDER = ("active", "inactive", "other", "unlicensed")
# The filter buttons' titles (the words typed after ``users`` stay English).
_FILTER_TITLES = {
    "inactive": N_("Inactive"),
    "active": N_("Active"),
    "unlicensed": N_("Unlicensed"),
    "other": N_("Other"),
}


def _counts(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple((s, counts.get(s, 0)) for s in _STATUS_ORDER if counts.get(s, 0))


def _ago(finished_at: float, now: float) -> str:
    if not finished_at:
        return t("never synced")
    minutes = int((now - finished_at) // 60)
    if minutes < 1:
        return t("synced just now")
    if minutes < 120:
        return tn("synced {n} minute ago", "synced {n} minutes ago", n=minutes)
    hours = minutes // 60
    if hours < 48:
        return tn("synced {n} hour ago", "synced {n} hours ago", n=hours)
    return tn("synced {n} day ago", "synced {n} days ago", n=hours // 24)


class UserCommands:
    """Answers the user commands of one bot."""

    def __init__(
        self,
        integrations: Integrations,
        scope: Callable[[Turn], dict[str, str]],
        run_card: RunCard,
    ) -> None:
        self.integrations = integrations
        self._scope = scope
        self._run_card = run_card
        self._send: Send | None = None
        self._update: Update | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._export_links: LinkSigner | None = None
        self._public_url = ""

    def exports(self, links: LinkSigner, public_url: str) -> None:
        """How to sign download links for ``export``, and where the bot is reached."""
        self._export_links, self._public_url = links, public_url.rstrip("/")

    def attach(self, send: Send, update: Update) -> None:
        """How to post and update cards outside a turn (the sync's progress card)."""
        self._send, self._update = send, update

    async def close(self) -> None:
        """Stop the syncs this process runs (their cursors are kept; they resume later)."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # ------------------------------------------------------------------------ sync

    async def sync(self, turn: Turn) -> Answer:
        """``sync``: every user, in the background; ``sync <user>``: that user, now."""
        if turn.kind == "action":
            query = str(turn.data.get("upn", "")).strip()
        else:
            query = _after_command(turn.text)
        if query:
            return await self._sync_one(turn, query)
        if self._send is None:
            return _say(turn, Notice(t("I cannot sync users in this process.")))
        state = await self.integrations.users.state(turn.tenant_id)
        if state.running:
            return _say(
                turn,
                Notice(
                    t("A sync of your users is already running."),
                    t("Its card shows how far it is; type “users” to see the list so far."),
                ),
            )
        await self.integrations.users.tell_in(turn.tenant_id, turn.conversation_key)
        name = await self._name(turn)
        first = cards.sync_progress(SyncProgressView(tenant_name=name, kind="full", finished=False))
        pressed = turn.card_id if turn.kind == "action" else None
        task = asyncio.create_task(self._run_sync(turn, name, first, pressed))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        # A press makes its card the sync's card (the press's answer shows it at once); a typed
        # "sync" gets a card of its own, posted when the sync starts.
        return Answer(replace=first) if turn.kind == "action" else Answer()

    async def _run_sync(
        self, turn: Turn, name: str, first: dict[str, Any], pressed: str | None
    ) -> None:
        send, update = self._send, self._update
        assert send is not None
        assert update is not None
        started = time.monotonic()
        read = [0, 0]
        if pressed:
            card_id = pressed
        else:
            try:
                card_id = await send(turn.reference, first)
            except Exception:
                _log.exception("the sync card could not be sent")
                return
        done = asyncio.Event()

        def progress(directory: int, voice: int) -> None:
            read[0], read[1] = directory, voice

        async def keep_updating() -> None:
            shown = (0, 0)
            while not done.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(done.wait(), UPDATE_EVERY_SECONDS)
                if done.is_set() or (read[0], read[1]) == shown:
                    continue
                shown = (read[0], read[1])
                current = SyncProgressView(
                    tenant_name=name,
                    kind="full",
                    finished=False,
                    directory_read=shown[0],
                    voice_read=shown[1],
                    elapsed=_elapsed(started),
                )
                with contextlib.suppress(Exception):
                    await update(turn.reference, card_id, cards.sync_progress(current))

        updater = asyncio.create_task(keep_updating())
        try:
            summary = await self.integrations.users.sync(turn.tenant_id, True, progress)
            final = self._finished(name, summary, read, started, turn)
            # Its card says what changed: nothing more to tell about this one.
            await self.integrations.users.told(turn.tenant_id, summary.finished_at)
        except SyncRunning:
            final = SyncProgressView(
                tenant_name=name,
                kind="full",
                finished=True,
                error=t("Another sync of your users started meanwhile; its card shows it."),
            )
        except Exception as exc:
            _log.info("a user sync failed: %s", type(exc).__name__)
            final = SyncProgressView(
                tenant_name=name,
                kind="full",
                finished=True,
                directory_read=read[0],
                voice_read=read[1],
                elapsed=_elapsed(started),
                # What went wrong in the system's own words (Microsoft's, untranslated).
                error=t(
                    "{error}. What was read is kept; sync again to go on from there.",
                    error=getattr(exc, "message", None) or exc,
                ),
                buttons=(Button(t("Sync again"), "sync", self._scope(turn), "positive"),),
            )
        finally:
            done.set()
            await updater
        with contextlib.suppress(Exception):
            await update(turn.reference, card_id, cards.sync_progress(final))

    def _finished(
        self, name: str, summary: SyncSummary, read: list[int], started: float, turn: Turn
    ) -> SyncProgressView:
        return SyncProgressView(
            tenant_name=name,
            kind=summary.kind,
            finished=True,
            directory_read=read[0],
            voice_read=read[1],
            counts=_counts(summary.counts),
            changes=tuple(summary.changes().items()),
            added=summary.added,
            removed=summary.removed,
            elapsed=_elapsed(started),
            buttons=(
                Button(t("Inactive users"), "users", {**self._scope(turn), "status": "inactive"}),
                Button(t("All users"), "users", self._scope(turn)),
            ),
        )

    async def _sync_one(self, turn: Turn, query: str) -> Answer:
        try:
            found = await self.integrations.users.sync_one(turn.tenant_id, query)
        except Exception as exc:
            return _say(
                turn,
                Notice(
                    t("I could not read that user from Microsoft 365."),
                    str(getattr(exc, "message", None) or exc),
                    tone="attention",
                ),
            )
        if not found:
            return _say(
                turn, Notice(t("Nobody in your organization matches “{query}”.", query=query[:80]))
            )
        if len(found) == 1:
            return card_answer(turn, cards.user_details(self._details(turn, found[0])))
        return await self._matches(turn, found, query)

    # ----------------------------------------------------------------------- lists

    async def users(self, turn: Turn) -> Answer:
        """``users [inactive|active|unlicensed|other] [page N]``, or a paging button."""
        status: UserStatus | None
        if turn.kind == "action":
            status = _FILTERS.get(str(turn.data.get("status", "")))
            offset = _int(turn.data.get("offset"))
        else:
            words = _after_command(turn.text).lower()
            status = next((s for w, s in _FILTERS.items() if re.search(rf"\b{w}\b", words)), None)
            page = _PAGE.search(words)
            offset = (int(page.group(1)) - 1) * 20 if page else 0
        listing = await self.integrations.users.page(turn.tenant_id, status, offset)
        state = await self.integrations.users.state(turn.tenant_id)
        return card_answer(
            turn, cards.users_list(await self._list(turn, listing, state.finished_at))
        )

    async def _list(self, turn: Turn, page: UserPage, synced: float) -> UsersListView:
        scope = self._scope(turn)
        status = page.status.value if page.status else ""
        extra = {"status": status} if status else {}
        size = 20
        previous = (
            Button(
                t("Previous"),
                "users",
                {**scope, **extra, "offset": str(max(0, page.offset - size))},
            )
            if page.offset > 0
            else None
        )
        following = (
            Button(t("Next"), "users", {**scope, **extra, "offset": str(page.offset + size)})
            if page.has_next
            else None
        )
        filters = tuple(
            Button(say(_FILTER_TITLES[word]), "users", {**scope, "status": word})
            for word in _FILTERS
            if word != status
        ) + ((Button(t("All"), "users", scope),) if status else ())
        return UsersListView(
            tenant_name=await self._name(turn),
            status_filter=status or None,
            rows=tuple(self._row(turn, u) for u in page.users),
            offset=page.offset,
            total=page.total,
            counts=_counts(page.counts),
            previous=previous,
            next=following,
            filters=filters,
            synced_at=_ago(synced, time.time()),
        )

    def _row(self, turn: Turn, user: UserView) -> UserRow:
        return UserRow(
            upn=user.upn,
            display_name=user.display_name,
            status=user.status.value,
            numbers=", ".join(user.numbers),
            # Only the tenant: the conversation id would repeat on every row of a 20-row card
            # (Teams' card size limit); a button of another tenant is still refused.
            open=Button(t("Details"), "user", {"tenant": turn.tenant_id, "id": user.user_id}),
        )

    async def _matches(self, turn: Turn, found: list[UserView], query: str) -> Answer:
        view = UsersListView(
            tenant_name=await self._name(turn),
            status_filter=None,
            rows=tuple(self._row(turn, u) for u in found[:20]),
            offset=0,
            total=len(found),
            # One text for both forms in English ("2 match …"), as it always read.
            # TRANSLATORS: how many users match what the admin typed.
            synced_at=tn(
                "{n} match “{query}”", "{n} match “{query}”", n=len(found), query=query[:60]
            ),
        )
        return card_answer(turn, cards.users_list(view))

    # --------------------------------------------------------------------- details

    async def user(self, turn: Turn) -> Answer:
        """``user <name or address>``, or the Details button of a list."""
        if turn.kind == "action" and turn.data.get("id"):
            found = await self.integrations.users.user(turn.tenant_id, str(turn.data["id"]))
            if found is None:
                return _say(turn, Notice(t("That user is no longer in your organization.")))
            return card_answer(turn, cards.user_details(self._details(turn, found)))
        query = _after_command(turn.text)
        if not query:
            return _say(turn, Notice(t("Whom? Type “user” and a name or an address.")))
        matches = await self.integrations.users.find(turn.tenant_id, query)
        if not matches:
            return _say(
                turn,
                Notice(
                    t("No synced user matches “{query}”.", query=query[:80]),
                    t("Type “sync {query}” to read them from Microsoft 365.", query=query[:80]),
                ),
            )
        if len(matches) == 1:
            return card_answer(turn, cards.user_details(self._details(turn, matches[0])))
        return await self._matches(turn, matches, query)

    def _details(self, turn: Turn, user: UserView) -> UserDetailsView:
        note = ""
        if user.status == UserStatus.OTHER:
            note = t("Voice is set up by someone else: I leave this user as it is.")
        elif user.status == UserStatus.UNLICENSED:
            note = t("Without a Teams Phone licence this user cannot be activated.")
        scope = {**self._scope(turn), "id": user.user_id}
        actions: tuple[Button, ...] = ()
        if user.status == UserStatus.INACTIVE:
            actions = (Button(t("Activate"), "activate", scope, "positive"),)
        elif user.status == UserStatus.ACTIVE:
            actions = (Button(t("Deactivate"), "deactivate", scope, "destructive"),)
        return UserDetailsView(
            display_name=user.display_name,
            upn=user.upn,
            status=user.status.value,
            numbers=", ".join(user.numbers),
            routing_policy=user.routing_policy,
            dial_plan=user.dial_plan,
            enterprise_voice=user.enterprise_voice,
            teams_phone=user.teams_phone,
            note=note,
            buttons=(
                *actions,
                Button(t("Sync this user"), "sync", {**self._scope(turn), "upn": user.upn}),
            ),
        )

    # ---------------------------------------------------------------------- export

    async def export(self, turn: Turn) -> Answer:
        """``export``: a link to the list as CSV, valid ten minutes, in a personal chat only
        (in a channel everyone would see the link)."""
        if self._export_links is None:
            return _say(turn, Notice(t("I cannot export in this process.")))
        if turn.conversation_kind != "personal":
            return _say(
                turn,
                Notice(
                    t("I send the user list in a personal chat only."),
                    t(
                        "Everyone in this channel would see the link. Open a chat with me and "
                        "type “export” there."
                    ),
                ),
            )
        listing = await self.integrations.users.page(turn.tenant_id, None, 0)
        token = self._export_links.sign(
            SignInRequest(
                "export",
                turn.tenant_id,
                turn.conversation_key,
                turn.user.aad_object_id,
                time.time() + LINK_TTL_SECONDS,
            )
        )
        return _say(
            turn,
            Notice(
                t("Your user list"),
                # One form in English, as it always read ("1 users"); "Benutzer" is both.
                t(
                    "{total} users as a CSV file (the link works for ten minutes).",
                    total=listing.total,
                ),
                buttons=(Link(t("Download the CSV"), f"{self._public_url}/export?t={token}"),),
                tone="good",
            ),
        )

    # ------------------------------------------------------------------ activation

    async def activate(self, turn: Turn) -> Answer:
        """``activate <user> <number>``, or Activate on a user's card (with the number typed)."""
        if turn.kind == "action":
            who = str(turn.data.get("id", ""))
            number = str(turn.data.get("number", "")).strip()
        else:
            typed = _after_command(turn.text)
            found = _NUMBER.search(typed)
            number = found.group(1).strip() if found else ""
            who = typed[: found.start()].strip() if found else typed.strip()
        if not who:
            return _say(turn, Notice(t("Whom? Type “activate” with a user and a phone number.")))
        try:
            run_id = await self.integrations.activations.activate(
                turn.tenant_id,
                who,
                number,
                turn.user.name or turn.user.aad_object_id,
                turn.conversation_key,
            )
        except ActivationRefused as refused:
            return _say(
                turn,
                Notice(t("That user cannot be activated"), said(refused.reason), tone="warning"),
            )
        return await self._run_answer(turn, run_id)

    async def deactivate(self, turn: Turn) -> Answer:
        """``deactivate <user>``, or Deactivate on a user's card."""
        who = str(turn.data.get("id", "")) if turn.kind == "action" else _after_command(turn.text)
        if not who:
            return _say(turn, Notice(t("Whom? Type “deactivate” and a user.")))
        try:
            run_id = await self.integrations.activations.deactivate(
                turn.tenant_id,
                who,
                turn.user.name or turn.user.aad_object_id,
                turn.conversation_key,
            )
        except ActivationRefused as refused:
            return _say(
                turn,
                Notice(t("That user cannot be deactivated"), said(refused.reason), tone="warning"),
            )
        return await self._run_answer(turn, run_id)

    async def numbers(self, turn: Turn) -> Answer:
        """``numbers`` (the ranges), ``numbers add <first> - <last>``, ``numbers remove <x>``."""
        typed = _after_command(turn.text)
        words = typed.split(maxsplit=1)
        action = words[0].lower() if words else ""
        rest = words[1] if len(words) > 1 else ""
        activations = self.integrations.activations
        try:
            if action in ("add", "new"):
                ends = [e.strip() for e in re.split(r"\s+(?:-|–|to)\s+", rest, maxsplit=1)]
                if len(ends) != 2 or not all(ends):
                    return _say(
                        turn,
                        Notice(
                            t("Which numbers?"),
                            t("Type “numbers add +44 20 7946 0000 - +44 20 7946 0099”."),
                        ),
                    )
                added = await activations.add_range(turn.tenant_id, ends[0], ends[1])
                return _say(
                    turn,
                    Notice(
                        t("Range added"),
                        t(
                            "{first} to {last}: {free} of {size} free. “activate <user>” takes "
                            "the next free one.",
                            first=added.first,
                            last=added.last,
                            free=added.free,
                            size=added.size,
                        ),
                        tone="good",
                    ),
                )
            if action in ("remove", "delete"):
                removed = await activations.remove_range(turn.tenant_id, rest.strip())
                text = (
                    t("Range removed.")
                    if removed
                    else t("No range starts at {first}.", first=rest.strip())
                )
                return _say(turn, Notice(text))
        except ActivationRefused as refused:
            return _say(
                turn, Notice(t("That range cannot be used"), said(refused.reason), tone="warning")
            )
        ranges = await activations.ranges(turn.tenant_id)
        if not ranges:
            return _say(
                turn,
                Notice(
                    t("No number ranges yet"),
                    t(
                        "Add one with “numbers add +44 20 7946 0000 - +44 20 7946 0099”; then "
                        "“activate <user>” takes the next free number."
                    ),
                ),
            )
        return _say(
            turn,
            Notice(
                t("Number ranges"),
                t("“activate <user>” takes the lowest free number."),
                facts=tuple(
                    (
                        t("{first} to {last}", first=r.first, last=r.last),
                        t("{free} of {size} free", free=r.free, size=r.size),
                    )
                    for r in ranges
                ),
            ),
        )

    async def _run_answer(self, turn: Turn, run_id: str) -> Answer:
        run = await self.integrations.view(run_id)
        card = await self._run_card(run, await self._name(turn), turn)
        # The run's card, updated in place as the run goes (the engine's outbox): a card of its
        # own for a typed command, the pressed user's card for a button.
        return card_answer(turn, card, f"run:{run_id}")

    async def _name(self, turn: Turn) -> str:
        tenant = await self.integrations.tenant(turn.tenant_id)
        return tenant.display_name if tenant and tenant.display_name else t("your organization")


def _after_command(text: str) -> str:
    return parse(text).rest


def _int(value: Any) -> int:
    try:
        return max(0, int(str(value)))
    except ValueError:
        return 0


def _elapsed(started: float) -> str:
    seconds = time.monotonic() - started
    if seconds < 60:
        return t("{seconds} s", seconds=number(seconds, decimals=1))
    return t("{minutes} min {seconds} s", minutes=int(seconds // 60), seconds=int(seconds % 60))


def _say(turn: Turn, notice: Notice) -> Answer:
    return card_answer(turn, cards.notice(notice))
