"""The tenant's users as the last sync saw them (SPEC step 4), and where each tenant's sync
stands (its delta link, the cursors of a sync in progress, the last summary)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class TenantUserRecord(SQLModel, table=True):
    """One user of a customer tenant: directory facts from Graph, voice facts from Teams."""

    __tablename__ = "tenant_users"

    tenant_id: str = Field(primary_key=True, max_length=36)
    user_id: str = Field(primary_key=True, max_length=36)
    upn: str = Field(default="", max_length=256, index=True)
    display_name: str = Field(default="", max_length=256)
    mail: str = Field(default="", max_length=256)
    account_enabled: bool = True
    # Teams Phone (MCOEV) enabled in assignedPlans: E5 and the standalone licence both count.
    teams_phone: bool = False
    enterprise_voice: bool = False
    # The user's numbers, comma-separated, as Teams shows them (+E.164).
    numbers: str = Field(default="", max_length=1024)
    routing_policy: str = Field(default="", max_length=256)
    dial_plan: str = Field(default="", max_length=256)
    account_type: str = Field(default="", max_length=64)
    # inactive | active | unlicensed | other (provider), derived from the facts above.
    status: str = Field(default="unlicensed", max_length=16, index=True)
    # Deleted in the tenant (delta's ``@removed``, or missing from a full sync): kept, marked.
    removed: bool = False
    # The sync generation that last saw the user in Graph / in Teams' user configurations.
    seen_directory: int = 0
    seen_voice: int = 0
    updated_at: float = 0.0


class UserSyncRecord(SQLModel, table=True):
    """Where a tenant's user sync stands."""

    __tablename__ = "user_syncs"

    tenant_id: str = Field(primary_key=True, max_length=36)
    generation: int = 0
    # full | delta while one runs; empty when none does.
    running: str = Field(default="", max_length=8)
    # Where each cursor of the sync in progress resumes (Graph's next links), "" when done.
    directory_cursor: str = Field(default="")
    voice_cursor: str = Field(default="")
    directory_done: bool = False
    voice_done: bool = False
    # The delta link of the last complete directory pass.
    delta_link: str = Field(default="")
    started_at: float = 0.0
    # Written with every page: a sync whose heartbeat stopped long ago was cut off.
    heartbeat_at: float = 0.0
    finished_at: float = 0.0
    last_full_at: float = 0.0
    # The last sync's summary (counts per status, changes), as JSON.
    summary: str = Field(default="")
