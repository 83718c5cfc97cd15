"""The Teams admin API (the voice cmdlets' API), in Direct Routing terms (teams-voice-api.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class NormalizationRule:
    """One dial-plan rule: a .NET regex and its translation."""

    name: str
    pattern: str
    translation: str
    description: str = ""


@dataclass(frozen=True)
class DialPlan:
    """A tenant dial plan (by name, without ``Tag:``)."""

    name: str
    description: str
    rules: tuple[NormalizationRule, ...]


@dataclass(frozen=True)
class RoutingPolicy:
    """An online voice routing policy and its ordered PSTN usages."""

    name: str
    usages: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class Gateway:
    """An online PSTN gateway."""

    fqdn: str
    sip_port: int
    enabled: bool
    max_concurrent_sessions: int | None = None


@dataclass(frozen=True)
class VoiceRoute:
    """An online voice route."""

    name: str
    number_pattern: str
    gateways: tuple[str, ...]
    usages: tuple[str, ...]
    priority: int | None = None


@dataclass(frozen=True)
class TeamsUser:
    """A user as Teams voice sees it."""

    object_id: str
    user_principal_name: str
    account_type: str
    line_uri: str | None
    routing_policy: str | None  # None: the Global default
    dial_plan: str | None


class TeamsAdminPort(Protocol):
    """Teams voice administration, scoped to one tenant."""

    async def get_dial_plan(self, name: str) -> DialPlan | None:
        """A dial plan by name, or ``None``."""
        ...

    async def put_dial_plan(self, plan: DialPlan, exists: bool) -> None:
        """Create (``exists`` false) or update a dial plan."""
        ...

    async def delete_dial_plan(self, name: str) -> None:
        """Remove a dial plan (NOT_FOUND when gone; CONFLICT while assigned)."""
        ...

    async def usages(self) -> list[str]:
        """The tenant-wide (Global) PSTN usage list."""
        ...

    async def set_usages(self, usages: list[str]) -> None:
        """Replace the Global PSTN usage list (CONFLICT if a used usage would go)."""
        ...

    async def get_policy(self, name: str) -> RoutingPolicy | None:
        """A voice routing policy by name, or ``None``."""
        ...

    async def put_policy(self, policy: RoutingPolicy, exists: bool) -> None:
        """Create or update a voice routing policy."""
        ...

    async def delete_policy(self, name: str) -> None:
        """Remove a voice routing policy (CONFLICT while assigned)."""
        ...

    async def get_gateway(self, fqdn: str) -> Gateway | None:
        """A gateway, or ``None``."""
        ...

    async def put_gateway(self, gateway: Gateway, exists: bool) -> None:
        """Create or update a gateway (INVALID while its domain is not activated)."""
        ...

    async def delete_gateway(self, fqdn: str) -> None:
        """Remove a gateway (CONFLICT while a route links it)."""
        ...

    async def get_route(self, name: str) -> VoiceRoute | None:
        """A voice route, or ``None``."""
        ...

    async def put_route(self, route: VoiceRoute, exists: bool) -> None:
        """Create or update a voice route."""
        ...

    async def delete_route(self, name: str) -> None:
        """Remove a voice route."""
        ...

    async def grant(self, user: str, policy_type: str, policy_name: str | None) -> None:
        """Grant a policy to a user (``None``: back to the Global default)."""
        ...

    def users(self) -> AsyncIterator[TeamsUser]:
        """Every user of the tenant, page by page."""
        ...
