"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: the database answers and
its schema is current), for a load balancer or an orchestrator's probes."""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy import Engine

from bot.metrics_page import MetricsPage
from provisioning.integrations import Integrations
from storage.database import schema_problem


def add_probes(app: web.Application, engine: Engine, integrations: Integrations) -> None:
    """``/healthz``, ``/readyz`` and ``/metrics`` on ``app``."""
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", Readiness(engine).readyz)
    app.router.add_get("/metrics", MetricsPage(integrations).metrics)


async def healthz(request: web.Request) -> web.Response:
    """Alive: answers at all."""
    return web.json_response({"status": "ok"})


class Readiness:
    """``/readyz`` for one database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def readyz(self, request: web.Request) -> web.Response:
        """200 when the database answers with the schema this code needs, else 503 and why."""
        problem = await asyncio.to_thread(schema_problem, self._engine)
        if problem is None:
            return web.json_response({"status": "ready"})
        # Nothing secret here: the URL and the driver's message stay out of the answer.
        return web.json_response({"status": "not ready", "problem": problem}, status=503)
