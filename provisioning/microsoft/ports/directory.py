"""The tenant itself: who it is, who signed in, what it has bought (research/graph-entra.md §3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Organization:
    """The tenant: id, name, its initial ``*.onmicrosoft.com`` domain and its country."""

    id: str
    display_name: str
    initial_domain: str
    country: str | None = None  # ISO 3166 alpha-2 (countryLetterCode)


@dataclass(frozen=True)
class DirectoryRole:
    """An active directory role of the signed-in account (``name`` may be unknown)."""

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


class DirectoryPort(Protocol):
    """Facts about the tenant that readiness and planning need."""

    async def organization(self) -> Organization:
        """The tenant itself."""
        ...

    async def my_roles(self) -> list[DirectoryRole]:
        """Directory roles of the signed-in account."""
        ...

    async def subscribed_skus(self) -> list[SubscribedSku]:
        """The tenant's subscriptions."""
        ...

    async def roles_of(self, user_id: str) -> list[DirectoryRole]:
        """Directory roles of any user of the tenant (by object id)."""
        ...

    async def count_users_with_plan(self, service_plan_id: str) -> int:
        """Users with ``service_plan_id`` enabled in ``assignedPlans`` (so E5 counts)."""
        ...
