"""Progress events (what the bot renders) and audit events (who changed what)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class ProgressEvent(SQLModel, table=True):
    """Something a run did, in order, for the notifier to turn into messages."""

    __tablename__ = "progress_events"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(max_length=36, index=True)
    run_id: str = Field(max_length=32, index=True)
    at: float
    kind: str = Field(max_length=32)
    step: str | None = Field(default=None, max_length=64)
    message: str = ""
    data: str = Field(default="{}")


class AuditEvent(SQLModel, table=True):
    """A security-relevant action: sign-in, integration or removal requested, tokens deleted."""

    __tablename__ = "audit_events"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str | None = Field(default=None, max_length=36, index=True)
    at: float
    actor: str = Field(default="", max_length=255)
    action: str = Field(max_length=64)
    detail: str = Field(default="{}")
