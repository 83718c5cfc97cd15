"""Teams voice configuration and per-user grants, in Direct Routing terms
(research/teams-voice-api.md; the API behind the MicrosoftTeams voice cmdlets)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, TypeVar


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
    what = "dial plan"

    @property
    def identity(self) -> str:
        """Its name."""
        return self.name


@dataclass(frozen=True)
class RoutingPolicy:
    """An online voice routing policy and its ordered PSTN usages."""

    name: str
    usages: tuple[str, ...]
    description: str = ""
    what = "voice routing policy"

    @property
    def identity(self) -> str:
        """Its name."""
        return self.name


@dataclass(frozen=True)
class Gateway:
    """An online PSTN gateway."""

    fqdn: str
    sip_port: int
    enabled: bool
    max_concurrent_sessions: int | None = None
    what = "PSTN gateway"

    @property
    def identity(self) -> str:
        """Its FQDN."""
        return self.fqdn


@dataclass(frozen=True)
class VoiceRoute:
    """An online voice route (Teams may renumber priorities: they don't make it differ)."""

    name: str
    number_pattern: str
    gateways: tuple[str, ...]
    usages: tuple[str, ...]
    priority: int | None = field(default=None, compare=False)
    what = "voice route"

    @property
    def identity(self) -> str:
        """Its name."""
        return self.name


VoiceObject = TypeVar("VoiceObject", DialPlan, RoutingPolicy, Gateway, VoiceRoute)


class PolicyKind(StrEnum):
    """Policies the product grants to users."""

    VOICE_ROUTING = "OnlineVoiceRoutingPolicy"
    DIAL_PLAN = "TenantDialPlan"


@dataclass(frozen=True)
class TeamsUser:
    """A user as Teams voice sees it."""

    object_id: str
    user_principal_name: str
    account_type: str  # User, ResourceAccount, IneligibleUser… (Get-CsOnlineUser)
    line_uri: str | None
    routing_policy: str | None  # None: the Global default
    dial_plan: str | None

    @property
    def is_resource_account(self) -> bool:
        """Auto attendants and call queues: their line URIs are set without a policy."""
        return self.account_type.lower() == "resourceaccount"

    def holds(self, kind: PolicyKind, name: str) -> bool:
        """Whether the user is granted policy ``name`` of ``kind``."""
        held = self.routing_policy if kind == PolicyKind.VOICE_ROUTING else self.dial_plan
        return (held or "").removeprefix("Tag:").lower() == name.lower()


class VoiceConfigPort(Protocol):
    """Tenant-wide voice configuration."""

    async def get(self, kind: type[VoiceObject], identity: str) -> VoiceObject | None:
        """An object by identity, or ``None``."""
        ...

    async def create(self, obj: VoiceObject) -> None:
        """Create (ALREADY_EXISTS; a gateway: DOMAIN_NOT_ACTIVATED while Microsoft won't yet)."""
        ...

    async def update(self, obj: VoiceObject) -> None:
        """Change an existing object to ``obj``."""
        ...

    async def delete(self, kind: type[VoiceObject], identity: str) -> None:
        """Remove (NOT_FOUND when gone; IN_USE while something depends on it)."""
        ...

    async def usages(self) -> list[str]:
        """The tenant-wide (Global) PSTN usage list."""
        ...

    async def add_usage(self, usage: str) -> bool:
        """Add one usage to the Global list, keeping every other usage; ``False`` when it was
        on the list already."""
        ...

    async def remove_usage(self, usage: str) -> None:
        """Take one usage out of the Global list (IN_USE while a policy or route has it)."""
        ...


class VoiceUsersPort(Protocol):
    """Teams users and the policies granted to them."""

    async def grant(self, user_id: str, kind: PolicyKind, name: str | None) -> None:
        """Grant a policy to a user (``None``: back to the Global default)."""
        ...

    def users(self) -> AsyncIterator[TeamsUser]:
        """Every user of the tenant, page by page."""
        ...
