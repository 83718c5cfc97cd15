"""Graph's read replicas behind its writes, for a step run by hand on the fakes.

A user read shortly after an update may come from a replica that has not seen it yet ("might
have replication delays for users that were recently created, updated": research/graph-entra.md
§3.9); the lag is 15–30 s, sometimes minutes (§4, "Replication lag after create").
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from provisioning.engine.contract import StepContext
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.ports.tenant import TenantPorts
from provisioning.microsoft.ports.users import User, UsersPort


class LaggingLicences:
    """``UsersPort`` whose reads show users without licences until :meth:`catch_up`."""

    def __init__(self, inner: UsersPort) -> None:
        self.inner = inner
        self.lagging = True

    def catch_up(self) -> None:
        """The replicas have caught up: reads show the licences from now on."""
        self.lagging = False

    async def find(self, upn: str) -> User | None:
        """The user as a lagging replica shows it."""
        user = await self.inner.find(upn)
        if user is None or not self.lagging:
            return user
        return replace(user, sku_ids=frozenset(), enabled_plan_ids=frozenset())

    async def create(self, upn: str, display_name: str, usage_location: str, password: str) -> User:
        """Passed through."""
        return await self.inner.create(upn, display_name, usage_location, password)

    async def assign_licence(self, user_id: str, sku_id: str) -> None:
        """A replica that has not seen the user's licence takes it for a new one: with no seat
        free, it refuses as Graph does (CountViolation), though the user holds the seat."""
        world = getattr(self.inner, "w", None)
        if self.lagging and world is not None:
            holder = world.users.get(user_id)
            if holder is not None and sku_id in holder.skus and world.skus[sku_id].free <= 0:
                raise ServiceError(
                    "graph",
                    ErrorKind.INVALID,
                    f"Subscription with SKU {sku_id} does not have any available licenses.",
                )
        await self.inner.assign_licence(user_id, sku_id)

    async def delete(self, user_id: str) -> None:
        """Passed through."""
        await self.inner.delete(user_id)

    async def purge(self, user_id: str) -> None:
        """Passed through."""
        await self.inner.purge(user_id)


def with_lagging_licences(
    ctx: StepContext[Any, TenantPorts],
) -> tuple[StepContext[Any, TenantPorts], LaggingLicences]:
    """``ctx`` with user reads that do not show licences yet."""
    users = LaggingLicences(ctx.ports.users)
    return replace(ctx, ports=replace(ctx.ports, users=users)), users
