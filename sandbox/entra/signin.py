"""Browser-facing Entra: ``/authorize`` and ``/adminconsent`` with sign-in and consent pages.

Behaviour from research/graph-entra.md §1.1 (authorize, redirects, response modes) and §1.3
(admin consent). Flows live in memory between the pages, keyed by an opaque transaction id.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from aiohttp import web

from sandbox.catalog.resources import Scope
from sandbox.catalog.roles import CONSENT_GRANTING_ROLES, ROLES_BY_ID
from sandbox.directory.model import User
from sandbox.directory.tenant import Tenant
from sandbox.entra import errors, pages
from sandbox.entra.apps import AppRegistration
from sandbox.entra.codes import AuthCode
from sandbox.entra.errors import EntraError
from sandbox.entra.scopes import expand, missing_consent, needs_admin, parse_scope_param
from sandbox.entra.tenancy import resolve_tenant, tenant_label
from sandbox.state import Sandbox

FLOW_SECONDS = 1800
SESSION_COOKIE = "sandbox_estsauth"
_OIDC_TEXT = {
    "openid": "Sign you in",
    "profile": "View your basic profile",
    "email": "View your email address",
    "offline_access": "Maintain access to data you have given it access to",
}
_RESPONSE_MODES = ("query", "fragment", "form_post")


@dataclass
class Flow:
    """One sign-in in progress."""

    id: str
    kind: str  # "authorize" or "adminconsent"
    tenant_ref: str
    client_id: str
    redirect_uri: str
    state: str | None
    response_mode: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    prompt: str | None
    client_info: bool
    login_hint: str
    created_at: float
    tenant_id: str | None = None
    user_id: str | None = None


class SignIn:
    """The authorize, login, consent and admin-consent pages of one sandbox."""

    def __init__(self, sb: Sandbox) -> None:
        self._sb = sb
        self._flows: dict[str, Flow] = {}
        self._session_key = secrets.token_bytes(32)

    def reset(self) -> None:
        """Forget every sign-in in progress."""
        self._flows.clear()

    # ---------------------------------------------------------------- helpers

    def _error_page(self, exc: EntraError) -> web.Response:
        html = pages.error_page(
            exc.code,
            exc.message,
            str(uuid.uuid4()),
            self._sb.clock.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        return web.Response(text=html, content_type="text/html", status=400)

    def _description(self, exc: EntraError) -> str:
        stamp = self._sb.clock.utcnow().strftime("%Y-%m-%d %H:%M:%SZ")
        return (
            f"AADSTS{exc.code}: {exc.message}\r\nTrace ID: {uuid.uuid4()}\r\n"
            f"Correlation ID: {uuid.uuid4()}\r\nTimestamp: {stamp}"
        )

    def _to_app(self, flow: Flow, params: dict[str, str]) -> web.Response:
        """Send the response parameters back to the application's redirect URI."""
        if flow.state is not None:
            params["state"] = flow.state
        if flow.response_mode == "form_post":
            return web.Response(
                text=pages.form_post(flow.redirect_uri, params), content_type="text/html"
            )
        parts = urlsplit(flow.redirect_uri)
        if flow.response_mode == "fragment":
            target = urlunsplit((*parts[:4], urlencode(params)))
        else:
            query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
            target = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
        return web.Response(status=302, headers={"Location": target})

    def _error_to_app(
        self, flow: Flow, exc: EntraError, extra: dict[str, str] | None = None
    ) -> web.Response:
        params = dict(extra or {})
        params.update({"error": exc.error, "error_description": self._description(exc)})
        return self._to_app(flow, params)

    def _session_value(self, tenant: Tenant, user: User) -> str:
        payload = f"{tenant.id}.{user.id}"
        mac = hmac.new(self._session_key, payload.encode(), hashlib.sha256).hexdigest()[:32]
        return f"{payload}.{mac}"

    def _session_user(self, request: web.Request) -> tuple[Tenant, User] | None:
        raw = request.cookies.get(SESSION_COOKIE, "")
        parts = raw.split(".")
        if len(parts) != 3:
            return None
        payload = f"{parts[0]}.{parts[1]}"
        mac = hmac.new(self._session_key, payload.encode(), hashlib.sha256).hexdigest()[:32]
        if not hmac.compare_digest(mac, parts[2]):
            return None
        tenant = self._sb.directory.get(parts[0])
        user = tenant.users.get(parts[1]) if tenant else None
        return (tenant, user) if tenant is not None and user is not None else None

    def _flow(self, txn: str) -> Flow:
        now = self._sb.clock.now()
        self._flows = {k: f for k, f in self._flows.items() if now - f.created_at < FLOW_SECONDS}
        flow = self._flows.get(txn)
        if flow is None:
            raise errors.EntraError(
                50058 if not txn else 90014,
                "invalid_request",
                "The sign-in session has expired or is unknown. Start the sign-in again.",
            )
        return flow

    def _accounts(self, tenant: Tenant | None) -> list[pages.Account]:
        tenants = [tenant] if tenant is not None else list(self._sb.directory)[:10]
        per_tenant = 25 if tenant is not None else 4
        accounts: list[pages.Account] = []
        for t in tenants:
            admins = [u for u in t.users.values() if u.roles]
            others = [u for u in t.users_after(0) if not u.roles][
                : max(0, per_tenant - len(admins))
            ]
            for u in admins + others:
                detail = ", ".join(sorted(ROLES_BY_ID[r].name for r in u.roles if r in ROLES_BY_ID))
                accounts.append(
                    pages.Account(u.user_principal_name, u.display_name, detail or "User")
                )
        return accounts

    def _app(self, client_id: str, tenant: Tenant | None, ref: str) -> AppRegistration:
        if not client_id:
            raise errors.missing_parameter("client_id")
        app = self._sb.apps.get(client_id)
        if app is None:
            raise errors.app_not_found(client_id, tenant_label(tenant, ref))
        return app

    def _sign_in_page(self, request: web.Request, flow: Flow, error: str = "") -> web.Response:
        tenant = self._sb.directory.get(flow.tenant_id) if flow.tenant_id else None
        if tenant is None and flow.tenant_ref.lower() not in ("common", "organizations"):
            tenant = self._sb.directory.resolve(flow.tenant_ref)
        app = self._sb.apps.get(flow.client_id)
        session = self._session_user(request)
        html = pages.sign_in(
            action=f"/{flow.tenant_ref}/login",
            txn=flow.id,
            app_name=app.display_name if app else flow.client_id,
            accounts=self._accounts(tenant),
            login_hint=flow.login_hint,
            error=error,
            signed_in_as=session[1].user_principal_name if session else "",
        )
        return web.Response(text=html, content_type="text/html", status=400 if error else 200)

    # --------------------------------------------------------------- authorize

    async def authorize(self, request: web.Request) -> web.Response:
        """``GET /{tenant}/oauth2/v2.0/authorize``: validate, then show the sign-in page."""
        q = request.query
        ref = request.match_info["tenant"]
        try:
            tenant = resolve_tenant(self._sb.directory, ref)
            app = self._app(q.get("client_id", ""), tenant, ref)
            redirect_uri = q.get("redirect_uri", "")
            if not redirect_uri:
                raise errors.missing_parameter("redirect_uri")
            if redirect_uri not in app.redirect_uris:
                raise errors.reply_url_mismatch(redirect_uri, app.client_id)
        except EntraError as exc:
            return self._error_page(exc)
        mode = q.get("response_mode", "query")
        flow = Flow(
            id=secrets.token_urlsafe(24),
            kind="authorize",
            tenant_ref=ref,
            client_id=app.client_id,
            redirect_uri=redirect_uri,
            state=q.get("state"),
            response_mode=mode if mode in _RESPONSE_MODES else "query",
            scope=q.get("scope", ""),
            nonce=q.get("nonce"),
            code_challenge=q.get("code_challenge"),
            code_challenge_method=q.get("code_challenge_method")
            or ("plain" if q.get("code_challenge") else None),
            prompt=q.get("prompt"),
            client_info=q.get("client_info") == "1",
            login_hint=q.get("login_hint", ""),
            created_at=self._sb.clock.now(),
            tenant_id=tenant.id if tenant else None,
        )
        try:
            if mode not in _RESPONSE_MODES:
                raise EntraError(
                    900144, "invalid_request", f"The response_mode '{mode}' is not supported."
                )
            if q.get("response_type") != "code":
                raise EntraError(
                    70005,
                    "unsupported_response_type",
                    "The provided value for the input parameter 'response_type' is not allowed "
                    "for this request. Expected value: code.",
                )
            if not flow.scope.strip():
                raise errors.missing_parameter("scope")
            parse_scope_param(flow.scope, tenant_label(tenant, ref))
            if flow.code_challenge_method not in (None, "S256", "plain"):
                raise EntraError(
                    50149, "invalid_request", "Invalid Code_Challenge_method parameter."
                )
        except EntraError as exc:
            return self._error_to_app(flow, exc)
        self._flows[flow.id] = flow
        if flow.prompt == "none":
            return self._silent(request, flow)
        return self._sign_in_page(request, flow)

    def _silent(self, request: web.Request, flow: Flow) -> web.Response:
        session = self._session_user(request)
        if session is None:
            return self._error_to_app(
                flow,
                EntraError(
                    50058,
                    "login_required",
                    "A silent sign-in request was sent but no user is signed in.",
                ),
            )
        tenant, user = session
        if flow.tenant_id and flow.tenant_id != tenant.id:
            return self._error_to_app(
                flow,
                EntraError(
                    50058,
                    "login_required",
                    "A silent sign-in request was sent but no user is signed in.",
                ),
            )
        app = self._sb.apps.get(flow.client_id)
        assert app is not None
        wanted = expand(parse_scope_param(flow.scope, tenant.display_name), app)
        if missing_consent(tenant, app, user.id, wanted):
            return self._error_to_app(
                flow,
                EntraError(
                    65001,
                    "consent_required",
                    errors.consent_required(app.client_id, app.display_name).message,
                ),
            )
        return self._finish(flow, tenant, user)

    async def admin_consent(self, request: web.Request) -> web.Response:
        """``GET /{tenant}/v2.0/adminconsent``: an administrator grants the app tenant-wide."""
        q = request.query
        ref = request.match_info["tenant"]
        try:
            if ref.lower() == "common":
                raise EntraError(
                    90130,
                    "invalid_request",
                    "The admin consent endpoint is not supported over the /common endpoint. "
                    "Please use the /organizations or tenant-specific endpoint.",
                )
            tenant = resolve_tenant(self._sb.directory, ref)
            app = self._app(q.get("client_id", ""), tenant, ref)
            redirect_uri = q.get("redirect_uri", "")
            if not redirect_uri:
                raise errors.missing_parameter("redirect_uri")
            if redirect_uri not in app.redirect_uris:
                raise errors.reply_url_mismatch(redirect_uri, app.client_id)
        except EntraError as exc:
            return self._error_page(exc)
        flow = Flow(
            id=secrets.token_urlsafe(24),
            kind="adminconsent",
            tenant_ref=ref,
            client_id=app.client_id,
            redirect_uri=redirect_uri,
            state=q.get("state"),
            response_mode="query",
            scope=q.get("scope", ""),
            nonce=None,
            code_challenge=None,
            code_challenge_method=None,
            prompt=None,
            client_info=False,
            login_hint="",
            created_at=self._sb.clock.now(),
            tenant_id=tenant.id if tenant else None,
        )
        try:
            if not flow.scope.strip():
                raise errors.missing_parameter("scope")
            parse_scope_param(flow.scope, tenant_label(tenant, ref))
        except EntraError as exc:
            return self._error_to_app(flow, exc, {"admin_consent": "True"})
        self._flows[flow.id] = flow
        return self._sign_in_page(request, flow)

    # ------------------------------------------------------------------- login

    async def login(self, request: web.Request) -> web.Response:
        """``POST /{tenant}/login``: the account the user picked or typed."""
        form = await request.post()
        try:
            flow = self._flow(str(form.get("txn", "")))
        except EntraError as exc:
            return self._error_page(exc)
        extra = {"admin_consent": "True"} if flow.kind == "adminconsent" else None
        if form.get("action") == "cancel":
            return self._error_to_app(
                flow,
                EntraError(
                    50126 if flow.kind == "authorize" else 65004,
                    "access_denied",
                    "the user canceled the authentication",
                ),
                extra,
            )
        upn = str(form.get("login") or form.get("login_typed") or "").strip()
        if not upn:
            return self._sign_in_page(
                request, flow, "Enter a valid email address, phone number, or Skype name."
            )
        path_tenant = self._sb.directory.get(flow.tenant_id) if flow.tenant_id else None
        found = self._sb.directory.user_by_upn(upn)
        if found is None:
            label = path_tenant.display_name if path_tenant else flow.tenant_ref
            unknown = errors.unknown_user(upn, label)
            return self._sign_in_page(request, flow, f"AADSTS{unknown.code}: {unknown.message}")
        tenant, user = found
        app = self._sb.apps.get(flow.client_id)
        assert app is not None
        if path_tenant is not None and path_tenant.id != tenant.id:
            return self._error_page(
                errors.user_not_in_tenant(
                    user.user_principal_name,
                    f"{self._sb.endpoints.authority}/{tenant.id}/",
                    path_tenant.display_name,
                    app.client_id,
                    app.display_name,
                )
            )
        if not user.account_enabled:
            return self._error_page(errors.user_disabled())
        flow.tenant_id, flow.user_id = tenant.id, user.id
        response = self._after_sign_in(flow, tenant, user, app)
        response.set_cookie(
            SESSION_COOKIE, self._session_value(tenant, user), httponly=True, samesite="Lax"
        )
        return response

    def _after_sign_in(
        self, flow: Flow, tenant: Tenant, user: User, app: AppRegistration
    ) -> web.Response:
        may_grant = bool(user.roles & CONSENT_GRANTING_ROLES)
        request = parse_scope_param(flow.scope, tenant.display_name)
        if flow.kind == "adminconsent":
            if not may_grant:
                return self._admin_approval(app)
            perms = self._admin_permissions(app, request.resource_scopes)
            return self._consent_page(flow, user, app, perms, may_grant, admin=True)
        wanted = expand(request, app)
        missing = missing_consent(tenant, app, user.id, wanted)
        if not missing and flow.prompt != "consent":
            return self._finish(flow, tenant, user)
        if needs_admin(missing) and not may_grant:
            return self._admin_approval(app)
        perms = [(s.text(), s.resource.delegated[s.permission.lower()].description) for s in wanted]
        perms += [(o, _OIDC_TEXT[o]) for o in sorted(request.oidc) if o in _OIDC_TEXT]
        return self._consent_page(flow, user, app, perms, may_grant, admin=False)

    def _admin_approval(self, app: AppRegistration) -> web.Response:
        exc = errors.admin_approval_required()
        return web.Response(
            text=pages.admin_approval(app.display_name, exc.code, exc.message),
            content_type="text/html",
            status=403,
        )

    def _admin_permissions(
        self, app: AppRegistration, scopes: tuple[Scope, ...]
    ) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for scope in scopes:
            resource = scope.resource
            names = app.application.get(resource.app_id, []) if scope.is_default else []
            for name in names:
                perm = resource.application.get(name.lower())
                out.append((f"{name} (application)", perm.description if perm else name))
            delegated = (
                app.delegated.get(resource.app_id, []) if scope.is_default else [scope.permission]
            )
            for name in delegated:
                perm = resource.delegated.get(name.lower())
                out.append((name, perm.description if perm else name))
        return out

    def _consent_page(
        self,
        flow: Flow,
        user: User,
        app: AppRegistration,
        perms: list[tuple[str, str]],
        may_grant: bool,
        admin: bool,
    ) -> web.Response:
        html = pages.consent(
            f"/{flow.tenant_ref}/consent",
            flow.id,
            app.display_name,
            user.user_principal_name,
            perms,
            may_grant,
            admin,
        )
        return web.Response(text=html, content_type="text/html")

    # ----------------------------------------------------------------- consent

    async def consent(self, request: web.Request) -> web.Response:
        """``POST /{tenant}/consent``: the user accepted or declined the permissions."""
        form = await request.post()
        try:
            flow = self._flow(str(form.get("txn", "")))
        except EntraError as exc:
            return self._error_page(exc)
        if flow.tenant_id is None or flow.user_id is None:
            return self._error_page(
                errors.EntraError(90014, "invalid_request", "Sign in before consenting.")
            )
        tenant = self._sb.directory.get(flow.tenant_id)
        user = tenant.users.get(flow.user_id) if tenant else None
        app = self._sb.apps.get(flow.client_id)
        if tenant is None or user is None or app is None:
            return self._error_page(errors.malformed_grant())
        admin = flow.kind == "adminconsent"
        extra = {"admin_consent": "True"} if admin else None
        if form.get("action") != "accept":
            return self._error_to_app(flow, errors.consent_declined(), extra)
        may_grant = bool(user.roles & CONSENT_GRANTING_ROLES)
        request_scopes = parse_scope_param(flow.scope, tenant.display_name)
        consents = tenant.consents_for(app.client_id)
        if admin:
            if not may_grant:
                return self._admin_approval(app)
            for scope in request_scopes.resource_scopes:
                resource = scope.resource
                if scope.is_default:
                    consents.app_roles.update(
                        f"{resource.app_id}/{n}" for n in app.application.get(resource.app_id, [])
                    )
                    consents.tenant_wide.update(s.key() for s in app.default_scopes(resource))
                else:
                    consents.tenant_wide.add(scope.key())
            self._flows.pop(flow.id, None)
            return self._to_app(
                flow, {"admin_consent": "True", "tenant": tenant.id, "scope": flow.scope}
            )
        wanted = expand(request_scopes, app)
        if needs_admin(wanted) and not may_grant and missing_consent(tenant, app, user.id, wanted):
            return self._admin_approval(app)
        keys = {s.key() for s in wanted}
        if form.get("consent_org") == "on" and may_grant:
            consents.tenant_wide.update(keys)
        else:
            consents.by_user.setdefault(user.id, set()).update(keys)
        return self._finish(flow, tenant, user)

    def _finish(self, flow: Flow, tenant: Tenant, user: User) -> web.Response:
        code = self._sb.codes.issue(
            AuthCode(
                client_id=flow.client_id,
                redirect_uri=flow.redirect_uri,
                tenant_id=tenant.id,
                user_id=user.id,
                scopes=flow.scope.split(),
                nonce=flow.nonce,
                code_challenge=flow.code_challenge,
                code_challenge_method=flow.code_challenge_method,
                issued_at=self._sb.clock.now(),
            )
        )
        self._flows.pop(flow.id, None)
        params = {"code": code, "session_state": str(uuid.uuid4())}
        if flow.client_info:
            params["client_info"] = self._sb.tokens.client_info(tenant, user)
        return self._to_app(flow, params)
