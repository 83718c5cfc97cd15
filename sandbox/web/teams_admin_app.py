"""The Teams admin API over HTTPS (``api.interfaces.records.teams.microsoft.com`` in real life)."""

from __future__ import annotations

from aiohttp import web

from sandbox.faults import FaultRule
from sandbox.replies import Reply
from sandbox.state import Sandbox
from sandbox.teams_admin.errors import AdminError
from sandbox.teams_admin.service import TeamsAdminService, operation_of
from sandbox.web.gate import service_gate
from sandbox.web.json_api import UnreadableBody, read_json, to_response, token_tenant


def _fault(rule: FaultRule) -> web.Response:
    status = int(rule.kind)
    headers = {"Retry-After": str(rule.retry_after)} if status in (429, 503) else {}
    code = "TooManyRequests" if status == 429 else "ServiceUnavailable"
    error = AdminError(
        status, code, "The service is temporarily unavailable. Retry later.", headers
    )
    return to_response(Reply(status, error.body(None), headers))


def teams_admin_app(sb: Sandbox) -> web.Application:
    """The aiohttp application serving the Teams admin API."""
    service = TeamsAdminService(sb)

    async def handle(request: web.Request) -> web.Response:
        try:
            body = await read_json(request)
        except UnreadableBody as exc:
            error = AdminError(400, "BadRequest", f"The request body is not valid JSON: {exc}")
            return to_response(Reply(400, error.body(None)))
        reply = await service.handle(
            request.method, request.path, dict(request.query.items()), request.headers, body
        )
        return to_response(reply)

    gate = service_gate(
        sb, "teams_admin", lambda r: operation_of(r.method, r.path), token_tenant, _fault
    )
    app = web.Application(middlewares=[gate])
    app.router.add_route("*", "/{tail:.*}", handle)
    sb.reset_hooks.append(service.buckets.reset)
    return app
