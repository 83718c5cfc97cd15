"""Tenants the product knows, and where each stands."""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Field, SQLModel


class TenantState(StrEnum):
    """Where a tenant stands with the integration."""

    NEW = "new"
    INTEGRATING = "integrating"
    INTEGRATED = "integrated"
    REMOVING = "removing"
    REMOVED = "removed"
    PROVISIONING_FAILED = "provisioning_failed"
    REMOVAL_FAILED = "removal_failed"


class TenantRecord(SQLModel, table=True):
    """A customer tenant (by its Entra tenant id)."""

    __tablename__ = "tenants"

    id: str = Field(primary_key=True, max_length=36)
    display_name: str = Field(default="", max_length=256)
    initial_domain: str = Field(default="", max_length=255)
    region: str | None = Field(default=None, max_length=64)
    sbc_domain: str | None = Field(default=None, max_length=255)
    state: str = Field(default=TenantState.NEW.value, max_length=32)
    # The run that last changed the state (its kind tells a failed provisioning from a removal).
    last_run_id: str | None = Field(default=None, max_length=32)
    created_at: float
    updated_at: float
