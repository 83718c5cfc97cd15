"""Full, delta and single-user syncs of a tenant's users (SPEC step 4; DESIGN "Sync").

A full sync reads two cursors at once, the directory (``/users/delta``: every user with their
licences, ending in a delta link) and Teams' user configurations (voice), each page upserted as
it arrives with its cursor, so memory stays flat and a sync cut off halfway resumes. A delta
sync reads what changed in the directory since the last delta link and the users that have
voice, and those Teams changed since the last sync began (Teams keeps no delta of its own, but
stamps each user configuration with modifiedDateTime); one Microsoft refuses as expired becomes
a full sync.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from provisioning import metrics
from provisioning.engine.clock import Clock
from provisioning.log_context import about
from provisioning.microsoft.ports.tenant import TenantPortsFactory
from provisioning.microsoft.ports.user_sync import (
    DeltaExpiredError,
    DirectoryUser,
    Page,
    UserSyncPort,
    VoiceUser,
)
from provisioning.sync.store import SyncClaim, SyncStore, SyncSummary

T = TypeVar("T")
# Progress: (users read from the directory, users read from Teams) so far.
Progress = Callable[[int, int], None]
# Single-user reads of voice that went missing, at once (Graph's per-app concurrency is 4+).
_CONCURRENT_READS = 4
# A delta re-reads the users Teams changed since the last sync began, less this: our clock and
# Microsoft's differ, and a grant is stamped before it shows (grants take 30-45 s).
VOICE_CHANGE_MARGIN = 15 * 60.0


class UserSync:
    """Syncs one tenant's users into the database."""

    def __init__(self, store: SyncStore, ports: TenantPortsFactory, clock: Clock) -> None:
        self._store = store
        self._ports = ports
        self._clock = clock

    async def full(self, tenant_id: str, progress: Progress | None = None) -> SyncSummary:
        """Every user: directory and voice, two cursors at once."""
        return await self._sync(tenant_id, "full", progress)

    async def delta(self, tenant_id: str, progress: Progress | None = None) -> SyncSummary:
        """What changed since the last sync (a full sync when there was none)."""
        return await self._sync(tenant_id, "delta", progress)

    async def _sync(self, tenant_id: str, kind: str, progress: Progress | None) -> SyncSummary:
        with about(tenant_id=tenant_id):
            return await self._sync_claimed(tenant_id, kind, progress)

    async def _sync_claimed(
        self, tenant_id: str, kind: str, progress: Progress | None
    ) -> SyncSummary:
        claim = await asyncio.to_thread(self._store.claim, tenant_id, kind)
        if claim.kind == "delta" and not claim.delta_link and not claim.directory_cursor:
            # Nothing to go on from: the first sync of a tenant is a full one.
            await asyncio.to_thread(self._store.abandon, tenant_id, claim.generation)
            claim = await asyncio.to_thread(self._store.claim, tenant_id, "full")
        counted = [0, 0]

        def tell() -> None:
            if progress is not None:
                progress(counted[0], counted[1])

        try:
            async with self._ports.open(tenant_id) as ports:
                port = ports.user_sync
                await asyncio.gather(
                    self._directory(port, tenant_id, claim, counted, tell),
                    self._voice(port, tenant_id, claim, counted, tell),
                )
                if claim.kind == "delta":
                    await self._voice_gone(port, tenant_id, claim)
        except Exception:
            # The cursors stay as saved: the next sync resumes from them, at once.
            await asyncio.to_thread(self._store.pause, tenant_id, claim.generation)
            metrics.sync_ended(claim.kind, "failed")
            raise
        summary = await asyncio.to_thread(self._store.finish, claim, tenant_id, self._clock.now())
        metrics.sync_ended(claim.kind, "finished")
        return summary

    async def _directory(
        self,
        port: UserSyncPort,
        tenant_id: str,
        claim: SyncClaim,
        counted: list[int],
        tell: Callable[[], None],
    ) -> None:
        if claim.directory_done:
            return

        async def save(page: Page[DirectoryUser]) -> None:
            await asyncio.to_thread(
                self._store.save_directory,
                tenant_id,
                claim.generation,
                page.items,
                page.next_link,
                page.delta_link,
                self._clock.now(),
            )
            counted[0] += len(page.items)
            metrics.sync_page("directory", len(page.items))
            tell()

        async def start_over() -> None:
            # Microsoft forgot the round: start a full one; who is missing from it is not
            # judged (only a full sync does that), so nobody is marked removed wrongly.
            await asyncio.to_thread(self._store.forget_delta, tenant_id, claim.generation)

        start = claim.directory_cursor or (claim.delta_link if claim.kind == "delta" else "")
        await _follow(start or None, port.directory_page, save, start_over)

    async def _voice(
        self,
        port: UserSyncPort,
        tenant_id: str,
        claim: SyncClaim,
        counted: list[int],
        tell: Callable[[], None],
    ) -> None:
        if claim.voice_done:
            return
        since = max(0.0, claim.voice_since - VOICE_CHANGE_MARGIN) if claim.kind == "delta" else None

        async def save(page: Page[VoiceUser]) -> None:
            await asyncio.to_thread(
                self._store.save_voice,
                tenant_id,
                claim.generation,
                page.items,
                page.next_link,
                self._clock.now(),
            )
            counted[1] += len(page.items)
            metrics.sync_page("voice", len(page.items))
            tell()

        def fetch(link: str | None) -> Coroutine[Any, Any, Page[VoiceUser]]:
            return port.voice_page(link, since)

        await _follow(claim.voice_cursor or None, fetch, save)

    async def _voice_gone(self, port: UserSyncPort, tenant_id: str, claim: SyncClaim) -> None:
        """Users who had voice and were not in the voice pass: each is read on its own (a
        number or Enterprise Voice taken away, or a policy left without either)."""
        missing = await asyncio.to_thread(self._store.voice_gone, tenant_id, claim.generation)
        gate = asyncio.Semaphore(_CONCURRENT_READS)

        async def read(user_id: str) -> None:
            async with gate:
                voice = await port.voice_of(user_id)
            if voice is None:
                await asyncio.to_thread(
                    self._store.clear_voice, tenant_id, claim.generation, [user_id]
                )
            else:
                await asyncio.to_thread(
                    self._store.save_voice, tenant_id, claim.generation, [voice], None, 0.0
                )

        await asyncio.gather(*(read(u) for u in missing))

    async def one(self, tenant_id: str, query: str) -> list[DirectoryUser]:
        """Sync the users matching ``query`` (UPN, mail or name): at most 3 round trips for one
        user (find, then their voice)."""
        async with self._ports.open(tenant_id) as ports:
            found = await ports.user_sync.find(query)
            exact = [
                u for u in found if query.lower() in ((u.upn or "").lower(), (u.mail or "").lower())
            ]
            chosen = exact or found
            if len(chosen) > 1:
                return chosen  # the admin picks one; nothing is written for a guess
            for user in chosen:
                voice = await ports.user_sync.voice_of(user.id)
                await asyncio.to_thread(
                    self._store.upsert_one, tenant_id, user, voice, self._clock.now()
                )
            return chosen


async def _follow(
    start: str | None,
    fetch: Callable[[str | None], Coroutine[Any, Any, Page[T]]],
    save: Callable[[Page[T]], Awaitable[None]],
    start_over: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Read a cursor to its end from ``start``, saving each page. The next page is asked for
    while this one is saved: a cursor costs one round trip a page, not a round trip plus a
    transaction. A delta link Microsoft refuses starts the cursor over (``start_over``)."""
    pending = asyncio.ensure_future(fetch(start))
    try:
        while True:
            try:
                page = await pending
            except DeltaExpiredError:
                if start_over is None:
                    raise
                await start_over()
                pending = asyncio.ensure_future(fetch(None))
                continue
            if page.next_link:
                pending = asyncio.ensure_future(fetch(page.next_link))
            await save(page)
            if not page.next_link:
                return
    finally:
        pending.cancel()
