"""Every outside system of one tenant, as a run's steps use them."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from provisioning.microsoft.ports.directory import DirectoryPort
from provisioning.microsoft.ports.domains import DomainsPort
from provisioning.microsoft.ports.numbers import NumbersPort
from provisioning.microsoft.ports.sign_ins import SignInsPort
from provisioning.microsoft.ports.user_sync import UserSyncPort
from provisioning.microsoft.ports.users import UsersPort
from provisioning.microsoft.ports.voice import VoiceConfigPort, VoiceUsersPort
from provisioning.microsoft.ports.zone import DnsProbePort, DnsZonePort


@dataclass
class TenantPorts:
    """Microsoft, the provider's zone and the stored sign-ins, bound to one tenant."""

    directory: DirectoryPort
    domains: DomainsPort
    users: UsersPort
    numbers: NumbersPort
    voice: VoiceConfigPort
    voice_users: VoiceUsersPort
    zone: DnsZonePort
    probe: DnsProbePort
    sign_ins: SignInsPort
    user_sync: UserSyncPort


class TenantPortsFactory(Protocol):
    """Opens a tenant's ports for a while (adapters in production, fakes in tests)."""

    def open(self, tenant_id: str) -> AbstractAsyncContextManager[TenantPorts]:
        """The tenant's ports, closed when the block ends."""
        ...
