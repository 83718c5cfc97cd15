"""Entra ID over HTTPS (and plain http for browsers): discovery, keys, sign-in pages, token."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson
from aiohttp import web

from sandbox.entra import errors
from sandbox.entra.errors import EntraError
from sandbox.entra.grants import exchange
from sandbox.entra.signin import SignIn
from sandbox.entra.tenancy import resolve_tenant
from sandbox.faults import FaultRule
from sandbox.state import Sandbox
from sandbox.web.gate import service_gate

_NO_STORE = {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"}


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        body=orjson.dumps(body),
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )


def _basic(request: web.Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


def _operation(request: web.Request) -> str:
    route = request.match_info.route
    return route.name or "unknown"


def _tenant_of(request: web.Request) -> str | None:
    return request.match_info.get("tenant")


def entra_app(sb: Sandbox) -> web.Application:
    """The aiohttp application serving the Entra endpoints."""
    signin = SignIn(sb)
    sb.reset_hooks.append(signin.reset)

    def fault(rule: FaultRule) -> web.Response:
        status = int(rule.kind)
        exc = EntraError(
            90033,
            "temporarily_unavailable",
            "A transient error has occurred. Please try again.",
            status=status,
        )
        headers = {"Retry-After": str(rule.retry_after)} if status in (429, 503) else {}
        return _json(exc.body(sb.clock, sb.endpoints.authority, None), status, headers)

    async def discovery(request: web.Request) -> web.Response:
        ref = request.match_info["tenant"]
        try:
            tenant = resolve_tenant(sb.directory, ref, error="invalid_tenant")
        except EntraError as exc:
            return _json(exc.body(sb.clock, sb.endpoints.authority, None), exc.status)
        base = f"{sb.endpoints.authority}/{ref}"
        login_base = f"{sb.endpoints.login_page}/{ref}" if sb.browser_login_http else base
        issuer_tid = tenant.id if tenant is not None else "{tenantid}"
        return _json(
            {
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "private_key_jwt",
                    "client_secret_basic",
                ],
                "jwks_uri": f"{base}/discovery/v2.0/keys",
                "response_modes_supported": ["query", "fragment", "form_post"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
                "scopes_supported": ["openid", "profile", "email", "offline_access"],
                "issuer": f"{sb.endpoints.authority}/{issuer_tid}/v2.0",
                "request_uri_parameter_supported": False,
                "userinfo_endpoint": f"{sb.endpoints.graph.removesuffix('/v1.0')}/oidc/userinfo",
                "authorization_endpoint": f"{login_base}/oauth2/v2.0/authorize",
                "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                "http_logout_supported": True,
                "frontchannel_logout_supported": True,
                "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
                "claims_supported": [
                    "sub",
                    "iss",
                    "cloud_instance_name",
                    "cloud_instance_host_name",
                    "cloud_graph_host_name",
                    "msgraph_host",
                    "aud",
                    "exp",
                    "iat",
                    "auth_time",
                    "acr",
                    "nonce",
                    "preferred_username",
                    "name",
                    "tid",
                    "ver",
                    "at_hash",
                    "c_hash",
                    "email",
                ],
                "kerberos_endpoint": f"{base}/kerberos",
                "tenant_region_scope": "WW" if tenant is not None else None,
                "cloud_instance_name": "microsoftonline.com",
                "cloud_graph_host_name": "graph.windows.net",
                "msgraph_host": "graph.microsoft.com",
                "rbac_url": "https://pas.windows.net",
            }
        )

    async def keys(request: web.Request) -> web.Response:
        issuer = f"{sb.endpoints.authority}/{{tenantid}}/v2.0"
        return _json({"keys": [sb.key.jwk(issuer=issuer)]})

    async def token(request: web.Request) -> web.Response:
        form = await request.post()
        fields = {k: str(v) for k, v in form.items()}
        try:
            body = exchange(sb, request.match_info["tenant"], fields, _basic(request))
        except EntraError as exc:
            correlation = request.headers.get("client-request-id")
            return _json(
                exc.body(sb.clock, sb.endpoints.authority, correlation), exc.status, _NO_STORE
            )
        return _json(body, headers=_NO_STORE)

    async def not_supported(request: web.Request) -> web.Response:
        exc = errors.EntraError(
            70003, "unsupported_grant_type", "This endpoint is not offered by the sandbox."
        )
        return _json(exc.body(sb.clock, sb.endpoints.authority, None), 400)

    gate = service_gate(sb, "entra", _operation, _tenant_of, fault)
    app = web.Application(middlewares=[gate])
    r = app.router
    r.add_get("/{tenant}/v2.0/.well-known/openid-configuration", discovery, name="discovery")
    r.add_get("/{tenant}/discovery/v2.0/keys", keys, name="keys")
    r.add_get("/{tenant}/discovery/keys", keys, name="keys.v1")
    r.add_get("/{tenant}/oauth2/v2.0/authorize", signin.authorize, name="authorize")
    r.add_post("/{tenant}/login", signin.login, name="login")
    r.add_post("/{tenant}/consent", signin.consent, name="consent")
    r.add_get("/{tenant}/v2.0/adminconsent", signin.admin_consent, name="adminconsent")
    r.add_post("/{tenant}/oauth2/v2.0/token", token, name="token")
    r.add_post("/{tenant}/oauth2/v2.0/devicecode", not_supported, name="devicecode")
    return app
