"""Everything the runner persists: runs, steps, the ledger and progress events.

Writes made while executing a run are fenced by its lease: they only apply while the writer
still owns the run, so a runner that lost its lease cannot overwrite its successor's work.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import Engine, exists, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from provisioning.steps.contract import IntegrationPlan, LedgerItem
from storage.events import AuditEvent, ProgressEvent
from storage.ledger import LedgerEntry, LedgerStatus
from storage.runs import ACTIVE, RunKind, RunRecord, RunStatus, StepRecord, StepStatus
from storage.tenants import TenantRecord, TenantState


class ActiveRunExists(Exception):  # noqa: N818 - a refusal, not a malfunction
    """The tenant already has a run in progress (one active run per tenant)."""


class LeaseLost(Exception):  # noqa: N818 - a condition the runner handles
    """Another runner owns the run now; this one must stop working on it."""


class RunStore:
    """The runner's view of the database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ---------------------------------------------------------------------------- tenants

    def upsert_tenant(
        self, tenant_id: str, display_name: str, initial_domain: str, now: float
    ) -> TenantRecord:
        """Remember a tenant (or refresh its name and initial domain)."""
        with Session(self.engine) as session:
            record = session.get(TenantRecord, tenant_id)
            if record is None:
                record = TenantRecord(id=tenant_id, created_at=now, updated_at=now)
            record.display_name, record.initial_domain = display_name, initial_domain
            record.updated_at = now
            session.add(record)
            session.commit()
            session.refresh(record)
            return record

    def tenant(self, tenant_id: str) -> TenantRecord | None:
        """A tenant by id."""
        with Session(self.engine) as session:
            return session.get(TenantRecord, tenant_id)

    def set_tenant_state(
        self, tenant_id: str, state: TenantState, now: float, **fields: Any
    ) -> None:
        """Move a tenant to ``state``."""
        with Session(self.engine) as session:
            record = session.get(TenantRecord, tenant_id)
            if record is None:
                return
            record.state = state.value
            record.updated_at = now
            for key, value in fields.items():
                setattr(record, key, value)
            session.add(record)
            session.commit()

    def audit(
        self, tenant_id: str | None, actor: str, action: str, now: float, **detail: Any
    ) -> None:
        """Record a security-relevant action."""
        with Session(self.engine) as session:
            session.add(
                AuditEvent(
                    tenant_id=tenant_id,
                    at=now,
                    actor=actor,
                    action=action,
                    detail=json.dumps(detail, sort_keys=True),
                )
            )
            session.commit()

    # ------------------------------------------------------------------------------- runs

    def create_run(
        self,
        tenant_id: str,
        kind: RunKind,
        step_names: list[str],
        plan: IntegrationPlan,
        requested_by: str,
        now: float,
    ) -> str:
        """A new pending run with its steps; refused while the tenant has an active run."""
        run_id = uuid.uuid4().hex
        with Session(self.engine) as session:
            active = session.exec(
                select(RunRecord.id).where(
                    col(RunRecord.tenant_id) == tenant_id,
                    col(RunRecord.status).in_([s.value for s in ACTIVE]),
                )
            ).first()
            if active is not None:
                raise ActiveRunExists(active)
            session.add(
                RunRecord(
                    id=run_id,
                    tenant_id=tenant_id,
                    kind=kind.value,
                    requested_by=requested_by,
                    created_at=now,
                    updated_at=now,
                    next_wake_at=now,
                    plan=json.dumps(asdict(plan)),
                )
            )
            for name in step_names:
                session.add(StepRecord(run_id=run_id, name=name))
            try:
                session.commit()
            except Exception as exc:
                # The partial unique index caught a concurrent creation.
                raise ActiveRunExists(tenant_id) from exc
        self.progress(tenant_id, run_id, "run_created", now, f"{kind.value} requested")
        return run_id

    def cancel_active(self, tenant_id: str, kind: RunKind, now: float, reason: str) -> str | None:
        """Cancel the tenant's active run of ``kind`` (a removal supersedes a provisioning).

        A runner still working on it stops at its next write; until it lets go (or its lease
        expires) no other run of the tenant is claimed, so two runs never act at once.
        """
        with Session(self.engine) as session:
            run = session.exec(
                select(RunRecord)
                .where(
                    col(RunRecord.tenant_id) == tenant_id,
                    col(RunRecord.kind) == kind.value,
                    col(RunRecord.status).in_([s.value for s in ACTIVE]),
                )
                .with_for_update()
            ).first()
            if run is None:
                return None
            run_id = run.id
            run.status, run.error, run.hint = RunStatus.CANCELLED.value, reason, None
            run.finished_at, run.updated_at, run.next_wake_at = now, now, None
            session.add(run)
            session.commit()
        self.progress(tenant_id, run_id, "run_cancelled", now, reason)
        return run_id

    def run(self, run_id: str) -> RunRecord | None:
        """A run by id."""
        with Session(self.engine) as session:
            return session.get(RunRecord, run_id)

    def steps(self, run_id: str) -> dict[str, StepRecord]:
        """A run's steps by name."""
        with Session(self.engine) as session:
            rows = session.exec(select(StepRecord).where(col(StepRecord.run_id) == run_id)).all()
            return {row.name: row for row in rows}

    def retry(self, run_id: str, now: float) -> None:
        """Send a failed run back to work: its failed steps start over."""
        with Session(self.engine) as session:
            run = session.get(RunRecord, run_id)
            if run is None or run.status != RunStatus.FAILED.value:
                return
            for step in session.exec(
                select(StepRecord).where(
                    col(StepRecord.run_id) == run_id,
                    col(StepRecord.status) == StepStatus.FAILED.value,
                )
            ).all():
                step.status, step.attempts, step.error, step.hint = (
                    StepStatus.PENDING.value,
                    0,
                    None,
                    None,
                )
                session.add(step)
            run.status, run.error, run.hint = RunStatus.PENDING.value, None, None
            run.next_wake_at, run.finished_at, run.updated_at = now, None, now
            session.add(run)
            session.commit()

    # ----------------------------------------------------------------------------- leases

    def claim(self, owner: str, now: float, lease: float) -> RunRecord | None:
        """Take the lease of one runnable run (due, and not leased by a live runner).

        A run whose tenant has another run still leased (one just cancelled, its runner not
        yet stopped) waits: only one run acts on a tenant at a time.
        """
        other = aliased(RunRecord)
        busy_tenant = exists().where(
            col(other.tenant_id) == col(RunRecord.tenant_id),
            col(other.id) != col(RunRecord.id),
            col(other.lease_expires_at) >= now,
        )
        with Session(self.engine) as session:
            candidates = session.exec(
                select(RunRecord.id)
                .where(
                    col(RunRecord.status).in_([s.value for s in ACTIVE]),
                    or_(col(RunRecord.next_wake_at).is_(None), col(RunRecord.next_wake_at) <= now),
                    or_(
                        col(RunRecord.lease_expires_at).is_(None),
                        col(RunRecord.lease_expires_at) < now,
                    ),
                    ~busy_tenant,
                )
                .order_by(col(RunRecord.next_wake_at))
                .limit(16)
            ).all()
            for run_id in candidates:
                result = session.execute(
                    update(RunRecord)
                    .where(
                        col(RunRecord.id) == run_id,
                        col(RunRecord.status).in_([s.value for s in ACTIVE]),
                        or_(
                            col(RunRecord.lease_expires_at).is_(None),
                            col(RunRecord.lease_expires_at) < now,
                        ),
                    )
                    .values(
                        lease_owner=owner,
                        lease_expires_at=now + lease,
                        status=RunStatus.RUNNING.value,
                        updated_at=now,
                    )
                )
                session.commit()
                if result.rowcount == 1:  # type: ignore[attr-defined]
                    return session.get(RunRecord, run_id)
        return None

    def renew(self, run_id: str, owner: str, now: float, lease: float) -> bool:
        """Extend the lease; ``False`` when another runner has it now."""
        with Session(self.engine) as session:
            result = session.execute(
                update(RunRecord)
                .where(
                    col(RunRecord.id) == run_id,
                    col(RunRecord.lease_owner) == owner,
                    col(RunRecord.status).in_([s.value for s in ACTIVE]),
                )
                .values(lease_expires_at=now + lease)
            )
            session.commit()
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def relinquish(self, run_id: str, owner: str) -> None:
        """Let go of a lease this runner can no longer use (its run was cancelled)."""
        with Session(self.engine) as session:
            session.execute(
                update(RunRecord)
                .where(col(RunRecord.id) == run_id, col(RunRecord.lease_owner) == owner)
                .values(lease_owner=None, lease_expires_at=None)
            )
            session.commit()

    def _fenced(self, session: Session, run_id: str, owner: str) -> RunRecord:
        run = session.get(RunRecord, run_id, with_for_update=True)
        if run is None or run.lease_owner != owner or run.status not in {s.value for s in ACTIVE}:
            raise LeaseLost(run_id)
        return run

    def release(self, run_id: str, owner: str, wake_at: float, now: float, reason: str) -> None:
        """Park a run until ``wake_at`` (a durable timer) and give up its lease."""
        with Session(self.engine) as session:
            run = self._fenced(session, run_id, owner)
            run.status, run.next_wake_at = RunStatus.WAITING.value, wake_at
            run.lease_owner, run.lease_expires_at, run.updated_at = None, None, now
            session.add(run)
            session.commit()

    def finish(
        self,
        run_id: str,
        owner: str,
        status: RunStatus,
        now: float,
        error: str | None = None,
        hint: str | None = None,
    ) -> None:
        """End a run."""
        with Session(self.engine) as session:
            run = self._fenced(session, run_id, owner)
            run.status, run.error, run.hint = status.value, error, hint
            run.finished_at, run.updated_at = now, now
            run.lease_owner, run.lease_expires_at, run.next_wake_at = None, None, None
            session.add(run)
            session.commit()

    # ------------------------------------------------------------------------------ steps

    def save_step(self, run_id: str, owner: str, step: StepRecord) -> None:
        """Persist a step's state, if this runner still owns the run."""
        with Session(self.engine) as session:
            self._fenced(session, run_id, owner)
            session.merge(step)
            session.commit()

    # ----------------------------------------------------------------------------- ledger

    def ledger(self, tenant_id: str) -> list[tuple[str, str, str, dict[str, Any]]]:
        """Every ledger entry of a tenant: (kind, key, status, data)."""
        with Session(self.engine) as session:
            rows = session.exec(
                select(LedgerEntry)
                .where(col(LedgerEntry.tenant_id) == tenant_id)
                .order_by(col(LedgerEntry.id))
            ).all()
            return [(r.kind, r.key, r.status, json.loads(r.data)) for r in rows]

    def record(self, tenant_id: str, item: LedgerItem, status: LedgerStatus, now: float) -> None:
        """Write (or move) a ledger entry; data given now replaces older data."""
        with Session(self.engine) as session:
            entry = session.exec(
                select(LedgerEntry).where(
                    col(LedgerEntry.tenant_id) == tenant_id,
                    col(LedgerEntry.kind) == item.kind,
                    col(LedgerEntry.key) == item.key,
                )
            ).first()
            if entry is None:
                entry = LedgerEntry(
                    tenant_id=tenant_id,
                    kind=item.kind,
                    key=item.key,
                    created_at=now,
                    updated_at=now,
                )
            if item.data or entry.data == "{}":
                entry.data = json.dumps({**json.loads(entry.data), **item.data}, sort_keys=True)
            entry.status, entry.updated_at = status.value, now
            session.add(entry)
            session.commit()

    # --------------------------------------------------------------------------- progress

    def progress(
        self,
        tenant_id: str,
        run_id: str,
        kind: str,
        now: float,
        message: str,
        step: str | None = None,
        **data: Any,
    ) -> None:
        """Append a progress event for the notifier."""
        with Session(self.engine) as session:
            session.add(
                ProgressEvent(
                    tenant_id=tenant_id,
                    run_id=run_id,
                    at=now,
                    kind=kind,
                    step=step,
                    message=message,
                    data=json.dumps(data, sort_keys=True),
                )
            )
            session.commit()

    def events(self, run_id: str) -> list[ProgressEvent]:
        """A run's progress events, oldest first."""
        with Session(self.engine) as session:
            return list(
                session.exec(
                    select(ProgressEvent)
                    .where(col(ProgressEvent.run_id) == run_id)
                    .order_by(col(ProgressEvent.id))
                ).all()
            )
