"""Latency and injected faults in front of a Microsoft-facing service."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from sandbox.faults import FaultRule
from sandbox.state import Sandbox

FaultRenderer = Callable[[FaultRule], web.StreamResponse]


def _drop_connection(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.abort()


def service_gate(
    sb: Sandbox,
    service: str,
    operation_of: Callable[[web.Request], str],
    tenant_of: Callable[[web.Request], str | None],
    render: FaultRenderer,
) -> Middleware:
    """A middleware that adds the service's latency and applies fault rules to its calls."""
    jitter_rng = random.Random(7)

    async def fire(rule: FaultRule, request: web.Request) -> web.StreamResponse:
        if rule.kind == "timeout":
            await asyncio.sleep(sb.knobs.timeout_seconds)
        if rule.kind in ("timeout", "reset"):
            _drop_connection(request)
            # The transport is gone; aiohttp discards this answer quietly.
            return web.Response(status=499)
        return render(rule)

    @web.middleware
    async def gate(request: web.Request, handler: Handler) -> web.StreamResponse:
        delay = sb.knobs.latency_ms.get(service, 0.0)
        if sb.knobs.jitter_ms:
            delay += jitter_rng.uniform(0, sb.knobs.jitter_ms)
        # The latency is how long Microsoft takes to answer, its own work included: the
        # sandbox's time to build the answer is spent within it, not added to it.
        answer_at = time.monotonic() + delay / 1000

        async def due() -> None:
            await asyncio.sleep(max(0.0, answer_at - time.monotonic()))

        rules = sb.faults.rules()
        if not rules:
            response = await handler(request)
            await due()
            return response
        operation = operation_of(request)
        tenant = tenant_of(request) if any(r.tenant for r in rules) else None
        before = sb.faults.check(service, operation, request.method, request.path, tenant, "before")
        if before is not None:
            await due()
            return await fire(before, request)
        response = await handler(request)
        after = sb.faults.check(service, operation, request.method, request.path, tenant, "after")
        if after is not None:
            await due()
            return await fire(after, request)
        await due()
        return response

    return gate
