"""Runs (a provisioning or a removal of one tenant) and the state of each of their steps."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel


class RunKind(StrEnum):
    """What a run does."""

    PROVISION = "provision"
    REMOVE = "remove"
    # One user's phone number, dial plan and voice routing policy, on or off (SPEC step 4).
    ACTIVATE = "activate"
    DEACTIVATE = "deactivate"


class RunStatus(StrEnum):
    """Where a run stands. ``pending``, ``running`` and ``waiting`` are active."""

    PENDING = "pending"
    RUNNING = "running"
    WAITING = "waiting"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE = (RunStatus.PENDING, RunStatus.RUNNING, RunStatus.WAITING)
_ACTIVE_SQL = "status IN ('pending', 'running', 'waiting')"
# Runs about the whole tenant (its integration) have no subject: one of them at a time.
_TENANT_RUN_SQL = f"{_ACTIVE_SQL} AND subject = ''"
# Runs about one user: one at a time per user, as many users at once as the tenant likes.
_SUBJECT_RUN_SQL = f"{_ACTIVE_SQL} AND subject <> ''"


class StepStatus(StrEnum):
    """Where a step stands."""

    PENDING = "pending"
    RUNNING = "running"
    WAITING = "waiting"
    DONE = "done"
    FAILED = "failed"


class RunRecord(SQLModel, table=True):
    """One run; claimed by a runner through its lease, woken at ``next_wake_at``."""

    __tablename__ = "runs"
    __table_args__ = (
        # One active integration run per tenant, enforced by the database itself.
        Index(
            "one_active_run_per_tenant",
            "tenant_id",
            unique=True,
            sqlite_where=text(_TENANT_RUN_SQL),
            postgresql_where=text(_TENANT_RUN_SQL),
        ),
        # One active run per user of a tenant (an activation or a deactivation).
        Index(
            "one_active_run_per_subject",
            "tenant_id",
            "subject",
            unique=True,
            sqlite_where=text(_SUBJECT_RUN_SQL),
            postgresql_where=text(_SUBJECT_RUN_SQL),
        ),
        Index("runs_by_wake", "status", "next_wake_at"),
    )

    id: str = Field(primary_key=True, max_length=32)
    tenant_id: str = Field(foreign_key="tenants.id", max_length=36)
    kind: str = Field(max_length=16)
    # What a run is about inside the tenant ("" for the integration, a user's id for its
    # activation): runs with different subjects run side by side.
    subject: str = Field(default="", max_length=64)
    status: str = Field(default=RunStatus.PENDING.value, max_length=16)
    requested_by: str = Field(default="", max_length=255)
    created_at: float
    updated_at: float
    finished_at: float | None = None
    next_wake_at: float | None = None
    lease_owner: str | None = Field(default=None, max_length=64)
    # Seconds since the epoch by the database's clock, so hosts with skewed clocks agree.
    lease_expires_at: float | None = None
    # Grows with every claim; every write a runner makes carries the generation it claimed.
    lease_generation: int = 0
    error: str | None = None
    hint: str | None = None
    # What the run was planned with (names, domain, zone…), fixed when it was created.
    plan: str = Field(default="{}")
    # The plan version whose step list the run was created with.
    plan_version: int = 1
    # Unexpected errors of the machinery itself; too many fail the run instead of looping.
    internal_errors: int = 0


class StepRecord(SQLModel, table=True):
    """One step of a run."""

    __tablename__ = "steps"

    run_id: str = Field(primary_key=True, foreign_key="runs.id", max_length=32)
    name: str = Field(primary_key=True, max_length=64)
    status: str = Field(default=StepStatus.PENDING.value, max_length=16)
    # Consecutive transient failures; any outcome the step itself returns resets it.
    attempts: int = 0
    # When the current run of transient failures began (throttling is judged by time).
    failing_since: float | None = None
    wait_until: float | None = None
    wait_reason: str | None = None
    error: str | None = None
    hint: str | None = None
    # When the step first started since the run was created or last retried (give-up clocks).
    started_at: float | None = None
    finished_at: float | None = None
    executed_by: str | None = Field(default=None, max_length=64)
    # What the step keeps across attempts (progress of a long step) and hands to later steps.
    data: str = Field(default="{}")
