"""Everything the runner persists: runs, their steps, the ledger, events and the outbox rows.

Every write a runner makes while executing a run is *fenced*: it happens in one transaction that
starts with a conditional update of the run row, matching the lease owner and the generation
the runner claimed. A runner that lost its lease (another runner claimed the run, or the run
was cancelled) therefore cannot write anything, and the row lock that update takes orders the
write against any concurrent claim. Leases are judged by the database's clock.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, bindparam, exists, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from provisioning.engine.contract import LedgerEntryView, LedgerItem
from provisioning.engine.errors import ActiveRunExists, LeaseLost, RunNotFound
from provisioning.engine.plans import RUN_END, LifecycleHook, Plan, dump_dataclass
from storage.database import database_now
from storage.events import ProgressEvent
from storage.ledger import LedgerEntry, LedgerStatus
from storage.notifications import NotificationRecord, RunSubscription
from storage.runs import ACTIVE, RunRecord, RunStatus, StepRecord, StepStatus

_ACTIVE = [s.value for s in ACTIVE]

# The two writes every step attempt makes, built once: building a statement costs more CPU
# than running it, and a hundred activations at once make thousands of them.
_RUNS = RunRecord.metadata.tables[RunRecord.__tablename__]
_STEPS = StepRecord.metadata.tables[StepRecord.__tablename__]
_runs, _steps = _RUNS.c, _STEPS.c
_STEP_FIELDS = [name for name in StepRecord.model_fields if name not in ("run_id", "name")]
_TOUCH_FENCED = (
    update(_RUNS)
    .where(
        _runs.id == bindparam("fence_run"),
        _runs.lease_owner == bindparam("fence_owner"),
        _runs.lease_generation == bindparam("fence_generation"),
        _runs.status.in_(_ACTIVE),
    )
    .values(lease_generation=bindparam("fence_generation"), updated_at=bindparam("fence_now"))
)
_SAVE_STEP = (
    update(_STEPS)
    .where(_steps.run_id == bindparam("step_run"), _steps.name == bindparam("step_name"))
    .values({name: bindparam(name) for name in _STEP_FIELDS})
)
MILESTONE = "milestone"


@dataclass(frozen=True)
class Lease:
    """A runner's claim on a run: valid while the run row still carries this generation."""

    run_id: str
    owner: str
    generation: int
    tenant_id: str = ""


@dataclass(frozen=True)
class Emit:
    """An event to append (and hand to the run's subscribers) with a write."""

    kind: str
    message: str
    step: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def milestone(cls, name: str, message: str, step: str | None = None, **data: Any) -> Emit:
        """A milestone event (its own kind, so subscribers need no step names)."""
        return cls(MILESTONE, message, step, {"milestone": name, **data})


class RunStore:
    """The runner's view of the database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _now_sql(self) -> ColumnElement[float]:
        """The clock leases are judged by (the database's own)."""
        return database_now(self.engine)

    # ------------------------------------------------------------------------------- runs

    def create_run(
        self,
        tenant_id: str,
        plan: Plan[Any, Any],
        params: Any,
        requested_by: str,
        now: float,
        subscriber: str | None = None,
        subject: str = "",
    ) -> str:
        """A new pending run with its steps; refused while the tenant has an active run about
        the same subject (the integration, or one user)."""
        run_id = uuid.uuid4().hex
        with Session(self.engine) as session:
            active = session.exec(
                select(RunRecord.id).where(
                    col(RunRecord.tenant_id) == tenant_id,
                    col(RunRecord.subject) == subject,
                    col(RunRecord.status).in_(_ACTIVE),
                )
            ).first()
            if active is not None:
                raise ActiveRunExists(active)
            run = RunRecord(
                id=run_id,
                tenant_id=tenant_id,
                kind=plan.kind,
                subject=subject,
                requested_by=requested_by,
                created_at=now,
                updated_at=now,
                next_wake_at=now,
                plan=json.dumps(dump_dataclass(params), sort_keys=True),
                plan_version=plan.version,
            )
            session.add(run)
            for step in plan.steps:
                session.add(StepRecord(run_id=run_id, name=step.name))
            try:
                session.flush()
            except IntegrityError as exc:
                session.rollback()
                # The partial unique index caught a concurrent creation; any other integrity
                # error (an unknown tenant, say) is what it is.
                self._raise_if_active(tenant_id, exc, subject)
                raise
            if subscriber is not None:
                session.add(RunSubscription(run_id=run_id, subscriber=subscriber, created_at=now))
            self._emit(session, run, now, Emit("run_created", f"{plan.kind} requested"))
            session.commit()
        return run_id

    def _raise_if_active(self, tenant_id: str, cause: Exception, subject: str = "") -> None:
        active = self.active_run(tenant_id, subject)
        if active is not None:
            raise ActiveRunExists(active.id) from cause

    def subscribe(self, run_id: str, subscriber: str, now: float) -> None:
        """Tell ``subscriber`` about the run's milestones and progress from now on."""
        with Session(self.engine) as session:
            if session.get(RunRecord, run_id) is None:
                raise RunNotFound(run_id)
            if session.get(RunSubscription, (run_id, subscriber)) is None:
                session.add(RunSubscription(run_id=run_id, subscriber=subscriber, created_at=now))
                session.commit()

    def run(self, run_id: str) -> RunRecord | None:
        """A run by id."""
        with Session(self.engine) as session:
            return session.get(RunRecord, run_id)

    def runs_of(self, tenant_id: str, limit: int = 20, subject: str = "") -> list[RunRecord]:
        """A tenant's integration runs (or the runs about ``subject``), newest first."""
        with Session(self.engine) as session:
            return list(
                session.exec(
                    select(RunRecord)
                    .where(col(RunRecord.tenant_id) == tenant_id)
                    .where(col(RunRecord.subject) == subject)
                    .order_by(col(RunRecord.created_at).desc())
                    .limit(limit)
                ).all()
            )

    def active_run(self, tenant_id: str, subject: str = "") -> RunRecord | None:
        """The tenant's active integration run (or the active run about ``subject``)."""
        with Session(self.engine) as session:
            return session.exec(
                select(RunRecord).where(
                    col(RunRecord.tenant_id) == tenant_id,
                    col(RunRecord.subject) == subject,
                    col(RunRecord.status).in_(_ACTIVE),
                )
            ).first()

    def active_subjects(self, tenant_id: str) -> list[RunRecord]:
        """The tenant's active runs about single users (activations, deactivations)."""
        with Session(self.engine) as session:
            return list(
                session.exec(
                    select(RunRecord).where(
                        col(RunRecord.tenant_id) == tenant_id,
                        col(RunRecord.subject) != "",
                        col(RunRecord.status).in_(_ACTIVE),
                    )
                ).all()
            )

    def counts(self) -> dict[tuple[str, str], int]:
        """How many runs there are of each (kind, status) (for metrics)."""
        with Session(self.engine) as session:
            rows = session.exec(
                select(RunRecord.kind, RunRecord.status, func.count()).group_by(
                    col(RunRecord.kind), col(RunRecord.status)
                )
            ).all()
            return {(str(kind), str(status)): int(n) for kind, status, n in rows}

    def steps(self, run_id: str) -> dict[str, StepRecord]:
        """A run's steps by name."""
        with Session(self.engine) as session:
            rows = session.exec(select(StepRecord).where(col(StepRecord.run_id) == run_id)).all()
            return {row.name: row for row in rows}

    def events(self, run_id: str) -> list[ProgressEvent]:
        """A run's events, oldest first."""
        with Session(self.engine) as session:
            return list(
                session.exec(
                    select(ProgressEvent)
                    .where(col(ProgressEvent.run_id) == run_id)
                    .order_by(col(ProgressEvent.id))
                ).all()
            )

    def ledger(self, tenant_id: str) -> list[LedgerEntryView]:
        """Every ledger entry of a tenant."""
        with Session(self.engine) as session:
            rows = session.exec(
                select(LedgerEntry)
                .where(col(LedgerEntry.tenant_id) == tenant_id)
                .order_by(col(LedgerEntry.id))
            ).all()
            return [LedgerEntryView(r.kind, r.key, r.status, json.loads(r.data)) for r in rows]

    def lease_holder(self, run_id: str) -> str | None:
        """Who holds a live lease on the run (by the database's clock), if anyone."""
        with Session(self.engine) as session:
            return session.exec(
                select(RunRecord.lease_owner).where(
                    col(RunRecord.id) == run_id,
                    col(RunRecord.lease_owner).is_not(None),
                    col(RunRecord.lease_expires_at) >= self._now_sql(),
                )
            ).first()

    def cancel(self, run_id: str, now: float, reason: str, hook: LifecycleHook) -> bool:
        """Cancel an active run; ``False`` when it had already ended.

        A runner still working on it is fenced out at once: its next write or lease renewal
        fails, and it stops. Until it lets go (or its lease expires) no other run of the tenant
        is claimed, so two runs never act on a tenant at once.
        """
        with Session(self.engine) as session:
            result = session.execute(
                update(RunRecord)
                .where(col(RunRecord.id) == run_id, col(RunRecord.status).in_(_ACTIVE))
                .values(
                    status=RunStatus.CANCELLED.value,
                    error=reason,
                    hint=None,
                    finished_at=now,
                    updated_at=now,
                    next_wake_at=None,
                )
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                return False
            run = session.get(RunRecord, run_id)
            assert run is not None
            hook(session, run, RunStatus.CANCELLED)
            self._emit(
                session, run, now, Emit.milestone(RUN_END[RunStatus.CANCELLED], reason or "")
            )
            session.commit()
            return True

    def retry(self, run_id: str, now: float) -> bool:
        """Send a failed run back to work; ``False`` when it had not failed.

        Its failed steps start over, and every unfinished step's give-up clock starts afresh.
        """
        with Session(self.engine) as session:
            run = session.get(RunRecord, run_id)
            if run is None:
                raise RunNotFound(run_id)
            if run.status != RunStatus.FAILED.value:
                return False
            for step in session.exec(select(StepRecord).where(col(StepRecord.run_id) == run_id)):
                if step.status == StepStatus.DONE.value:
                    continue
                step.status = StepStatus.PENDING.value
                step.attempts, step.failing_since = 0, None
                step.error = step.hint = step.wait_reason = None
                step.wait_until = step.started_at = step.finished_at = None
                session.add(step)
            run.status, run.error, run.hint = RunStatus.PENDING.value, None, None
            run.next_wake_at, run.finished_at, run.updated_at = now, None, now
            run.internal_errors = 0
            session.add(run)
            tenant_id, subject = run.tenant_id, run.subject
            try:
                session.flush()
            except IntegrityError as exc:
                session.rollback()
                self._raise_if_active(tenant_id, exc, subject)
                raise
            self._emit(session, run, now, Emit("run_retried", "retry requested"))
            session.commit()
            return True

    # ----------------------------------------------------------------------------- leases

    def claim(self, owner: str, now: float, lease_seconds: float) -> tuple[RunRecord, Lease] | None:
        """Take the lease of one runnable run (due, and not leased by a live runner)."""
        claimed = self.claim_many(owner, now, lease_seconds, 1)
        return claimed[0] if claimed else None

    def claim_many(
        self, owner: str, now: float, lease_seconds: float, limit: int
    ) -> list[tuple[RunRecord, Lease]]:
        """Take the leases of up to ``limit`` runnable runs in one transaction.

        A run whose tenant has another run still leased (one just cancelled, its runner not
        yet stopped) waits: only one run acts on the tenant's integration at a time, and none
        acts on a user while the integration is acted on; runs about different users of a
        tenant act side by side (within one batch too).
        """
        db_now = self._now_sql()
        other = aliased(RunRecord)
        busy_tenant = exists().where(
            col(other.tenant_id) == col(RunRecord.tenant_id),
            col(other.id) != col(RunRecord.id),
            col(other.lease_owner).is_not(None),
            col(other.lease_expires_at) >= db_now,
            or_(
                col(other.subject) == col(RunRecord.subject),
                col(other.subject) == "",
                col(RunRecord.subject) == "",
            ),
        )
        free = or_(
            col(RunRecord.lease_expires_at).is_(None), col(RunRecord.lease_expires_at) < db_now
        )
        with Session(self.engine) as session:
            candidates = session.execute(
                select(col(RunRecord.id), col(RunRecord.tenant_id), col(RunRecord.subject))
                .where(
                    col(RunRecord.status).in_(_ACTIVE),
                    or_(col(RunRecord.next_wake_at).is_(None), col(RunRecord.next_wake_at) <= now),
                    free,
                    ~busy_tenant,
                )
                .order_by(col(RunRecord.next_wake_at))
                .limit(limit + 15)
            ).all()
            taken: list[str] = []
            acting: dict[str, set[str]] = {}  # tenant -> subjects claimed in this batch
            for run_id, tenant_id, subject in candidates:
                if len(taken) == limit:
                    break
                subjects = acting.get(tenant_id, set())
                if subject in subjects or (subjects and ("" in subjects or subject == "")):
                    continue
                result = session.execute(
                    update(RunRecord)
                    .where(col(RunRecord.id) == run_id, col(RunRecord.status).in_(_ACTIVE), free)
                    .values(
                        lease_owner=owner,
                        lease_expires_at=db_now + lease_seconds,
                        lease_generation=col(RunRecord.lease_generation) + 1,
                        status=RunStatus.RUNNING.value,
                        updated_at=now,
                    )
                )
                if result.rowcount == 1:  # type: ignore[attr-defined]
                    taken.append(run_id)
                    acting.setdefault(tenant_id, set()).add(subject)
            session.commit()
            if not taken:
                return []
            runs = session.exec(
                select(RunRecord).where(
                    col(RunRecord.id).in_(taken), col(RunRecord.lease_owner) == owner
                )
            ).all()
            order = {run_id: i for i, run_id in enumerate(taken)}
            return [
                (run, Lease(run.id, owner, run.lease_generation, run.tenant_id))
                for run in sorted(runs, key=lambda r: order[r.id])
            ]

    def _fenced(self, lease: Lease) -> Any:
        """The update that fences a write: it matches only while the lease is ours."""
        return (
            update(RunRecord)
            .where(
                col(RunRecord.id) == lease.run_id,
                col(RunRecord.lease_owner) == lease.owner,
                col(RunRecord.lease_generation) == lease.generation,
                col(RunRecord.status).in_(_ACTIVE),
            )
            .execution_options(synchronize_session=False)
        )

    def _fence(self, session: Session, lease: Lease, **values: Any) -> None:
        """The fencing update, first in the write's transaction (it takes the row's lock)."""
        result = session.execute(
            self._fenced(lease).values(lease_generation=lease.generation, **values)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            raise LeaseLost(lease.run_id)

    def _fenced_run(self, session: Session, lease: Lease, **values: Any) -> RunRecord:
        """Fence, and read the run as the write left it (for hooks and events)."""
        self._fence(session, lease, **values)
        run = session.get(RunRecord, lease.run_id, populate_existing=True)
        assert run is not None
        return run

    def renew(self, lease: Lease, seconds: float) -> bool:
        """Extend the lease; ``False`` when it is no longer ours (taken over or cancelled)."""
        with Session(self.engine) as session:
            result = session.execute(
                self._fenced(lease).values(lease_expires_at=self._now_sql() + seconds)
            )
            session.commit()
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def relinquish(self, lease: Lease, now: float) -> None:
        """Let go of a lease (a graceful stop, or a run that was cancelled meanwhile).

        An active run becomes claimable again at once instead of after the lease expires.
        """
        with Session(self.engine) as session:
            session.execute(
                update(RunRecord)
                .where(
                    col(RunRecord.id) == lease.run_id,
                    col(RunRecord.lease_owner) == lease.owner,
                    col(RunRecord.lease_generation) == lease.generation,
                )
                .values(lease_owner=None, lease_expires_at=None)
            )
            session.execute(
                update(RunRecord)
                .where(
                    col(RunRecord.id) == lease.run_id,
                    col(RunRecord.lease_owner).is_(None),
                    col(RunRecord.status) == RunStatus.RUNNING.value,
                )
                .values(status=RunStatus.PENDING.value, next_wake_at=now, updated_at=now)
            )
            session.commit()

    def start_run(self, lease: Lease, now: float, hook: LifecycleHook) -> None:
        """The run's start, as the plan's lifecycle hook records it."""
        with Session(self.engine) as session:
            run = self._fenced_run(session, lease, updated_at=now)
            hook(session, run, RunStatus.RUNNING)
            session.commit()

    def release(self, lease: Lease, wake_at: float, now: float, reason: str) -> None:
        """Park a run until ``wake_at`` (a durable timer) and give up its lease."""
        with Session(self.engine) as session:
            run = self._fenced_run(
                session,
                lease,
                status=RunStatus.WAITING.value,
                next_wake_at=wake_at,
                lease_owner=None,
                lease_expires_at=None,
                updated_at=now,
            )
            self._emit(session, run, now, Emit("run_waiting", reason, data={"wake_at": wake_at}))
            session.commit()

    def finish(
        self,
        lease: Lease,
        status: RunStatus,
        now: float,
        hook: LifecycleHook,
        emits: Iterable[Emit] = (),
        error: str | None = None,
        hint: str | None = None,
    ) -> None:
        """End a run: its record, the domain's state (the hook) and its events, all at once."""
        with Session(self.engine) as session:
            run = self._fenced_run(
                session,
                lease,
                status=status.value,
                error=error,
                hint=hint,
                finished_at=now,
                updated_at=now,
                lease_owner=None,
                lease_expires_at=None,
                next_wake_at=None,
            )
            hook(session, run, status)
            for emit in emits:
                self._emit(session, run, now, emit)
            session.commit()

    def count_internal_error(self, lease: Lease, now: float, retry_at: float) -> int:
        """One more unexpected error of the machinery; the run comes back at ``retry_at``."""
        with Session(self.engine) as session:
            run = self._fenced_run(
                session,
                lease,
                internal_errors=col(RunRecord.internal_errors) + 1,
                status=RunStatus.WAITING.value,
                next_wake_at=retry_at,
                lease_owner=None,
                lease_expires_at=None,
                updated_at=now,
            )
            session.commit()
            return run.internal_errors

    # ------------------------------------------------------------------------------ steps

    def add_missing_steps(self, lease: Lease, names: Iterable[str]) -> None:
        """Records for steps the run's plan has but the run does not (added by a release)."""
        with Session(self.engine) as session:
            self._fence(session, lease)
            have = set(
                session.exec(
                    select(StepRecord.name).where(col(StepRecord.run_id) == lease.run_id)
                ).all()
            )
            for name in names:
                if name not in have:
                    session.add(StepRecord(run_id=lease.run_id, name=name))
            session.commit()

    def save_step(
        self,
        lease: Lease,
        record: StepRecord,
        now: float,
        emits: Iterable[Emit] = (),
        created: Iterable[LedgerItem] = (),
        removed: Iterable[LedgerItem] = (),
    ) -> None:
        """A step's new state, the ledger entries it settled and its events: one fenced write."""
        with Session(self.engine) as session:
            fenced = session.execute(
                _TOUCH_FENCED,
                {
                    "fence_run": lease.run_id,
                    "fence_owner": lease.owner,
                    "fence_generation": lease.generation,
                    "fence_now": now,
                },
            )
            if fenced.rowcount != 1:  # type: ignore[attr-defined]
                session.rollback()
                raise LeaseLost(lease.run_id)
            for item in created:
                self._record(session, lease.tenant_id, item, LedgerStatus.CREATED, now)
            for item in removed:
                self._record(session, lease.tenant_id, item, LedgerStatus.REMOVED, now)
            fields = {name: getattr(record, name) for name in _STEP_FIELDS}
            session.execute(
                _SAVE_STEP, {"step_run": lease.run_id, "step_name": record.name, **fields}
            )
            for emit in emits:
                self._emit_for(session, lease.run_id, lease.tenant_id, now, emit)
            session.commit()

    def intend(self, lease: Lease, item: LedgerItem, now: float) -> None:
        """Record an object as about to be created (fenced)."""
        with Session(self.engine) as session:
            self._fence(session, lease)
            self._record(session, lease.tenant_id, item, LedgerStatus.INTENDED, now)
            session.commit()

    def withdraw(self, lease: Lease, item: LedgerItem) -> None:
        """Drop an intent that never became an object of ours (fenced)."""
        with Session(self.engine) as session:
            self._fence(session, lease)
            entry = self._entry(session, lease.tenant_id, item)
            if entry is not None and entry.status == LedgerStatus.INTENDED.value:
                session.delete(entry)
            session.commit()

    def checkpoint(self, lease: Lease, step: str, data: Mapping[str, Any], now: float) -> None:
        """Merge ``data`` into a step's kept data (fenced)."""
        with Session(self.engine) as session:
            self._fence(session, lease, updated_at=now)
            record = session.get(StepRecord, (lease.run_id, step))
            if record is None:
                raise LeaseLost(lease.run_id)
            record.data = json.dumps({**json.loads(record.data), **data}, sort_keys=True)
            session.add(record)
            session.commit()

    # ---------------------------------------------------------------------------- helpers

    @staticmethod
    def _entry(session: Session, tenant_id: str, item: LedgerItem) -> LedgerEntry | None:
        return session.exec(
            select(LedgerEntry).where(
                col(LedgerEntry.tenant_id) == tenant_id,
                col(LedgerEntry.kind) == item.kind,
                col(LedgerEntry.key) == item.key,
            )
        ).first()

    def _record(
        self, session: Session, tenant_id: str, item: LedgerItem, status: LedgerStatus, now: float
    ) -> None:
        """Write (or move) a ledger entry; data given now is merged over older data."""
        entry = self._entry(session, tenant_id, item)
        if entry is None:
            entry = LedgerEntry(
                tenant_id=tenant_id, kind=item.kind, key=item.key, created_at=now, updated_at=now
            )
        if item.data:
            entry.data = json.dumps({**json.loads(entry.data), **item.data}, sort_keys=True)
        entry.status, entry.updated_at = status.value, now
        session.add(entry)

    @classmethod
    def _emit(cls, session: Session, run: RunRecord, now: float, emit: Emit) -> None:
        """Append an event of ``run``."""
        cls._emit_for(session, run.id, run.tenant_id, now, emit)

    @staticmethod
    def _emit_for(session: Session, run_id: str, tenant_id: str, now: float, emit: Emit) -> None:
        """Append an event; each subscriber of the run gets it as an outbox row."""
        event = ProgressEvent(
            tenant_id=tenant_id,
            run_id=run_id,
            at=now,
            kind=emit.kind,
            step=emit.step,
            message=emit.message,
            data=json.dumps(dict(emit.data), sort_keys=True, default=str),
        )
        session.add(event)
        if emit.kind in ("run_created", "run_retried"):
            return  # the requester is answered directly; nothing to push
        subscribers = session.exec(
            select(RunSubscription.subscriber).where(col(RunSubscription.run_id) == run_id)
        ).all()
        if not subscribers:
            return
        session.flush()  # the event's id
        assert event.id is not None
        milestone = emit.kind == MILESTONE
        for subscriber in subscribers:
            session.add(
                NotificationRecord(
                    event_id=event.id,
                    subscriber=subscriber,
                    run_id=run_id,
                    tenant_id=tenant_id,
                    category="milestone" if milestone else "progress",
                    name=str(emit.data["milestone"]) if milestone else emit.kind,
                    created_at=now,
                    due_at=now,
                )
            )
