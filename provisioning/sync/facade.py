"""The user side of the facade (SPEC step 4): sync, list, look up and export a tenant's users.
Safe to await from an aiohttp handler: database work runs in threads."""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, col, select

from provisioning.sync.service import Progress, UserSync
from provisioning.sync.status import UserStatus
from provisioning.sync.store import SyncBusyError, SyncStore, SyncSummary
from storage.users import TenantUserRecord

PAGE_SIZE = 20
_EXPORT_BATCH = 1000


@dataclass(frozen=True)
class UserView:
    """One synced user, as the list and the details card show them."""

    user_id: str
    upn: str
    display_name: str
    mail: str
    status: UserStatus
    numbers: tuple[str, ...]
    routing_policy: str
    dial_plan: str
    enterprise_voice: bool
    teams_phone: bool


@dataclass(frozen=True)
class UserPage:
    """A page of a tenant's users, and how many match in all."""

    users: tuple[UserView, ...]
    status: UserStatus | None
    offset: int
    total: int
    counts: dict[str, int]

    @property
    def has_next(self) -> bool:
        """Whether more users follow this page."""
        return self.offset + len(self.users) < self.total


@dataclass(frozen=True)
class SyncState:
    """Where a tenant's user sync stands."""

    running: str  # the kind of sync under way now; "" also when one was cut off
    finished_at: float
    last: SyncSummary | None


class SyncRunning(Exception):  # noqa: N818 - a refusal, named as the admin reads it
    """A sync of this tenant's users is under way already."""


def _view(record: TenantUserRecord) -> UserView:
    return UserView(
        user_id=record.user_id,
        upn=record.upn,
        display_name=record.display_name,
        mail=record.mail,
        status=UserStatus(record.status),
        numbers=tuple(n for n in record.numbers.split(",") if n),
        routing_policy=record.routing_policy,
        dial_plan=record.dial_plan,
        enterprise_voice=record.enterprise_voice,
        teams_phone=record.teams_phone,
    )


class TenantUsers:
    """Sync, list, look up and export the users of a tenant."""

    def __init__(self, sync: UserSync, store: SyncStore) -> None:
        self._sync = sync
        self._store = store
        self.engine = store.engine

    async def sync(
        self, tenant_id: str, full: bool = True, progress: Progress | None = None
    ) -> SyncSummary:
        """A full (or delta) sync; :class:`SyncRunning` when one is under way already."""
        try:
            if full:
                return await self._sync.full(tenant_id, progress)
            return await self._sync.delta(tenant_id, progress)
        except SyncBusyError as exc:
            raise SyncRunning(tenant_id) from exc

    async def tell_in(self, tenant_id: str, conversation: str) -> None:
        """Tell ``conversation`` when a scheduled sync finds changes made in Microsoft 365."""
        await asyncio.to_thread(self._store.tell_in, tenant_id, conversation)

    async def untold(self) -> list[tuple[str, str, SyncSummary]]:
        """Finished syncs whose conversation has not heard of them: tenant, where, summary."""
        return await asyncio.to_thread(self._store.untold)

    async def told(self, tenant_id: str, finished_at: float) -> None:
        """Nothing more to say about the sync that finished at ``finished_at``."""
        await asyncio.to_thread(self._store.told, tenant_id, finished_at)

    async def sync_one(self, tenant_id: str, query: str) -> list[UserView]:
        """Read the user(s) matching ``query`` from Microsoft 365 again."""
        found = await self._sync.one(tenant_id, query)
        views = []
        for user in found:
            record = await asyncio.to_thread(self._store.user, tenant_id, user.id)
            if record is not None:
                views.append(_view(record))
        return views

    def counts_of_all_tenants(self) -> dict[str, int]:
        """How many users of each status every tenant has together (blocking: for metrics,
        which are read in a worker thread)."""
        return self._store.counts(None)

    async def page(self, tenant_id: str, status: UserStatus | None, offset: int) -> UserPage:
        """A page of :data:`PAGE_SIZE` users (by UPN), filtered by status."""
        offset = max(0, offset)
        rows, total = await asyncio.to_thread(
            self._store.users, tenant_id, status, offset, PAGE_SIZE
        )
        counts = await asyncio.to_thread(self._store.counts, tenant_id)
        return UserPage(tuple(_view(r) for r in rows), status, offset, total, counts)

    async def find(self, tenant_id: str, query: str, limit: int = 10) -> list[UserView]:
        """Synced users by UPN, mail, or the start of their name or UPN."""

        def read() -> list[UserView]:
            text = query.strip().lower()
            if not text:
                return []
            t = TenantUserRecord
            with Session(self._store.engine) as session:
                rows = session.exec(
                    select(t)
                    .where(col(t.tenant_id) == tenant_id, col(t.removed).is_(False))
                    .where(
                        or_(
                            col(t.upn).ilike(text),
                            col(t.mail).ilike(text),
                            col(t.upn).ilike(_prefix(text), escape="\\"),
                            col(t.display_name).ilike(_prefix(text), escape="\\"),
                        )
                    )
                    .order_by(col(t.upn))
                    .limit(limit)
                ).all()
            exact = [r for r in rows if text in (r.upn.lower(), r.mail.lower())]
            return [_view(r) for r in (exact or rows)]

        return await asyncio.to_thread(read)

    async def user(self, tenant_id: str, user_id: str) -> UserView | None:
        """One synced user by id."""
        record = await asyncio.to_thread(self._store.user, tenant_id, user_id)
        return _view(record) if record is not None and not record.removed else None

    async def state(self, tenant_id: str) -> SyncState:
        """Whether a sync runs, and how the last one ended."""
        record = await asyncio.to_thread(self._store.state, tenant_id)
        if record is None:
            return SyncState("", 0.0, None)
        running = await asyncio.to_thread(self._store.under_way, record)
        return SyncState(running, record.finished_at, SyncSummary.from_json(record.summary))

    async def export_csv(self, tenant_id: str) -> bytes:
        """Every synced user as CSV (UTF-8 with a byte-order mark, which Excel expects)."""

        def write() -> bytes:
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(
                [
                    "userPrincipalName",
                    "displayName",
                    "mail",
                    "status",
                    "numbers",
                    "voiceRoutingPolicy",
                    "dialPlan",
                    "enterpriseVoice",
                    "teamsPhoneLicence",
                ]
            )
            offset = 0
            while True:
                rows, _ = self._store.users(tenant_id, None, offset, _EXPORT_BATCH)
                for r in rows:
                    writer.writerow(
                        [
                            _cell(r.upn),
                            _cell(r.display_name),
                            _cell(r.mail),
                            r.status,
                            r.numbers.replace(",", " "),
                            _cell(r.routing_policy),
                            _cell(r.dial_plan),
                            "yes" if r.enterprise_voice else "no",
                            "yes" if r.teams_phone else "no",
                        ]
                    )
                if len(rows) < _EXPORT_BATCH:
                    break
                offset += _EXPORT_BATCH
            return ("\ufeff" + out.getvalue()).encode("utf-8")

        return await asyncio.to_thread(write)


def _prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
