"""Users and their licences (research/graph-entra.md §3.5–3.6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class User:
    """A user, with what licensing decisions need."""

    id: str
    user_principal_name: str
    usage_location: str | None
    sku_ids: frozenset[str]
    enabled_plan_ids: frozenset[str]


class UsersPort(Protocol):
    """Users of one tenant."""

    async def find(self, upn: str) -> User | None:
        """A user by UPN, or ``None``."""
        ...

    async def create(self, upn: str, display_name: str, usage_location: str, password: str) -> User:
        """Create an enabled user (ALREADY_EXISTS when the UPN is taken)."""
        ...

    async def assign_licence(self, user_id: str, sku_id: str) -> None:
        """Add one licence (NOT_FOUND while the user replicates; INVALID when refused)."""
        ...

    async def delete(self, user_id: str) -> None:
        """Delete a user: into the recycle bin for 30 days (NOT_FOUND when gone)."""
        ...

    async def purge(self, user_id: str) -> None:
        """Delete a deleted user for good, which frees its UPN and domain (NOT_FOUND when
        it is not in the recycle bin)."""
        ...
