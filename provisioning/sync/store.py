"""The synced users and each tenant's sync state in the database (blocking: call from a
thread). Pages are upserted as they arrive, each with its cursor in the same transaction, so a
sync cut off halfway resumes where it stopped and nothing holds the whole tenant in memory."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from provisioning.microsoft.ports.user_sync import DirectoryUser, VoiceUser
from provisioning.sync.status import UserStatus, status_expression
from storage.database import database_now
from storage.users import HAS_VOICE, TenantUserRecord, UserSyncRecord

# A sync whose heartbeat is older than this was cut off (a page takes well under a second).
STALE_SECONDS = 60.0
_DIRECTORY_FIELDS = ("upn", "display_name", "mail", "account_enabled", "teams_phone")


class SyncBusyError(Exception):
    """Another process is syncing this tenant's users right now."""


@dataclass(frozen=True)
class SyncClaim:
    """A sync this process now owns: its generation and where its cursors stand."""

    kind: str
    generation: int
    directory_cursor: str
    voice_cursor: str
    directory_done: bool
    voice_done: bool
    delta_link: str
    resumed: bool
    before: dict[str, int] = field(default_factory=dict)
    # When the last sync that ended began (0: none has).
    voice_since: float = 0.0


@dataclass(frozen=True)
class SyncSummary:
    """How many users of each status a sync ended with, and what changed."""

    kind: str
    counts: dict[str, int]
    before: dict[str, int]
    added: int = 0
    removed: int = 0
    finished_at: float = 0.0

    def changes(self) -> dict[str, int]:
        """Per status, how many more (or fewer) users than before the sync."""
        keys = set(self.counts) | set(self.before)
        return {
            k: self.counts.get(k, 0) - self.before.get(k, 0)
            for k in sorted(keys)
            if self.counts.get(k, 0) != self.before.get(k, 0)
        }

    def to_json(self) -> str:
        """Stored with the tenant's sync state."""
        return json.dumps(self.__dict__)

    @classmethod
    def from_json(cls, text: str) -> SyncSummary | None:
        """The stored summary, if any."""
        if not text:
            return None
        data: dict[str, Any] = json.loads(text)
        return cls(**data)


class SyncStore:
    """Reads and writes synced users and sync state."""

    def __init__(self, engine: Engine, our_policy: str, stale: float = STALE_SECONDS) -> None:
        self.engine = engine
        self._engine = engine
        self._stale = stale
        self._our_policy = our_policy
        self._now = database_now(engine)

    # ------------------------------------------------------------------ sync state

    def claim(self, tenant_id: str, kind: str) -> SyncClaim:
        """Start a sync of ``kind``, or resume this tenant's sync that was cut off (whatever its
        kind: finishing it comes first); :class:`SyncBusyError` when one is alive."""
        with Session(self._engine) as session, session.begin():
            now = session.execute(select(self._now)).scalar_one()
            state = session.execute(
                select(UserSyncRecord)
                .where(col(UserSyncRecord.tenant_id) == tenant_id)
                .with_for_update()
            ).scalar_one_or_none()
            if state is None:
                state = UserSyncRecord(tenant_id=tenant_id)
                session.add(state)
            if state.running and now - state.heartbeat_at < self._stale:
                raise SyncBusyError(tenant_id)
            resumed = bool(state.running)
            if not resumed:
                state.generation += 1
                state.running = kind
                state.directory_cursor = state.voice_cursor = ""
                state.directory_done = state.voice_done = False
                state.started_at = now
            state.heartbeat_at = now
            before = self._counts(session, tenant_id)
            return SyncClaim(
                state.running,
                state.generation,
                state.directory_cursor,
                state.voice_cursor,
                state.directory_done,
                state.voice_done,
                state.delta_link,
                resumed,
                before,
                state.voice_since,
            )

    def due(self, interval: float) -> list[tuple[str, str]]:
        """Tenants whose sync was cut off (with its kind), then those whose last one finished
        more than ``interval`` seconds ago (``delta``); only tenants synced before."""
        s = UserSyncRecord
        with Session(self._engine) as session:
            now = session.execute(select(self._now)).scalar_one()
            rows = session.execute(
                select(col(s.tenant_id), col(s.running), col(s.heartbeat_at), col(s.finished_at))
            ).all()
        out: list[tuple[str, str]] = []
        for tenant_id, running, heartbeat, finished in rows:
            if running and now - heartbeat >= self._stale:
                out.append((tenant_id, running))
            elif not running and interval > 0 and finished and now - finished >= interval:
                out.append((tenant_id, "delta"))
        out.sort(key=lambda due: due[1] == "delta")
        return out

    def tell_in(self, tenant_id: str, conversation: str) -> None:
        """Where to tell about changes a scheduled sync finds (the last admin to sync)."""
        with Session(self._engine) as session, session.begin():
            state = session.get(UserSyncRecord, tenant_id)
            if state is None:
                state = UserSyncRecord(tenant_id=tenant_id)
            state.conversation = conversation
            session.add(state)

    def untold(self) -> list[tuple[str, str, SyncSummary]]:
        """Finished syncs nobody has been told about yet: tenant, conversation, summary."""
        s = UserSyncRecord
        with Session(self._engine) as session:
            rows = (
                session.execute(
                    select(s)
                    .where(col(s.conversation) != "", col(s.running) == "")
                    .where(col(s.finished_at) > col(s.told_at))
                )
                .scalars()
                .all()
            )
        out = []
        for row in rows:
            summary = SyncSummary.from_json(row.summary)
            if summary is not None:
                out.append((row.tenant_id, row.conversation, summary))
        return out

    def told(self, tenant_id: str, finished_at: float) -> None:
        """The sync that finished at ``finished_at`` has been told about (or needs no word)."""
        with Session(self._engine) as session, session.begin():
            session.execute(
                update(UserSyncRecord)
                .where(col(UserSyncRecord.tenant_id) == tenant_id)
                .where(col(UserSyncRecord.told_at) < finished_at)
                .values(told_at=finished_at)
            )

    def state(self, tenant_id: str) -> UserSyncRecord | None:
        """The tenant's sync state."""
        with Session(self._engine) as session:
            return session.get(UserSyncRecord, tenant_id)

    def under_way(self, state: UserSyncRecord) -> str:
        """The kind of sync some process runs now by ``state``, or "": one cut off (failed
        here, or its process gone) waits to be resumed and is not under way."""
        if not state.running:
            return ""
        with Session(self._engine) as session:
            now = session.execute(select(self._now)).scalar_one()
        return state.running if now - state.heartbeat_at < self._stale else ""

    def _beat(
        self, session: Session, tenant_id: str, generation: int, values: dict[str, Any]
    ) -> None:
        result = session.execute(
            update(UserSyncRecord)
            .where(col(UserSyncRecord.tenant_id) == tenant_id)
            .where(col(UserSyncRecord.generation) == generation)
            .values(heartbeat_at=self._now, **values)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise SyncBusyError(tenant_id)

    def abandon(self, tenant_id: str, generation: int) -> None:
        """Let a failed sync go: the next one starts afresh."""
        with Session(self._engine) as session, session.begin():
            self._beat(
                session,
                tenant_id,
                generation,
                {"running": "", "directory_cursor": "", "voice_cursor": ""},
            )

    def pause(self, tenant_id: str, generation: int) -> None:
        """A sync failed here: the next may resume it at once (its cursors are kept)."""
        with Session(self._engine) as session, session.begin():
            session.execute(
                update(UserSyncRecord)
                .where(col(UserSyncRecord.tenant_id) == tenant_id)
                .where(col(UserSyncRecord.generation) == generation)
                .values(heartbeat_at=0.0)
            )

    def forget_delta(self, tenant_id: str, generation: int) -> None:
        """Microsoft refused the delta link: the directory pass starts a full round."""
        with Session(self._engine) as session, session.begin():
            self._beat(session, tenant_id, generation, {"delta_link": "", "directory_cursor": ""})

    # ---------------------------------------------------------------------- pages

    def _upsert(
        self, session: Session, rows: Sequence[dict[str, Any]], keys: Iterable[str]
    ) -> None:
        if not rows:
            return
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        # The table, not the model: SQLAlchemy's ORM bulk path costs milliseconds a page.
        statement = dialect.insert(TenantUserRecord.__table__)  # type: ignore[attr-defined]
        statement = statement.on_conflict_do_update(
            index_elements=["tenant_id", "user_id"],
            set_={key: statement.excluded[key] for key in keys},
        )
        session.execute(statement, list(rows))

    def save_directory(
        self,
        tenant_id: str,
        generation: int,
        users: Sequence[DirectoryUser],
        cursor: str | None,
        delta_link: str | None,
        now: float,
    ) -> None:
        """One page of the directory pass, and where the pass goes on (``None``: it is done)."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for user in users:
            row: dict[str, Any] = {
                "tenant_id": tenant_id,
                "user_id": user.id,
                "removed": user.removed,
                "seen_directory": generation,
                "updated_at": now,
            }
            if not user.removed:
                row.update(
                    {k: getattr(user, k) for k in _DIRECTORY_FIELDS if getattr(user, k) is not None}
                )
            groups.setdefault(tuple(sorted(row)), []).append(row)
        with Session(self._engine) as session, session.begin():
            for keys, rows in groups.items():
                self._upsert(session, rows, [k for k in keys if k not in ("tenant_id", "user_id")])
            values: dict[str, Any] = {
                "directory_cursor": cursor or "",
                "directory_done": cursor is None,
            }
            if delta_link:
                values["delta_link"] = delta_link
            self._beat(session, tenant_id, generation, values)

    def save_voice(
        self,
        tenant_id: str,
        generation: int,
        users: Sequence[VoiceUser],
        cursor: str | None,
        now: float,
    ) -> None:
        """One page of the voice pass, and where it goes on (``None``: it is done)."""
        rows = [
            {
                "tenant_id": tenant_id,
                "user_id": u.id,
                "upn": u.upn,
                "enterprise_voice": u.enterprise_voice,
                "numbers": ",".join(u.numbers),
                "routing_policy": u.routing_policy,
                "dial_plan": u.dial_plan,
                "account_type": u.account_type,
                "seen_voice": generation,
                "updated_at": now,
            }
            for u in users
        ]
        voice_keys = [k for k in (rows[0] if rows else {}) if k not in ("tenant_id", "user_id")]
        with Session(self._engine) as session, session.begin():
            # The UPN is Graph's to say; Teams' copy only fills in a user Graph has not listed.
            self._upsert(session, rows, [k for k in voice_keys if k != "upn"])
            self._beat(
                session,
                tenant_id,
                generation,
                {"voice_cursor": cursor or "", "voice_done": cursor is None},
            )

    def voice_gone(self, tenant_id: str, generation: int) -> list[str]:
        """Users with voice before whom this (voice-only) pass did not see: read one by one."""
        with Session(self._engine) as session:
            rows = session.execute(
                select(col(TenantUserRecord.user_id))
                .where(col(TenantUserRecord.tenant_id) == tenant_id)
                .where(col(TenantUserRecord.seen_voice) < generation)
                # Word for word the partial index's condition, so the database uses it.
                .where(text(HAS_VOICE))
            ).all()
        return [str(r[0]) for r in rows]

    def clear_voice(self, tenant_id: str, generation: int, user_ids: Sequence[str]) -> None:
        """These users have no voice configuration in Teams any more."""
        if not user_ids:
            return
        with Session(self._engine) as session, session.begin():
            session.execute(
                update(TenantUserRecord)
                .where(col(TenantUserRecord.tenant_id) == tenant_id)
                .where(col(TenantUserRecord.user_id).in_(list(user_ids)))
                .values(**_NO_VOICE, seen_voice=generation)
            )

    # --------------------------------------------------------------------- finish

    def finish(self, claim: SyncClaim, tenant_id: str, now: float) -> SyncSummary:
        """Mark who was not seen (after a full pass), classify everyone, store the summary."""
        t = TenantUserRecord
        with Session(self._engine) as session, session.begin():
            removed = 0
            if claim.kind == "full":
                removed = session.execute(
                    update(t)
                    .where(col(t.tenant_id) == tenant_id)
                    .where(col(t.seen_directory) < claim.generation)
                    .where(col(t.removed).is_(False))
                    .values(removed=True, updated_at=now)
                ).rowcount  # type: ignore[attr-defined]
                session.execute(
                    update(t)
                    .where(col(t.tenant_id) == tenant_id)
                    .where(col(t.seen_voice) < claim.generation)
                    .values(**_NO_VOICE)
                )
            classify = update(t).where(col(t.tenant_id) == tenant_id)
            if claim.kind != "full":
                # A delta round touched few users: only they can have changed.
                classify = classify.where(
                    (col(t.seen_directory) == claim.generation)
                    | (col(t.seen_voice) == claim.generation)
                )
            session.execute(classify.values(status=status_expression(self._our_policy)))
            counts = self._counts(session, tenant_id)
            added = sum(counts.values()) - sum(claim.before.values()) + removed
            summary = SyncSummary(claim.kind, counts, claim.before, max(0, added), removed, now)
            values: dict[str, Any] = {
                "running": "",
                "directory_cursor": "",
                "voice_cursor": "",
                "finished_at": now,
                "summary": summary.to_json(),
                "voice_since": UserSyncRecord.started_at,
            }
            if claim.kind == "full":
                values["last_full_at"] = now
            self._beat(session, tenant_id, claim.generation, values)
        return summary

    def counts(self, tenant_id: str | None) -> dict[str, int]:
        """How many users of each status the tenant has (removed ones aside); of every
        tenant together when ``tenant_id`` is None (for metrics)."""
        with Session(self._engine) as session:
            return self._counts(session, tenant_id)

    @staticmethod
    def _counts(session: Session, tenant_id: str | None) -> dict[str, int]:
        t = TenantUserRecord
        query = select(col(t.status), func.count()).where(col(t.removed).is_(False))
        if tenant_id is not None:
            query = query.where(col(t.tenant_id) == tenant_id)
        rows = session.execute(query.group_by(t.status)).all()
        return {str(status): int(n) for status, n in rows}

    # ---------------------------------------------------------------------- reads

    def users(
        self, tenant_id: str, status: UserStatus | None, offset: int, limit: int
    ) -> tuple[list[TenantUserRecord], int]:
        """A page of the tenant's users (by UPN), and how many match in all."""
        t = TenantUserRecord
        where = [col(t.tenant_id) == tenant_id, col(t.removed).is_(False)]
        if status is not None:
            where.append(col(t.status) == status.value)
        with Session(self._engine) as session:
            total = session.execute(select(func.count()).select_from(t).where(*where)).scalar_one()
            rows = (
                session.execute(
                    select(t).where(*where).order_by(col(t.upn)).offset(offset).limit(limit)
                )
                .scalars()
                .all()
            )
        return list(rows), int(total)

    def user(self, tenant_id: str, user_id: str) -> TenantUserRecord | None:
        """One synced user."""
        with Session(self._engine) as session:
            return session.get(TenantUserRecord, (tenant_id, user_id))

    def classify(self, tenant_id: str, user_ids: Sequence[str]) -> None:
        """Classify these users again (after a single-user sync)."""
        t = TenantUserRecord
        with Session(self._engine) as session, session.begin():
            session.execute(
                update(t)
                .where(col(t.tenant_id) == tenant_id)
                .where(col(t.user_id).in_(list(user_ids)))
                .values(status=status_expression(self._our_policy))
            )

    def upsert_one(
        self, tenant_id: str, directory: DirectoryUser, voice: VoiceUser | None, now: float
    ) -> None:
        """A single-user sync's result."""
        row: dict[str, Any] = {
            "tenant_id": tenant_id,
            "user_id": directory.id,
            "removed": False,
            "updated_at": now,
            **{
                k: getattr(directory, k)
                for k in _DIRECTORY_FIELDS
                if getattr(directory, k) is not None
            },
        }
        voice_row = {
            "enterprise_voice": voice.enterprise_voice if voice else False,
            "numbers": ",".join(voice.numbers) if voice else "",
            "routing_policy": voice.routing_policy if voice else "",
            "dial_plan": voice.dial_plan if voice else "",
            "account_type": voice.account_type if voice else "",
        }
        row.update(voice_row)
        with Session(self._engine) as session, session.begin():
            self._upsert(session, [row], [k for k in row if k not in ("tenant_id", "user_id")])
        self.classify(tenant_id, [directory.id])


_NO_VOICE: dict[str, Any] = {
    "enterprise_voice": False,
    "numbers": "",
    "routing_policy": "",
    "dial_plan": "",
}
