"""The audit trail: who did what to which tenant (sign-ins, integrations, removals, deletions)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from storage.events import AuditEvent


class AuditLog:
    """Appends and reads audit events."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(
        self, tenant_id: str | None, actor: str, action: str, now: float, **detail: Any
    ) -> None:
        """Record a security-relevant action (never a secret in ``detail``)."""
        with Session(self._engine) as session:
            session.add(
                AuditEvent(
                    tenant_id=tenant_id,
                    at=now,
                    actor=actor,
                    action=action,
                    detail=json.dumps(detail, sort_keys=True, default=str),
                )
            )
            session.commit()

    def of_tenant(self, tenant_id: str, limit: int = 50, offset: int = 0) -> list[AuditEvent]:
        """A tenant's audit events, newest first (``offset`` newer ones skipped)."""
        with Session(self._engine) as session:
            return list(
                session.exec(
                    select(AuditEvent)
                    .where(col(AuditEvent.tenant_id) == tenant_id)
                    .order_by(col(AuditEvent.id).desc())
                    .offset(offset)
                    .limit(limit)
                ).all()
            )

    def count_of_tenant(self, tenant_id: str) -> int:
        """How many audit events a tenant has."""
        with Session(self._engine) as session:
            return int(
                session.exec(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(col(AuditEvent.tenant_id) == tenant_id)
                ).one()
            )
