"""Microsoft Graph over HTTPS: ``/v1.0/...`` handed to the Graph service."""

from __future__ import annotations

import uuid

import orjson
from aiohttp import web

from sandbox.faults import FaultRule
from sandbox.graph import errors
from sandbox.graph.service import GraphService, error_reply, operation_of
from sandbox.state import Sandbox
from sandbox.web.gate import service_gate
from sandbox.web.json_api import UnreadableBody, read_json, to_response, token_tenant

_JSON = (
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;"
    "charset=utf-8"
)
_FAULT_CODES = {
    500: "generalException",
    502: "badGateway",
    503: "serviceNotAvailable",
    504: "gatewayTimeout",
}


def _path(request: web.Request) -> str:
    return "/" + request.match_info["tail"]


def _fault(rule: FaultRule) -> web.Response:
    status = int(rule.kind)
    if status == 429:
        exc = errors.GraphError(
            429,
            "TooManyRequests",
            "Please retry again later.",
            {"Retry-After": str(rule.retry_after)},
        )
    else:
        exc = errors.GraphError(
            status,
            _FAULT_CODES.get(status, "generalException"),
            "The service is temporarily unavailable. Please retry later.",
            {"Retry-After": str(rule.retry_after)} if status == 503 else {},
        )
    reply = error_reply(exc, "00000000-0000-0000-0000-000000000000", None)
    return web.Response(
        status=reply.status,
        body=orjson.dumps(reply.body),
        headers={**reply.headers, "Content-Type": _JSON},
    )


def graph_app(sb: Sandbox) -> web.Application:
    """The aiohttp application serving Graph v1.0."""
    service = GraphService(sb)

    async def handle(request: web.Request) -> web.Response:
        try:
            body = await read_json(request)
        except UnreadableBody:
            error = errors.GraphError(
                400,
                "BadRequest",
                "Unable to read JSON request payload. Please ensure Content-Type header is set "
                "and payload is of valid JSON format.",
            )
            return to_response(error_reply(error, str(uuid.uuid4()), None), _JSON)
        query = dict(request.query.items())
        reply = await service.handle(request.method, _path(request), query, request.headers, body)
        return to_response(reply, _JSON)

    gate = service_gate(
        sb, "graph", lambda r: operation_of(r.method, _path(r)), token_tenant, _fault
    )
    app = web.Application(middlewares=[gate], client_max_size=4 * 1024 * 1024)
    app.router.add_route("*", "/v1.0/{tail:.*}", handle)
    sb.reset_hooks.append(service.throttle.reset)
    return app
