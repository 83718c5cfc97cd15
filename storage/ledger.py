"""The ledger: every object the product creates in a tenant or in the provider's zone.

An entry is written as ``intended`` before the object is created and marked ``created`` after,
so a crash in between leaves a trace that removal (and a re-run) will honour.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class LedgerStatus(StrEnum):
    """Where an object stands."""

    INTENDED = "intended"
    CREATED = "created"
    REMOVED = "removed"


class LedgerEntry(SQLModel, table=True):
    """One object of ours: its kind, its key (identity), and what we need to undo it."""

    __tablename__ = "ledger"
    __table_args__ = (UniqueConstraint("tenant_id", "kind", "key", name="one_entry_per_object"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: str = Field(foreign_key="tenants.id", max_length=36, index=True)
    kind: str = Field(max_length=32)
    key: str = Field(max_length=512)
    status: str = Field(default=LedgerStatus.INTENDED.value, max_length=16)
    data: str = Field(default="{}")
    created_at: float
    updated_at: float
