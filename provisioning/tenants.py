"""Tenants the product knows, and how runs move them between states (the plans' hooks)."""

from __future__ import annotations

import json

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from storage.runs import RunKind, RunRecord, RunStatus
from storage.tenants import TenantRecord, TenantState


class TenantStore:
    """Reads and writes tenant records."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def upsert(self, tenant_id: str, display_name: str, initial_domain: str, now: float) -> None:
        """Remember a tenant (or refresh its name and initial domain)."""
        with Session(self._engine) as session:
            record = session.get(TenantRecord, tenant_id)
            if record is None:
                record = TenantRecord(id=tenant_id, created_at=now, updated_at=now)
            record.display_name, record.initial_domain = display_name, initial_domain
            record.updated_at = now
            session.add(record)
            session.commit()

    def get(self, tenant_id: str) -> TenantRecord | None:
        """A tenant by id."""
        with Session(self._engine) as session:
            return session.get(TenantRecord, tenant_id)

    def all(self) -> list[TenantRecord]:
        """Every tenant, by name."""
        with Session(self._engine) as session:
            return list(
                session.exec(select(TenantRecord).order_by(col(TenantRecord.display_name))).all()
            )

    def last_provisioning(self, tenant_id: str) -> RunRecord | None:
        """The tenant's newest provisioning run, whatever became of it."""
        with Session(self._engine) as session:
            return session.exec(
                select(RunRecord)
                .where(
                    col(RunRecord.tenant_id) == tenant_id,
                    col(RunRecord.kind) == RunKind.PROVISION.value,
                )
                .order_by(col(RunRecord.created_at).desc())
            ).first()


def _move(session: Session, run: RunRecord, state: TenantState, **fields: object) -> None:
    record = session.get(TenantRecord, run.tenant_id)
    if record is None:
        return
    record.state, record.last_run_id, record.updated_at = state.value, run.id, run.updated_at
    for key, value in fields.items():
        setattr(record, key, value)
    session.add(record)


def provisioning_started(session: Session, run: RunRecord, status: RunStatus) -> None:
    """A provisioning run is executing."""
    _move(session, run, TenantState.INTEGRATING)


def provisioning_finished(session: Session, run: RunRecord, status: RunStatus) -> None:
    """Integrated, failed, or (cancelled, superseded by a removal) back to where it started."""
    if status == RunStatus.SUCCEEDED:
        plan = json.loads(run.plan)
        _move(
            session,
            run,
            TenantState.INTEGRATED,
            sbc_domain=plan.get("sbc_domain"),
            region=plan.get("region"),
        )
    elif status == RunStatus.FAILED:
        _move(session, run, TenantState.PROVISIONING_FAILED)
    else:
        _move(session, run, TenantState.NEW)


def removal_started(session: Session, run: RunRecord, status: RunStatus) -> None:
    """A removal run is executing."""
    _move(session, run, TenantState.REMOVING)


def removal_finished(session: Session, run: RunRecord, status: RunStatus) -> None:
    """Removed (nothing of ours left, no credentials kept), or the removal failed."""
    if status == RunStatus.SUCCEEDED:
        _move(session, run, TenantState.REMOVED, sbc_domain=None, region=None)
    elif status == RunStatus.FAILED:
        _move(session, run, TenantState.REMOVAL_FAILED)
