"""Opens a tenant's real ports: Graph and the Teams admin API over httpx, tokens from msal and
the vault, the provider's zone over dnspython."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from provisioning.adapters.dns_probe import DnsProbeAdapter
from provisioning.adapters.dns_update import DnsZoneAdapter
from provisioning.adapters.graph_http import GraphAdapter
from provisioning.adapters.msal_tokens import MsalTokens, http_client
from provisioning.adapters.teams_http import TeamsAdminAdapter
from provisioning.ports.clock import Clock
from provisioning.ports.identity import Purpose
from provisioning.runner.ports_factory import TenantPorts
from provisioning.settings import Settings
from storage.vault import TokenVault


def zone_adapter(settings: Settings) -> DnsZoneAdapter:
    """Writes to the provider's zone."""
    return DnsZoneAdapter(
        settings.provider_zone,
        settings.primary_server,
        settings.tsig_key_name,
        settings.tsig_secret.get_secret_value(),
        settings.tsig_algorithm,
    )


def probe_adapter(settings: Settings) -> DnsProbeAdapter:
    """Reads from each authoritative server of the provider's zone."""
    return DnsProbeAdapter(settings.provider_zone, settings.probe_servers)


class AdapterPortsFactory:
    """Real ports for a run."""

    def __init__(self, settings: Settings, vault: TokenVault, clock: Clock) -> None:
        self._settings = settings
        self._vault = vault
        self._clock = clock

    @asynccontextmanager
    async def open(self, tenant_id: str) -> AsyncIterator[TenantPorts]:
        """The tenant's ports; HTTP clients close when the block ends."""
        s = self._settings
        verify: Any = ssl.create_default_context(cafile=str(s.ca_bundle)) if s.ca_bundle else True
        with http_client(s) as sync_client:
            async with httpx.AsyncClient(
                verify=verify,
                timeout=s.http_timeout_seconds,
                limits=httpx.Limits(max_connections=20),
            ) as client:
                tokens = MsalTokens(tenant_id, s, self._vault, self._clock, sync_client)

                async def graph_token() -> str:
                    return await tokens.access_token(Purpose.GRAPH)

                async def teams_token() -> str:
                    return await tokens.access_token(Purpose.TEAMS_ADMIN)

                yield TenantPorts(
                    graph=GraphAdapter.create(client, s.graph_base_url, graph_token),
                    teams=TeamsAdminAdapter.create(client, s.teams_admin_base_url, teams_token),
                    zone=zone_adapter(s),
                    probe=probe_adapter(s),
                )
