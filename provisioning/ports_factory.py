"""Opens a tenant's real ports: Graph and the Teams admin API over httpx with tokens from the
tenant's stored sign-ins, and the provider's zone over dnspython."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from provisioning.engine.clock import Clock
from provisioning.identity.msal_client import http_client
from provisioning.identity.scopes import Purpose
from provisioning.identity.settings import IdentitySettings
from provisioning.identity.tokens import MsalTokens, RecentTokens
from provisioning.microsoft.adapters.dns_probe import DnsProbeAdapter
from provisioning.microsoft.adapters.dns_update import DnsZoneAdapter
from provisioning.microsoft.adapters.graph_directory import GraphDirectory
from provisioning.microsoft.adapters.graph_domains import GraphDomains
from provisioning.microsoft.adapters.graph_numbers import GraphNumbers
from provisioning.microsoft.adapters.graph_user_sync import GraphUserSync
from provisioning.microsoft.adapters.graph_users import GraphUsers
from provisioning.microsoft.adapters.http import JsonApi
from provisioning.microsoft.adapters.pool import ClientPool
from provisioning.microsoft.adapters.teams_voice import TeamsVoiceConfig, TeamsVoiceUsers
from provisioning.microsoft.errors import GRAPH, TEAMS_ADMIN
from provisioning.microsoft.ports.tenant import TenantPorts
from provisioning.microsoft.settings import MicrosoftSettings, ProviderDnsSettings
from provisioning.vault_sign_ins import VaultSignIns
from storage.audit import AuditLog
from storage.vault import TokenVault


def zone_adapter(dns: ProviderDnsSettings) -> DnsZoneAdapter:
    """Writes to the provider's zone."""
    return DnsZoneAdapter(
        dns.provider_zone,
        dns.primary_server,
        dns.tsig_key_name,
        dns.tsig_secret.get_secret_value(),
        dns.tsig_algorithm,
    )


def probe_adapter(dns: ProviderDnsSettings) -> DnsProbeAdapter:
    """Reads from each authoritative server of the provider's zone."""
    return DnsProbeAdapter(dns.provider_zone, dns.probe_servers, dns.dns_timeout_seconds)


class AdapterPortsFactory:
    """Real ports for a run (or a readiness check) of one tenant."""

    def __init__(
        self,
        microsoft: MicrosoftSettings,
        identity: IdentitySettings,
        dns: ProviderDnsSettings,
        vault: TokenVault,
        audit: AuditLog,
        clock: Clock,
    ) -> None:
        self._microsoft = microsoft
        self._identity = identity
        self._dns = dns
        self._vault = vault
        self._audit = audit
        self._clock = clock
        # One for the factory's life: msal's discovery documents stay cached in it.
        self.msal_client = http_client(microsoft)
        self._pool = ClientPool(microsoft, microsoft.http_keepalive_seconds)
        # Tokens outlive one opening of a tenant's ports (a readiness check, a run slice).
        self._recent = RecentTokens()

    def close(self) -> None:
        """Close the HTTP client msal uses."""
        self.msal_client.close()

    async def aclose(self) -> None:
        """Close the connections to Microsoft kept open between uses (at shutdown)."""
        await self._pool.aclose()

    @asynccontextmanager
    async def open(self, tenant_id: str) -> AsyncIterator[TenantPorts]:
        """The tenant's ports; HTTP clients close when the block ends."""
        ms = self._microsoft
        async with (
            self._pool.client(tenant_id, GRAPH) as graph_client,
            self._pool.client(tenant_id, TEAMS_ADMIN) as teams_client,
        ):
            tokens = MsalTokens(
                tenant_id,
                self._identity,
                ms,
                self._vault,
                self._clock,
                self.msal_client,
                self._recent,
            )
            # Fetched while the first steps start, not before them.
            warming = asyncio.create_task(tokens.warm())

            async def graph_token() -> str:
                return await tokens.access_token(Purpose.GRAPH)

            async def teams_token() -> str:
                return await tokens.access_token(Purpose.TEAMS_ADMIN)

            graph = JsonApi(GRAPH, graph_client, ms.graph_base_url, graph_token)
            teams = JsonApi(TEAMS_ADMIN, teams_client, ms.teams_admin_base_url, teams_token)
            try:
                yield TenantPorts(
                    directory=GraphDirectory(graph),
                    domains=GraphDomains(graph),
                    users=GraphUsers(graph),
                    numbers=GraphNumbers(graph),
                    voice=TeamsVoiceConfig(teams),
                    voice_users=TeamsVoiceUsers(teams),
                    zone=zone_adapter(self._dns),
                    probe=probe_adapter(self._dns),
                    sign_ins=VaultSignIns(tenant_id, self._vault, self._audit, self._clock),
                    user_sync=GraphUserSync(graph),
                )
            finally:
                warming.cancel()
                await asyncio.gather(warming, return_exceptions=True)
