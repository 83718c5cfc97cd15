"""The token endpoint's grants: authorization_code (PKCE), refresh_token, client_credentials.

Rules from research/graph-entra.md §1.2 and §2; every refusal is an :class:`EntraError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sandbox.catalog.resources import Resource, Scope, UnknownResourceError, UnknownScopeError
from sandbox.catalog.resources import parse_scope as parse_one_scope
from sandbox.directory.model import User
from sandbox.directory.tenant import Tenant
from sandbox.entra import errors
from sandbox.entra.apps import AppRegistration
from sandbox.entra.scopes import expand, missing_consent, parse_scope_param
from sandbox.entra.tenancy import resolve_tenant, tenant_label
from sandbox.entra.tokens import ACCESS_TOKEN_SECONDS, REFRESH_INACTIVITY_DAYS
from sandbox.state import Sandbox


def exchange(
    sb: Sandbox, tenant_ref: str, form: Mapping[str, str], basic: tuple[str, str] | None
) -> dict[str, Any]:
    """Answer one token request, or raise the AADSTS error Entra would give."""
    path_tenant = resolve_tenant(sb.directory, tenant_ref)
    grant_type = form.get("grant_type")
    if not grant_type:
        raise errors.missing_parameter("grant_type")
    client_id = form.get("client_id") or (basic[0] if basic else "")
    if not client_id:
        raise errors.missing_parameter("client_id")
    app = sb.apps.get(client_id)
    if app is None:
        raise errors.app_not_found(client_id, tenant_label(path_tenant, tenant_ref))
    secret = form.get("client_secret") or (basic[1] if basic else "")
    if not secret:
        raise errors.missing_secret()
    if not app.secret_matches(secret):
        raise errors.invalid_secret(app.client_id)
    if grant_type == "authorization_code":
        return _authorization_code(sb, path_tenant, tenant_ref, app, form)
    if grant_type == "refresh_token":
        return _refresh_token(sb, path_tenant, tenant_ref, app, form)
    if grant_type == "client_credentials":
        return _client_credentials(sb, path_tenant, app, form)
    raise errors.unsupported_grant(grant_type)


def _home(sb: Sandbox, tenant_id: str, user_id: str) -> tuple[Tenant, User]:
    tenant = sb.directory.get(tenant_id)
    user = tenant.users.get(user_id) if tenant is not None else None
    if tenant is None or user is None:
        raise errors.malformed_grant()
    if not user.account_enabled:
        raise errors.user_disabled()
    return tenant, user


def _check_tenant(
    path_tenant: Tenant | None, tenant: Tenant, user: User, app: AppRegistration, sb: Sandbox
) -> None:
    if path_tenant is not None and path_tenant.id != tenant.id:
        raise errors.user_not_in_tenant(
            user.user_principal_name,
            f"{sb.endpoints.authority}/{tenant.id}/",
            path_tenant.display_name,
            app.client_id,
            app.display_name,
        )


def _user_tokens(
    sb: Sandbox,
    tenant: Tenant,
    user: User,
    app: AppRegistration,
    raw_scope: str,
    form: Mapping[str, str],
    nonce: str | None,
) -> dict[str, Any]:
    """Tokens for a signed-in user: access token for one resource, plus id/refresh tokens."""
    request = parse_scope_param(raw_scope, tenant.display_name)
    resource = request.single_resource(raw_scope)
    wanted = expand(request, app)
    if any(s.is_default for s in request.resource_scopes):
        granted = tenant.consents_for(app.client_id).delegated_for(user.id)
        wanted = [s for s in wanted if s.key() in granted]
        if not wanted:
            raise errors.consent_required(app.client_id, app.display_name)
    elif missing_consent(tenant, app, user.id, wanted):
        raise errors.consent_required(app.client_id, app.display_name)
    scope_texts = [s.text() for s in wanted] or sorted(request.oidc)
    asked = {s.key(): s for s in request.resource_scopes}
    echoed = [asked[s.key()].echoed() if s.key() in asked else s.text() for s in wanted]
    body: dict[str, Any] = {
        "token_type": "Bearer",
        "scope": " ".join(echoed or scope_texts),
        "expires_in": ACCESS_TOKEN_SECONDS,
        "ext_expires_in": ACCESS_TOKEN_SECONDS,
        "access_token": sb.tokens.user_access_token(tenant, user, app, resource, scope_texts),
    }
    if "offline_access" in request.oidc:
        body["refresh_token"] = sb.tokens.refresh_token(tenant, user, app.client_id)
    if "openid" in request.oidc:
        body["id_token"] = sb.tokens.id_token(
            sb.endpoints.authority, tenant, user, app.client_id, nonce
        )
    if form.get("client_info") == "1":
        body["client_info"] = sb.tokens.client_info(tenant, user)
    return body


def _authorization_code(
    sb: Sandbox,
    path_tenant: Tenant | None,
    tenant_ref: str,
    app: AppRegistration,
    form: Mapping[str, str],
) -> dict[str, Any]:
    code = form.get("code")
    if not code:
        raise errors.missing_parameter("code")
    redirect_uri = form.get("redirect_uri")
    if not redirect_uri:
        raise errors.missing_parameter("redirect_uri")
    grant = sb.codes.redeem(code, app.client_id, sb.clock.now())
    if redirect_uri != grant.redirect_uri:
        raise errors.token_reply_url_mismatch(redirect_uri, grant.redirect_uri)
    grant.check_verifier(form.get("code_verifier"))
    tenant, user = _home(sb, grant.tenant_id, grant.user_id)
    _check_tenant(path_tenant, tenant, user, app, sb)
    raw_scope = form.get("scope") or " ".join(grant.scopes)
    return _user_tokens(sb, tenant, user, app, raw_scope, form, grant.nonce)


def _refresh_token(
    sb: Sandbox,
    path_tenant: Tenant | None,
    tenant_ref: str,
    app: AppRegistration,
    form: Mapping[str, str],
) -> dict[str, Any]:
    token = form.get("refresh_token")
    if not token:
        raise errors.missing_parameter("refresh_token")
    grant = sb.tokens.read_refresh_token(token)
    if grant is None:
        raise errors.malformed_grant()
    if grant.client_id != app.client_id:
        raise errors.EntraError(70000, "invalid_grant", "Provided grant is invalid or malformed.")
    if sb.clock.now() - grant.issued_at > REFRESH_INACTIVITY_DAYS * 86400:
        issued = datetime.fromtimestamp(grant.issued_at, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        raise errors.refresh_token_expired(issued, REFRESH_INACTIVITY_DAYS)
    tenant, user = _home(sb, grant.tenant_id, grant.user_id)
    _check_tenant(path_tenant, tenant, user, app, sb)
    raw_scope = form.get("scope")
    if not raw_scope:
        raise errors.missing_parameter("scope")
    return _user_tokens(sb, tenant, user, app, raw_scope, form, None)


def _client_credentials(
    sb: Sandbox, path_tenant: Tenant | None, app: AppRegistration, form: Mapping[str, str]
) -> dict[str, Any]:
    if path_tenant is None:
        raise errors.no_tenant_for_app_token()
    raw = form.get("scope")
    if not raw:
        raise errors.missing_parameter("scope")
    items = raw.split()
    try:
        scope: Scope = parse_one_scope(items[0])
    except UnknownResourceError as exc:
        raise errors.unknown_resource(exc.name, path_tenant.display_name) from exc
    except UnknownScopeError as exc:
        raise errors.client_credentials_scope(raw) from exc
    if len(items) != 1 or not scope.is_default:
        raise errors.client_credentials_scope(raw)
    resource: Resource = scope.resource
    roles: list[str] = []
    if resource.app_tokens_need_consent:
        consents = path_tenant.consents.get(app.client_id)
        if consents is None or not (consents.app_roles or consents.tenant_wide):
            raise errors.app_not_found(app.client_id, path_tenant.display_name)
        prefix = f"{resource.app_id}/"
        roles = sorted(r[len(prefix) :] for r in consents.app_roles if r.startswith(prefix))
    return {
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_SECONDS,
        "ext_expires_in": ACCESS_TOKEN_SECONDS,
        "access_token": sb.tokens.app_access_token(path_tenant, app, resource, roles),
    }
