"""``/metrics``: Prometheus' text exposition of the process and of the work in the database
(runs, the outbox, synced users). Nothing in it names a tenant, a user or a secret."""

from __future__ import annotations

from aiohttp import web

from provisioning.integrations import METRICS_CONTENT_TYPE, Integrations


class MetricsPage:
    """``/metrics`` for one wiring."""

    def __init__(self, integrations: Integrations) -> None:
        self._integrations = integrations

    async def metrics(self, request: web.Request) -> web.Response:
        """What a Prometheus scrape reads."""
        body = await self._integrations.metrics()
        return web.Response(body=body, headers={"Content-Type": METRICS_CONTENT_TYPE})
