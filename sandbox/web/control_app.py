"""Routes of the control API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from aiohttp import web

from sandbox.catalog.roles import role
from sandbox.channel.model import Bot
from sandbox.control.snapshot import tenant_state, tenant_summary
from sandbox.directory.seeding import TenantSpec, grant_consent, seed_tenant
from sandbox.directory.tenant import Tenant
from sandbox.entra.apps import AppRegistration
from sandbox.faults import FaultRule
from sandbox.state import Sandbox


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, body=orjson.dumps(body), content_type="application/json")


def _problem(status: int, message: str) -> web.Response:
    return _json({"error": message}, status)


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw:
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise web.HTTPBadRequest(
            text=f'{{"error": "the body is not JSON: {exc}"}}', content_type="application/json"
        ) from exc
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(
            text='{"error": "the body must be a JSON object"}', content_type="application/json"
        )
    return data


def control_app(sb: Sandbox, reseed: Callable[[], None]) -> web.Application:
    """The aiohttp application serving ``/_sandbox/``."""

    def tenant_or_404(request: web.Request) -> Tenant:
        tenant = sb.directory.resolve(request.match_info["tenant"])
        if tenant is None:
            raise web.HTTPNotFound(
                text='{"error": "no such tenant"}', content_type="application/json"
            )
        return tenant

    async def info(request: web.Request) -> web.Response:
        return _json(
            {
                "endpoints": sb.endpoints.__dict__,
                "tenants": len(sb.directory),
                "clock_offset": sb.clock.offset,
            }
        )

    async def reset(request: web.Request) -> web.Response:
        reseed()
        return _json({"tenants": [tenant_summary(t) for t in sb.directory]})

    async def list_tenants(request: web.Request) -> web.Response:
        return _json({"tenants": [tenant_summary(t) for t in sb.directory]})

    async def create_tenant(request: web.Request) -> web.Response:
        try:
            spec = TenantSpec.from_json(await _body(request))
            tenant = seed_tenant(sb.directory, spec, sb.clock.now())
        except (ValueError, KeyError, TypeError) as exc:
            return _problem(400, str(exc))
        return _json(tenant_summary(tenant), 201)

    async def get_tenant(request: web.Request) -> web.Response:
        return _json(tenant_summary(tenant_or_404(request)))

    async def get_state(request: web.Request) -> web.Response:
        return _json(tenant_state(tenant_or_404(request), sb.clock.now()))

    async def delete_tenant(request: web.Request) -> web.Response:
        tenant = tenant_or_404(request)
        sb.directory.remove(tenant.id)
        sb.faults.clear(tenant.id)
        return web.Response(status=204)

    async def patch_tenant_knobs(request: web.Request) -> web.Response:
        tenant = tenant_or_404(request)
        try:
            tenant.knobs.update(await _body(request))
        except ValueError as exc:
            return _problem(400, str(exc))
        return _json(tenant.knobs.to_json())

    async def add_consent(request: web.Request) -> web.Response:
        tenant = tenant_or_404(request)
        try:
            grant_consent(tenant, await _body(request))
        except (ValueError, KeyError) as exc:
            return _problem(400, str(exc))
        return _json(tenant_state(tenant, sb.clock.now())["consents"])

    async def patch_user(request: web.Request) -> web.Response:
        tenant = tenant_or_404(request)
        user = tenant.find_user(request.match_info["user"])
        if user is None:
            return _problem(404, "no such user")
        body = await _body(request)
        try:
            roles = {role(r).id for r in body.get("roles", [])} if "roles" in body else None
        except KeyError as exc:
            return _problem(400, str(exc))
        if roles is not None:
            user.roles.clear()
            for template in roles:
                tenant.grant_role(user, template)
        if "accountEnabled" in body:
            user.account_enabled = bool(body["accountEnabled"])
            tenant.touch(user)
        return _json(
            {
                "id": user.id,
                "userPrincipalName": user.user_principal_name,
                "roles": sorted(user.roles),
                "accountEnabled": user.account_enabled,
            }
        )

    async def get_knobs(request: web.Request) -> web.Response:
        return _json(sb.knobs.to_json())

    async def patch_knobs(request: web.Request) -> web.Response:
        body = await _body(request)
        tenant_knobs = body.pop("tenants", None)
        try:
            sb.knobs.update(body)
            if tenant_knobs is not None:
                for tenant in sb.directory:
                    tenant.knobs.update(tenant_knobs)
        except ValueError as exc:
            return _problem(400, str(exc))
        return _json(sb.knobs.to_json())

    async def list_faults(request: web.Request) -> web.Response:
        return _json({"faults": [r.to_json() for r in sb.faults.rules()]})

    async def add_fault(request: web.Request) -> web.Response:
        try:
            rule = sb.faults.add(FaultRule.from_json(await _body(request)))
        except (ValueError, TypeError) as exc:
            return _problem(400, str(exc))
        return _json(rule.to_json(), 201)

    async def clear_faults(request: web.Request) -> web.Response:
        sb.faults.clear(request.query.get("tenant"))
        return web.Response(status=204)

    async def delete_fault(request: web.Request) -> web.Response:
        if not sb.faults.remove(request.match_info["fault"]):
            return _problem(404, "no such fault")
        return web.Response(status=204)

    async def list_apps(request: web.Request) -> web.Response:
        return _json({"apps": [a.to_json() for a in sb.apps.all()]})

    async def add_app(request: web.Request) -> web.Response:
        try:
            app = AppRegistration.from_json(await _body(request))
        except ValueError as exc:
            return _problem(400, str(exc))
        sb.apps.register(app)
        return _json(app.to_json(), 201)

    async def list_bots(request: web.Request) -> web.Response:
        bots = sb.channel.bots.values()
        return _json(
            {"bots": [b.to_json() | {"throttled": sb.channel.throttled[b.app_id]} for b in bots]}
        )

    async def add_bot(request: web.Request) -> web.Response:
        data = await _body(request)
        try:
            bot = Bot(str(data["app_id"]), str(data["name"]), str(data["endpoint"]))
        except KeyError as exc:
            return _problem(400, f"a bot needs app_id, name and endpoint; {exc} is missing")
        if not bot.endpoint.startswith(("http://", "https://")):
            return _problem(400, "endpoint must be an http(s) URL")
        sb.channel.register(bot)
        return _json(bot.to_json(), 201)

    async def delete_bot(request: web.Request) -> web.Response:
        app_id = request.match_info["bot"]
        if sb.channel.bots.pop(app_id, None) is None:
            return _problem(404, "no such bot")
        for conversation_id in [
            c.id for c in sb.channel.conversations.values() if c.bot.app_id == app_id
        ]:
            del sb.channel.conversations[conversation_id]
        return web.Response(status=204)

    async def get_conversation(request: web.Request) -> web.Response:
        conversation = sb.channel.get(request.match_info["conversation"])
        if conversation is None:
            return _problem(404, "no such conversation")
        return _json(
            {
                "id": conversation.id,
                "kind": conversation.kind,
                "tenant": conversation.tenant_id,
                "bot": conversation.bot.app_id,
                "installed": conversation.installed,
                "members": [m.to_json() for m in conversation.members],
                "activities": [
                    {**p.activity, "_deleted": p.deleted, "_views": p.views}
                    for p in conversation.posted.values()
                ],
            }
        )

    async def get_clock(request: web.Request) -> web.Response:
        return _json({"now": sb.clock.now(), "offset": sb.clock.offset})

    async def advance_clock(request: web.Request) -> web.Response:
        body = await _body(request)
        try:
            sb.clock.advance(float(body.get("advance", 0)))
        except (TypeError, ValueError) as exc:
            return _problem(400, str(exc))
        return _json({"now": sb.clock.now(), "offset": sb.clock.offset})

    async def list_delegations(request: web.Request) -> web.Response:
        return _json(
            {"delegations": sb.resolver.delegations(), "queries_sent": sb.resolver.queries_sent}
        )

    async def put_delegation(request: web.Request) -> web.Response:
        body = await _body(request)
        try:
            servers = []
            for item in body["servers"]:
                host, _, port = str(item).rpartition(":")
                servers.append((host, int(port)))
            sb.resolver.delegate(str(body["zone"]), servers)
        except (KeyError, ValueError, TypeError) as exc:
            return _problem(400, f"expected {{'zone': ..., 'servers': ['host:port']}}: {exc}")
        return _json({"delegations": sb.resolver.delegations()})

    async def delete_delegation(request: web.Request) -> web.Response:
        sb.resolver.undelegate(request.match_info["zone"])
        return web.Response(status=204)

    async def zone_dump(request: web.Request) -> web.Response:
        zone = sb.provider_zone
        if zone is None:
            return _problem(404, "no provider zone")
        views = {"primary": zone.primary, "secondary": zone.secondary()}
        return _json(
            {
                name: {"serial": v.serial, "records": [r.to_text() for r in v.rrsets()]}
                for name, v in views.items()
            }
            | {"zone": zone.origin.to_text(True)}
        )

    async def flush_dns(request: web.Request) -> web.Response:
        sb.resolver.flush()
        return web.Response(status=204)

    app = web.Application()
    r = app.router
    r.add_get("/_sandbox", info)
    r.add_post("/_sandbox/reset", reset)
    r.add_get("/_sandbox/tenants", list_tenants)
    r.add_post("/_sandbox/tenants", create_tenant)
    r.add_get("/_sandbox/tenants/{tenant}", get_tenant)
    r.add_delete("/_sandbox/tenants/{tenant}", delete_tenant)
    r.add_get("/_sandbox/tenants/{tenant}/state", get_state)
    r.add_patch("/_sandbox/tenants/{tenant}/knobs", patch_tenant_knobs)
    r.add_post("/_sandbox/tenants/{tenant}/consents", add_consent)
    r.add_patch("/_sandbox/tenants/{tenant}/users/{user}", patch_user)
    r.add_get("/_sandbox/knobs", get_knobs)
    r.add_patch("/_sandbox/knobs", patch_knobs)
    r.add_get("/_sandbox/faults", list_faults)
    r.add_post("/_sandbox/faults", add_fault)
    r.add_delete("/_sandbox/faults", clear_faults)
    r.add_delete("/_sandbox/faults/{fault}", delete_fault)
    r.add_get("/_sandbox/apps", list_apps)
    r.add_post("/_sandbox/apps", add_app)
    r.add_get("/_sandbox/bots", list_bots)
    r.add_post("/_sandbox/bots", add_bot)
    r.add_delete("/_sandbox/bots/{bot}", delete_bot)
    r.add_get("/_sandbox/conversations/{conversation}", get_conversation)
    r.add_get("/_sandbox/clock", get_clock)
    r.add_post("/_sandbox/clock", advance_clock)
    r.add_get("/_sandbox/dns/delegations", list_delegations)
    r.add_put("/_sandbox/dns/delegations", put_delegation)
    r.add_delete("/_sandbox/dns/delegations/{zone}", delete_delegation)
    r.add_post("/_sandbox/dns/flush", flush_dns)
    r.add_get("/_sandbox/dns/zone", zone_dump)
    return app
