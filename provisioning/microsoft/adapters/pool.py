"""HTTP connection pools to Microsoft, one per tenant, service and event loop, kept between uses.

Opening a tenant's ports used to open a client, and so a TLS handshake to Graph and to the
Teams admin API, for every readiness check and every run slice. A tenant's pool is shared by
its ports while any are open and lingers ``keepalive`` seconds after the last closes (0: closes
at once, which tests use, as their event loops end with them). One pool per tenant, not one
for all: httpcore scans every connection of a pool on each request, which grows quadratic
with hundreds of connections in one pool (and a request to Graph need not scan the Teams
admin API's connections)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from provisioning.microsoft.adapters.tls import verify_for
from provisioning.microsoft.settings import MicrosoftSettings


@dataclass
class _Shared:
    client: httpx.AsyncClient
    users: int = 0
    closing: asyncio.TimerHandle | None = None


class ClientPool:
    """Lends the event loop's shared ``httpx.AsyncClient``."""

    def __init__(self, microsoft: MicrosoftSettings, keepalive: float) -> None:
        self._microsoft = microsoft
        self._keepalive = keepalive
        self._shared: dict[tuple[asyncio.AbstractEventLoop, str, str], _Shared] = {}

    @asynccontextmanager
    async def client(self, tenant_id: str, service: str) -> AsyncIterator[httpx.AsyncClient]:
        """The tenant's shared client to ``service``, for the length of the block."""
        key = (asyncio.get_running_loop(), tenant_id, service)
        shared = self._shared.get(key)
        if shared is None or shared.client.is_closed:
            shared = _Shared(self._new_client())
            self._shared[key] = shared
        if shared.closing is not None:
            shared.closing.cancel()
            shared.closing = None
        shared.users += 1
        try:
            yield shared.client
        finally:
            shared.users -= 1
            if shared.users == 0:
                if self._keepalive <= 0:
                    await self._close(key, shared)
                else:
                    loop = key[0]
                    shared.closing = loop.call_later(
                        self._keepalive, lambda: loop.create_task(self._close(key, shared))
                    )

    async def aclose(self) -> None:
        """Close this loop's clients now (at shutdown)."""
        loop = asyncio.get_running_loop()
        for key, shared in list(self._shared.items()):
            if key[0] is loop:
                if shared.closing is not None:
                    shared.closing.cancel()
                await self._close(key, shared)

    async def _close(
        self, key: tuple[asyncio.AbstractEventLoop, str, str], shared: _Shared
    ) -> None:
        if shared.users:
            return  # taken again meanwhile
        if self._shared.get(key) is shared:
            del self._shared[key]
        await shared.client.aclose()

    def _new_client(self) -> httpx.AsyncClient:
        ms = self._microsoft
        return httpx.AsyncClient(
            verify=verify_for(ms.ca_bundle),
            timeout=ms.http_timeout_seconds,
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        )
