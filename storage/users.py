"""The tenant's users as the last sync saw them (SPEC step 4), and where each tenant's sync
stands (its delta link, the cursors of a sync in progress, the last summary)."""

from __future__ import annotations

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

HAS_VOICE = "numbers <> '' OR enterprise_voice = true"


class TenantUserRecord(SQLModel, table=True):
    """One user of a customer tenant: directory facts from Graph, voice facts from Teams."""

    __tablename__ = "tenant_users"
    __table_args__ = (
        # Lookups by address, and the list of every user in order.
        Index("tenant_users_by_upn", "tenant_id", "upn"),
        # The list by status, and the counts of each status (covering).
        Index("tenant_users_by_status", "tenant_id", "removed", "status", "upn"),
        # Who a sync round did not see (a full sync's removals, a delta's voice left over).
        Index("tenant_users_by_directory_round", "tenant_id", "seen_directory"),
        Index("tenant_users_by_voice_round", "tenant_id", "seen_voice"),
        # Users with voice: a delta sync reads again those its voice pass left out.
        Index(
            "tenant_users_with_voice",
            "tenant_id",
            "seen_voice",
            sqlite_where=text(HAS_VOICE),
            postgresql_where=text(HAS_VOICE),
        ),
    )

    tenant_id: str = Field(primary_key=True, max_length=36)
    user_id: str = Field(primary_key=True, max_length=36)
    upn: str = Field(default="", max_length=256)
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
    status: str = Field(default="unlicensed", max_length=16)
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
    # When the last sync that ended began: Teams' changes since then (less a margin) are what
    # the next delta's voice pass reads beside the users with voice.
    voice_since: float = 0.0
    # Written with every page: a sync whose heartbeat stopped long ago was cut off.
    heartbeat_at: float = 0.0
    finished_at: float = 0.0
    last_full_at: float = 0.0
    # The last sync's summary (counts per status, changes), as JSON.
    summary: str = Field(default="")
    # Where an admin last ran ``sync``: told there when a scheduled sync finds changes made
    # in Microsoft 365 directly; and when it was last told (``finished_at`` of that sync).
    conversation: str = Field(default="", max_length=512)
    told_at: float = 0.0


class NumberRangeRecord(SQLModel, table=True):
    """A block of the provider's numbers for a tenant: ``activate <user>`` without a number
    takes the next free one."""

    __tablename__ = "number_ranges"

    tenant_id: str = Field(primary_key=True, max_length=36)
    # +E.164, both ends included, of the same length.
    first: str = Field(primary_key=True, max_length=20)
    last: str = Field(max_length=20)
    created_at: float
