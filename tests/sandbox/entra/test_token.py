"""The token endpoint and its AADSTS errors (research/graph-entra.md §1.2, R6)."""

from __future__ import annotations

import base64

import httpx

from tests.support.entra_client import pkce_pair
from tests.support.harness import ADMIN_SCOPES, TEAMS_SCOPE, TEST_APP, Harness, SeededTenant

SCOPES = [*ADMIN_SCOPES, "openid", "profile", "offline_access"]


def _code(sb: Harness, tenant: SeededTenant) -> tuple[str, str]:
    result, verifier = sb.entra.sign_in(tenant.domain, tenant.admin, SCOPES)
    return result.params["code"], verifier


def _error(response: httpx.Response, status: int, error: str, code: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    body: dict[str, object] = response.json()
    assert body["error"] == error, body
    assert body["error_codes"] == [code], body
    return body


def test_code_redemption_returns_every_token_msal_reads(sb: Harness, tenant: SeededTenant) -> None:
    """§1.2: the token, refresh and id tokens, client_info, type, scope and lifetime."""
    code, verifier = _code(sb, tenant)
    response = sb.entra.token(
        tenant.domain,
        grant_type="authorization_code",
        code=code,
        redirect_uri=TEST_APP.redirect_uri,
        code_verifier=verifier,
        scope=" ".join(SCOPES),
        client_info="1",
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("no-store")
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3599
    assert {"access_token", "refresh_token", "id_token", "client_info"} <= set(body)
    info = body["client_info"]
    decoded = base64.urlsafe_b64decode(info + "=" * (-len(info) % 4)).decode()
    assert f'"utid": "{tenant.id}"' in decoded


def test_error_body_has_entra_s_fields_and_echoes_the_correlation_id(
    sb: Harness, tenant: SeededTenant
) -> None:
    """§1.2: ``error, error_description, error_codes, timestamp, trace_id, correlation_id``."""
    response = sb.entra.http.post(
        f"{sb.endpoints.authority}/{tenant.domain}/oauth2/v2.0/token",
        data={
            "client_id": TEST_APP.client_id,
            "client_secret": "wrong",
            "grant_type": "client_credentials",
            "scope": "https://graph.microsoft.com/.default",
        },
        headers={"client-request-id": "c0ffee00-0000-4000-8000-000000000001"},
    )
    body = response.json()
    assert {
        "error",
        "error_description",
        "error_codes",
        "timestamp",
        "trace_id",
        "correlation_id",
        "error_uri",
    } <= set(body)
    assert body["correlation_id"] == "c0ffee00-0000-4000-8000-000000000001"
    assert "\r\nTrace ID: " in body["error_description"]


def test_wrong_secret_is_invalid_client_7000215(sb: Harness, tenant: SeededTenant) -> None:
    """R6 AADSTS7000215, HTTP 401."""
    response = sb.entra.http.post(
        f"{sb.endpoints.authority}/{tenant.domain}/oauth2/v2.0/token",
        data={
            "client_id": TEST_APP.client_id,
            "client_secret": "nope",
            "grant_type": "client_credentials",
            "scope": "https://graph.microsoft.com/.default",
        },
    )
    body = _error(response, 401, "invalid_client", 7000215)
    assert "Invalid client secret provided." in str(body["error_description"])


def test_missing_secret_is_invalid_client_7000218(sb: Harness, tenant: SeededTenant) -> None:
    """§1.2, R6: AADSTS7000218: a confidential client must authenticate."""
    response = sb.entra.http.post(
        f"{sb.endpoints.authority}/{tenant.domain}/oauth2/v2.0/token",
        data={
            "client_id": TEST_APP.client_id,
            "grant_type": "client_credentials",
            "scope": "https://graph.microsoft.com/.default",
        },
    )
    _error(response, 401, "invalid_client", 7000218)


def test_client_secret_may_come_as_http_basic(sb: Harness, tenant: SeededTenant) -> None:
    """§1.2: body ``client_secret`` or HTTP Basic are both accepted."""
    response = sb.entra.http.post(
        f"{sb.endpoints.authority}/{tenant.id}/oauth2/v2.0/token",
        data={"grant_type": "client_credentials", "scope": "https://graph.microsoft.com/.default"},
        auth=(TEST_APP.client_id, TEST_APP.secret),
    )
    assert response.status_code == 200, response.text


def test_unknown_client_is_unauthorized_client_700016(sb: Harness, tenant: SeededTenant) -> None:
    """R6 AADSTS700016."""
    response = sb.entra.http.post(
        f"{sb.endpoints.authority}/{tenant.domain}/oauth2/v2.0/token",
        data={
            "client_id": "99999999-9999-4999-8999-999999999999",
            "client_secret": "x",
            "grant_type": "client_credentials",
            "scope": "https://graph.microsoft.com/.default",
        },
    )
    body = _error(response, 400, "unauthorized_client", 700016)
    assert tenant.summary["displayName"] in str(body["error_description"])


def test_redirect_uri_differing_from_authorize_is_refused(
    sb: Harness, tenant: SeededTenant
) -> None:
    """§1.2, R6: the token request repeats the authorize ``redirect_uri`` (AADSTS50011)."""
    code, verifier = _code(sb, tenant)
    response = sb.entra.token(
        tenant.domain,
        grant_type="authorization_code",
        code=code,
        redirect_uri="http://localhost:5999/other",
        code_verifier=verifier,
        scope=" ".join(SCOPES),
    )
    body = _error(response, 400, "invalid_grant", 50011)
    assert "does not match the reply address" in str(body["error_description"])


def test_reused_code_is_aadsts54005(sb: Harness, tenant: SeededTenant) -> None:
    """R6 AADSTS54005: codes are single-use."""
    code, verifier = _code(sb, tenant)
    assert sb.entra.redeem(tenant.domain, code, verifier, SCOPES).status_code == 200
    response = sb.entra.redeem(tenant.domain, code, verifier, SCOPES)
    _error(response, 400, "invalid_grant", 54005)


def test_unknown_code_is_aadsts70000(sb: Harness, tenant: SeededTenant) -> None:
    """§1.2, R6: AADSTS70000: a code this authority never issued."""
    response = sb.entra.redeem(tenant.domain, "1.Afake", "v" * 43, SCOPES)
    _error(response, 400, "invalid_grant", 70000)


def test_expired_code_is_aadsts70008(private_sandbox: Harness) -> None:
    """§1.1: codes live about ten minutes, then AADSTS70008."""
    sb = private_sandbox
    tenant = sb.make_tenant()
    code, verifier = _code(sb, tenant)
    sb.advance_clock(11 * 60)
    _error(sb.entra.redeem(tenant.domain, code, verifier, SCOPES), 400, "invalid_grant", 70008)


def test_wrong_pkce_verifier_is_aadsts501481(sb: Harness, tenant: SeededTenant) -> None:
    """§1.1 and R6 AADSTS501481: S256 of the verifier must equal the challenge."""
    code, _ = _code(sb, tenant)
    wrong, _ = pkce_pair()
    _error(sb.entra.redeem(tenant.domain, code, wrong, SCOPES), 400, "invalid_grant", 501481)


def test_missing_pkce_verifier_is_aadsts50148(sb: Harness, tenant: SeededTenant) -> None:
    """§1.2, R6: AADSTS50148: a challenge was sent at authorize, no verifier now."""
    code, _ = _code(sb, tenant)
    response = sb.entra.token(
        tenant.domain,
        grant_type="authorization_code",
        code=code,
        redirect_uri=TEST_APP.redirect_uri,
        scope=" ".join(SCOPES),
    )
    _error(response, 400, "invalid_grant", 50148)


def test_code_from_one_tenant_is_refused_at_another_tenant_s_endpoint(
    sb: Harness, tenant: SeededTenant
) -> None:
    """§1.2, R6: AADSTS50020: the user does not exist in the tenant the request names."""
    other = sb.make_tenant()
    code, verifier = _code(sb, tenant)
    body = _error(
        sb.entra.redeem(other.domain, code, verifier, SCOPES), 400, "invalid_grant", 50020
    )
    assert tenant.admin in str(body["error_description"])


def test_refresh_for_an_unconsented_resource_is_aadsts65001(
    sb: Harness, tenant: SeededTenant
) -> None:
    """§1.2: ``invalid_grant`` with ``suberror: consent_required``."""
    tokens = sb.entra.user_token(tenant.domain, tenant.admin, ADMIN_SCOPES)
    response = sb.entra.refresh(tenant.domain, tokens["refresh_token"], TEAMS_SCOPE)
    body = _error(response, 400, "invalid_grant", 65001)
    assert body["suberror"] == "consent_required"


def test_refresh_returns_a_new_refresh_token(sb: Harness, tenant: SeededTenant) -> None:
    """§1.2: refresh answers like the code grant, with a fresh refresh token."""
    tokens = sb.entra.user_token(tenant.domain, tenant.admin, ADMIN_SCOPES)
    response = sb.entra.refresh(
        tenant.domain,
        tokens["refresh_token"],
        " ".join([*ADMIN_SCOPES, "offline_access"]),
    )
    assert response.status_code == 200, response.text
    assert response.json()["refresh_token"] != tokens["refresh_token"]


def test_refresh_token_of_another_client_is_refused(sb: Harness, tenant: SeededTenant) -> None:
    """§1.2, R6: AADSTS70000: a refresh token only serves the client it was issued to."""
    sb.control.post(
        "/apps",
        json={
            "client_id": "22222222-3333-4444-8555-666666666666",
            "secret": "s2",
            "redirect_uris": [],
        },
    )
    tokens = sb.entra.user_token(tenant.domain, tenant.admin, ADMIN_SCOPES)
    response = sb.entra.http.post(
        f"{sb.endpoints.authority}/{tenant.domain}/oauth2/v2.0/token",
        data={
            "client_id": "22222222-3333-4444-8555-666666666666",
            "client_secret": "s2",
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "scope": "User.Read",
        },
    )
    _error(response, 400, "invalid_grant", 70000)


def test_garbage_refresh_token_is_aadsts9002313(sb: Harness, tenant: SeededTenant) -> None:
    """§1.2, R6: A refresh token this authority never issued."""
    response = sb.entra.refresh(tenant.domain, "0.Anot-a-token", "User.Read")
    _error(response, 400, "invalid_grant", 9002313)


def test_refresh_token_unused_for_90_days_is_aadsts700082(private_sandbox: Harness) -> None:
    """R6 AADSTS700082: refresh tokens expire after 90 days of inactivity."""
    sb = private_sandbox
    tenant = sb.make_tenant()
    tokens = sb.entra.user_token(tenant.domain, tenant.admin, ADMIN_SCOPES)
    sb.advance_clock(91 * 86400)
    response = sb.entra.refresh(
        tenant.domain,
        tokens["refresh_token"],
        " ".join(ADMIN_SCOPES),
    )
    body = _error(response, 400, "invalid_grant", 700082)
    assert "was inactive for 90.00:00:00" in str(body["error_description"])


def test_refresh_for_a_disabled_user_is_aadsts50057(sb: Harness, tenant: SeededTenant) -> None:
    """§1.2, R6: AADSTS50057: disabling an account stops its refresh tokens."""
    tokens = sb.entra.user_token(tenant.domain, tenant.admin, ADMIN_SCOPES)
    sb.control.patch(f"/tenants/{tenant.id}/users/{tenant.admin}", json={"accountEnabled": False})
    response = sb.entra.refresh(
        tenant.domain,
        tokens["refresh_token"],
        " ".join(ADMIN_SCOPES),
    )
    _error(response, 400, "invalid_grant", 50057)


def test_scopes_of_two_resources_in_one_token_request_are_aadsts28000(
    sb: Harness, tenant: SeededTenant
) -> None:
    """§1.2, R6: AADSTS28000: a token is for one resource only."""
    tokens = sb.entra.user_token(tenant.domain, tenant.admin, ADMIN_SCOPES)
    response = sb.entra.refresh(
        tenant.domain, tokens["refresh_token"], f"{ADMIN_SCOPES[0]} {TEAMS_SCOPE}"
    )
    _error(response, 400, "invalid_scope", 28000)


def test_missing_grant_type_is_aadsts900144(sb: Harness, tenant: SeededTenant) -> None:
    """§1.2, R6: AADSTS900144: a required parameter is missing."""
    body = _error(sb.entra.token(tenant.domain), 400, "invalid_request", 900144)
    assert "'grant_type'" in str(body["error_description"])


def test_unsupported_grant_type_is_aadsts70003(sb: Harness, tenant: SeededTenant) -> None:
    """§1.2, R6: AADSTS70003."""
    _error(
        sb.entra.token(tenant.domain, grant_type="password"), 400, "unsupported_grant_type", 70003
    )


def test_unknown_tenant_is_aadsts90002(sb: Harness) -> None:
    """§1.2, R6: AADSTS90002 at the token endpoint."""
    response = sb.entra.token(
        "nosuch.onmicrosoft.com",
        grant_type="client_credentials",
        scope="https://graph.microsoft.com/.default",
    )
    _error(response, 400, "invalid_request", 90002)


def test_client_credentials_need_a_specific_tenant(sb: Harness) -> None:
    """§1.2, R6: AADSTS50059: app-only tokens cannot come from ``organizations``."""
    response = sb.entra.app_token("organizations")
    _error(response, 400, "invalid_request", 50059)


def test_client_credentials_need_the_default_scope(sb: Harness, tenant: SeededTenant) -> None:
    """§1.2, R6: AADSTS1002012: client credentials ask for ``<resource>/.default``."""
    response = sb.entra.app_token(tenant.id, scope="https://graph.microsoft.com/User.Read.All")
    _error(response, 400, "invalid_scope", 1002012)


def test_client_credentials_without_admin_consent_is_aadsts700016(sb: Harness) -> None:
    """R33: AADSTS700016 when the app has not been consented in that tenant."""
    tenant = sb.make_tenant(consent=False)
    _error(sb.entra.app_token(tenant.id), 400, "unauthorized_client", 700016)


def test_bot_framework_tokens_need_no_tenant_consent(sb: Harness, tenant: SeededTenant) -> None:
    """research/botframework-teams.md §2.2: ``scope=https://api.botframework.com/.default``."""
    response = sb.entra.app_token(tenant.id, scope="https://api.botframework.com/.default")
    assert response.status_code == 200, response.text
    assert "refresh_token" not in response.json()
