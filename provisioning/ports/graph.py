"""Microsoft Graph, as the engine needs it (research/graph-entra.md §3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Organization:
    """The tenant: id, name and its initial ``*.onmicrosoft.com`` domain."""

    id: str
    display_name: str
    initial_domain: str


@dataclass(frozen=True)
class DirectoryRole:
    """An active directory role of the signed-in account."""

    template_id: str
    name: str


@dataclass(frozen=True)
class SubscribedSku:
    """A subscription: its seats and the service plans it carries."""

    sku_id: str
    part_number: str
    enabled: int
    consumed: int
    service_plan_ids: frozenset[str]

    @property
    def free(self) -> int:
        """Seats that can still be assigned."""
        return self.enabled - self.consumed


@dataclass(frozen=True)
class Domain:
    """A domain of the tenant."""

    name: str
    is_verified: bool


@dataclass(frozen=True)
class User:
    """A user, with what licensing decisions need."""

    id: str
    user_principal_name: str
    usage_location: str | None
    sku_ids: frozenset[str]
    enabled_plan_ids: frozenset[str]


@dataclass(frozen=True)
class NumberOperation:
    """An asynchronous number assignment or removal."""

    id: str
    status: str  # notStarted | running | succeeded | failed | skipped
    detail: str | None


class GraphPort(Protocol):
    """Graph calls of the engine, scoped to one tenant."""

    async def organization(self) -> Organization:
        """The tenant itself."""
        ...

    async def my_roles(self) -> list[DirectoryRole]:
        """Directory roles of the signed-in account."""
        ...

    async def subscribed_skus(self) -> list[SubscribedSku]:
        """The tenant's subscriptions."""
        ...

    async def count_users_with_plan(self, service_plan_id: str) -> int:
        """Users with ``service_plan_id`` enabled in ``assignedPlans`` (so E5 counts)."""
        ...

    async def get_domain(self, name: str) -> Domain | None:
        """A domain, or ``None``."""
        ...

    async def add_domain(self, name: str) -> Domain:
        """Register a domain (raises CONFLICT when it exists)."""
        ...

    async def verification_txt(self, name: str) -> str:
        """The ``MS=ms…`` text Microsoft wants published to prove ownership."""
        ...

    async def verify_domain(self, name: str) -> Domain:
        """Ask Microsoft to verify (INVALID while it cannot see the record)."""
        ...

    async def delete_domain(self, name: str) -> None:
        """Remove a domain (NOT_FOUND when gone)."""
        ...

    async def find_user(self, upn: str) -> User | None:
        """A user by UPN, or ``None``."""
        ...

    async def create_user(
        self, upn: str, display_name: str, usage_location: str, password: str
    ) -> User:
        """Create an enabled user (CONFLICT when the UPN is taken)."""
        ...

    async def assign_licence(self, user_id: str, sku_id: str) -> None:
        """Add one licence."""
        ...

    async def delete_user(self, user_id: str) -> None:
        """Delete a user (NOT_FOUND when gone)."""
        ...

    async def assign_number(self, user_id: str, number: str) -> str:
        """Start a Direct Routing number assignment; the operation id."""
        ...

    async def unassign_number(self, number: str) -> str:
        """Start a number removal; the operation id."""
        ...

    async def number_operation(self, operation_id: str) -> NumberOperation:
        """The state of a number operation."""
        ...

    async def numbers_of(self, user_id: str) -> list[str]:
        """The telephone numbers assigned to a user."""
        ...
