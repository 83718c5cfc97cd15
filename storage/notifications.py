"""The notification outbox: what a subscriber of a run must be told, delivered exactly once.

A row is written in the same transaction as the event it reports. Delivery workers claim rows
with a lease, like runners claim runs, so one process delivers each row.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class NotificationStatus(StrEnum):
    """Where a notification stands."""

    PENDING = "pending"
    DELIVERED = "delivered"
    # A later progress notification for the same run and subscriber made this one moot.
    SUPERSEDED = "superseded"
    # Delivery failed for good (the subscriber is gone, or kept failing past the budget).
    DEAD = "dead"


class RunSubscription(SQLModel, table=True):
    """A subscriber (opaque to the engine) that wants to hear about a run."""

    __tablename__ = "run_subscriptions"

    run_id: str = Field(primary_key=True, foreign_key="runs.id", max_length=32)
    subscriber: str = Field(primary_key=True, max_length=512)
    created_at: float


class NotificationRecord(SQLModel, table=True):
    """One event for one subscriber."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("event_id", "subscriber", name="one_notification_per_event"),
        Index("notifications_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="progress_events.id")
    subscriber: str = Field(max_length=512)
    run_id: str = Field(max_length=32, index=True)
    tenant_id: str = Field(max_length=36)
    # ``milestone`` or ``progress``.
    category: str = Field(max_length=16)
    # The milestone's name, or the progress event's kind.
    name: str = Field(max_length=64)
    created_at: float
    due_at: float
    status: str = Field(default=NotificationStatus.PENDING.value, max_length=16)
    attempts: int = 0
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_expires_at: float | None = None
    lease_generation: int = 0
    delivered_at: float | None = None
    last_error: str | None = None
