"""The real ``msal`` library against the sandbox (research/graph-entra.md §2).

The authority is the sandbox's, with ``instance_discovery=False``, ``azure_region=False`` and an
httpx client that trusts only the sandbox CA (§2.3, working recipe).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import httpx
import jwt
import msal
import pytest

from tests.support.harness import ADMIN_SCOPES, TEAMS_SCOPE, TEST_APP, Harness, SeededTenant
from tests.support.signin import sign_in


@pytest.fixture
def http(sb: Harness) -> Iterator[httpx.Client]:
    """The httpx client MSAL uses."""
    with httpx.Client(verify=sb.endpoints.ssl_context(), timeout=30) as client:
        yield client


def _app(
    sb: Harness,
    http: httpx.Client,
    tenant: str = "organizations",
    cache: msal.SerializableTokenCache | None = None,
) -> msal.ConfidentialClientApplication:
    return msal.ConfidentialClientApplication(
        TEST_APP.client_id,
        client_credential=TEST_APP.secret,
        authority=f"{sb.endpoints.authority}/{tenant}",
        instance_discovery=False,
        azure_region=False,
        http_client=http,
        token_cache=cache or msal.SerializableTokenCache(),
    )


def _sign_in(
    sb: Harness,
    app: msal.ConfidentialClientApplication,
    upn: str,
    scopes: list[str],
    response_mode: str = "form_post",
    **kwargs: object,
) -> dict[str, object]:
    flow = app.initiate_auth_code_flow(
        scopes, redirect_uri=TEST_APP.redirect_uri, response_mode=response_mode
    )
    with httpx.Client(verify=sb.endpoints.ssl_context(), follow_redirects=False) as browser:
        result = sign_in(browser, flow["auth_uri"], upn, **kwargs)  # type: ignore[arg-type]
    assert result.page is None, result.page.text if result.page else ""
    token: dict[str, object] = app.acquire_token_by_auth_code_flow(flow, result.params)
    return token


def test_msal_completes_the_auth_code_flow_with_pkce(
    sb: Harness, tenant: SeededTenant, http: httpx.Client
) -> None:
    """§2.1: nonce, PKCE S256, ``client_info`` and the id token as MSAL needs them."""
    app = _app(sb, http)
    result = _sign_in(sb, app, tenant.admin, ADMIN_SCOPES)
    assert "access_token" in result, result
    claims = result["id_token_claims"]
    assert isinstance(claims, dict)
    assert claims["tid"] == tenant.id
    assert claims["preferred_username"] == tenant.admin
    account = app.get_accounts()[0]
    assert account["username"] == tenant.admin
    assert account["home_account_id"] == f"{claims['oid']}.{tenant.id}"
    me = http.get(
        f"{sb.endpoints.graph}/me", headers={"Authorization": f"Bearer {result['access_token']}"}
    )
    assert me.json()["userPrincipalName"] == tenant.admin


def test_msal_query_response_mode_also_works(
    sb: Harness, tenant: SeededTenant, http: httpx.Client
) -> None:
    """§1.1: the default (query) response mode redirects with ``code`` and ``state``."""
    app = _app(sb, http)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="response_mode='form_post' is recommended")
        result = _sign_in(sb, app, tenant.admin, ADMIN_SCOPES, response_mode="query")
    assert "access_token" in result, result


def test_msal_serves_a_silent_call_from_its_cache(
    sb: Harness, tenant: SeededTenant, http: httpx.Client
) -> None:
    """§2.1: ``acquire_token_silent`` returns the cached token while it is valid."""
    app = _app(sb, http)
    _sign_in(sb, app, tenant.admin, ADMIN_SCOPES)
    silent = app.acquire_token_silent(ADMIN_SCOPES, account=app.get_accounts()[0])
    assert silent is not None
    assert silent["token_source"] == "cache"


def test_msal_refreshes_silently_with_the_refresh_token(
    sb: Harness, tenant: SeededTenant, http: httpx.Client
) -> None:
    """§2.1: a forced silent refresh goes to the token endpoint and yields a working token."""
    app = _app(sb, http)
    first = _sign_in(sb, app, tenant.admin, ADMIN_SCOPES)
    refreshed = app.acquire_token_silent(
        ADMIN_SCOPES, account=app.get_accounts()[0], force_refresh=True
    )
    assert refreshed is not None
    assert refreshed["token_source"] == "identity_provider"
    assert refreshed["access_token"] != first["access_token"]
    me = http.get(
        f"{sb.endpoints.graph}/me", headers={"Authorization": f"Bearer {refreshed['access_token']}"}
    )
    assert me.status_code == 200


def test_msal_refresh_into_a_tenant_specific_app_shares_the_cache(
    sb: Harness, tenant: SeededTenant, http: httpx.Client
) -> None:
    """§2.1: refresh tokens carry no realm, so a per-tenant app can refresh from the cache."""
    cache = msal.SerializableTokenCache()
    _sign_in(sb, _app(sb, http, cache=cache), tenant.admin, ADMIN_SCOPES)
    per_tenant = _app(sb, http, tenant=tenant.id, cache=cache)
    account = per_tenant.get_accounts(username=tenant.admin)[0]
    result = per_tenant.acquire_token_silent(ADMIN_SCOPES, account=account, force_refresh=True)
    assert result is not None
    assert "access_token" in result


def test_msal_reports_missing_consent_for_another_resource(
    sb: Harness, tenant: SeededTenant, http: httpx.Client
) -> None:
    """§1.2, §4: AADSTS65001 ``consent_required`` when refreshing into an unconsented API."""
    app = _app(sb, http)
    _sign_in(sb, app, tenant.admin, ADMIN_SCOPES)
    result = app.acquire_token_silent_with_error([TEAMS_SCOPE], account=app.get_accounts()[0])
    assert result is not None
    assert result["error"] == "invalid_grant"
    assert result["suberror"] == "consent_required"
    assert 65001 in result["error_codes"]


def test_msal_second_sign_in_for_the_teams_admin_api(
    sb: Harness, tenant: SeededTenant, http: httpx.Client
) -> None:
    """§1.1: a second sign-in consents to ``user_impersonation`` and yields its token."""
    app = _app(sb, http)
    _sign_in(sb, app, tenant.admin, ADMIN_SCOPES)
    result = _sign_in(sb, app, tenant.admin, [TEAMS_SCOPE])
    assert "access_token" in result, result
    decoded = jwt.decode(str(result["access_token"]), options={"verify_signature": False})
    assert decoded["aud"] == "48ac35b8-9aa8-4d74-927d-1f4a14a0b239"
    assert decoded["scp"] == "user_impersonation"
    assert "62e90394-69f5-4237-9190-012177145e10" in decoded["wids"]


def test_msal_sees_access_denied_when_the_user_cancels(
    sb: Harness, tenant: SeededTenant, http: httpx.Client
) -> None:
    """§1.1 and §2.1: the error redirect comes back as an error dict, no token call made."""
    app = _app(sb, http)
    flow = app.initiate_auth_code_flow(
        ADMIN_SCOPES, redirect_uri=TEST_APP.redirect_uri, response_mode="form_post"
    )
    with httpx.Client(verify=sb.endpoints.ssl_context(), follow_redirects=False) as browser:
        result = sign_in(browser, flow["auth_uri"], None)
    token = app.acquire_token_by_auth_code_flow(flow, result.params)
    assert token["error"] == "access_denied"


def test_msal_gets_client_credentials_tokens_with_app_roles(
    sb: Harness, tenant: SeededTenant, http: httpx.Client
) -> None:
    """§1.2, §2.1: app-only tokens carry ``roles`` from admin consent, and serve from cache."""
    app = _app(sb, http, tenant=tenant.id)
    first = app.acquire_token_for_client(["https://graph.microsoft.com/.default"])
    assert first["token_source"] == "identity_provider"
    claims = jwt.decode(first["access_token"], options={"verify_signature": False})
    assert claims["idtyp"] == "app"
    assert "User.ReadWrite.All" in claims["roles"]
    second = app.acquire_token_for_client(["https://graph.microsoft.com/.default"])
    assert second["token_source"] == "cache"
    users = http.get(
        f"{sb.endpoints.graph}/users?$top=1",
        headers={"Authorization": f"Bearer {first['access_token']}"},
    )
    assert users.status_code == 200
