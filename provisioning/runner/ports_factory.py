"""How the runner gets the ports of a tenant (adapters in production, fakes in tests)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from provisioning.ports.dns import DnsProbePort, DnsZonePort
from provisioning.ports.graph import GraphPort
from provisioning.ports.teams import TeamsAdminPort


@dataclass
class TenantPorts:
    """Every outside system, bound to one tenant's credentials."""

    graph: GraphPort
    teams: TeamsAdminPort
    zone: DnsZonePort
    probe: DnsProbePort


class PortsFactory(Protocol):
    """Opens the ports of a tenant for the time a run executes."""

    def open(self, tenant_id: str) -> AbstractAsyncContextManager[TenantPorts]:
        """The tenant's ports, closed when the block ends."""
        ...
