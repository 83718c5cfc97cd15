"""Reading a tenant's users for the sync (SPEC step 4): directory pages, delta rounds and the
Teams voice configuration of users, page by page so nothing holds the whole tenant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class DirectoryUser:
    """A user as Graph lists them, with what the sync needs."""

    id: str
    # ``None``: not in this answer (a delta round may leave out what did not change).
    upn: str | None = None
    display_name: str | None = None
    mail: str | None = None
    account_enabled: bool | None = None
    # Teams Phone (MCOEV) enabled in the user's assignedPlans.
    teams_phone: bool | None = None
    # Delta's ``@removed``: deleted in the tenant (in the recycle bin or for good).
    removed: bool = False


@dataclass(frozen=True)
class VoiceUser:
    """A user's voice as Teams' user configuration shows it."""

    id: str
    upn: str = ""
    enterprise_voice: bool = False
    numbers: tuple[str, ...] = ()
    routing_policy: str = ""
    dial_plan: str = ""
    account_type: str = ""


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a cursor: its items, where the cursor goes on (``None`` at the end) and,
    at the end of a delta round, the link of the next round."""

    items: Sequence[T] = field(default_factory=list)
    next_link: str | None = None
    delta_link: str | None = None


class UserSyncPort(Protocol):
    """What the sync reads from Microsoft."""

    async def directory_page(self, link: str | None) -> Page[DirectoryUser]:
        """A page of a delta round: ``None`` starts a full round (every user), a delta link
        a round of what changed since; :class:`DeltaExpiredError` when Microsoft refuses it."""
        ...

    async def voice_page(
        self, link: str | None, changed_since: float | None = None
    ) -> Page[VoiceUser]:
        """A page of Teams' user configurations: ``None`` starts at the first. With
        ``changed_since`` (seconds since the epoch) only users with Enterprise Voice or a
        number, and those whose configuration Teams changed since then (at least)."""
        ...

    async def find(self, query: str) -> list[DirectoryUser]:
        """Users whose UPN, mail or name is or starts with ``query`` (at most a few)."""
        ...

    async def voice_of(self, user_id: str) -> VoiceUser | None:
        """One user's voice configuration (``None``: Teams does not list the user)."""
        ...


class DeltaExpiredError(Exception):
    """Microsoft no longer knows the delta link: a full round is needed."""
