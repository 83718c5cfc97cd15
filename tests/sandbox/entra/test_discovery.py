"""Entra's OpenID discovery document and signing keys (research/graph-entra.md §1.4, §2.3)."""

from __future__ import annotations

import jwt

from tests.support.harness import Harness, SeededTenant


def test_tenant_discovery_document_has_https_endpoints_and_tenant_issuer(
    sb: Harness, tenant: SeededTenant
) -> None:
    """§1.4 and §2.3 (3): MSAL needs https ``authorization_endpoint``/``token_endpoint``."""
    doc = sb.https.get(
        f"{sb.endpoints.authority}/{tenant.id}/v2.0/.well-known/openid-configuration"
    ).json()
    assert doc["token_endpoint"] == f"{sb.endpoints.authority}/{tenant.id}/oauth2/v2.0/token"
    assert doc["authorization_endpoint"].startswith("https://")
    assert doc["issuer"] == f"{sb.endpoints.authority}/{tenant.id}/v2.0"
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert doc["tenant_region_scope"] == "WW"


def test_discovery_by_domain_name_resolves_the_tenant(sb: Harness, tenant: SeededTenant) -> None:
    """§1: ``{tenant}`` may be a verified domain name instead of the GUID."""
    doc = sb.https.get(
        f"{sb.endpoints.authority}/{tenant.domain}/v2.0/.well-known/openid-configuration"
    ).json()
    assert doc["issuer"] == f"{sb.endpoints.authority}/{tenant.id}/v2.0"


def test_multi_tenant_discovery_keeps_the_alias_and_a_placeholder_issuer(sb: Harness) -> None:
    """§1.4: the ``organizations`` document has ``{tenantid}`` in its issuer."""
    doc = sb.https.get(
        f"{sb.endpoints.authority}/organizations/v2.0/.well-known/openid-configuration"
    ).json()
    assert doc["token_endpoint"].endswith("/organizations/oauth2/v2.0/token")
    assert doc["issuer"] == f"{sb.endpoints.authority}/{{tenantid}}/v2.0"


def test_discovery_for_an_unknown_tenant_is_aadsts90002(sb: Harness) -> None:
    """§1.2 (AADSTS90002), answered by discovery with ``invalid_tenant``."""
    response = sb.https.get(
        f"{sb.endpoints.authority}/nosuch.onmicrosoft.com/v2.0/.well-known/openid-configuration"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_tenant"
    assert body["error_codes"] == [90002]
    assert "Tenant 'nosuch.onmicrosoft.com' not found" in body["error_description"]


def test_jwks_key_verifies_issued_access_tokens(sb: Harness, tenant: SeededTenant) -> None:
    """§1.4: JWKS entries carry ``kty, use, kid, x5t, n, e, x5c``; tokens are RS256 with kid."""
    keys = sb.https.get(f"{sb.endpoints.authority}/{tenant.id}/discovery/v2.0/keys").json()
    jwk = keys["keys"][0]
    assert {"kty", "use", "kid", "x5t", "n", "e", "x5c"} <= set(jwk)
    token = sb.entra.user_token(
        tenant.domain, tenant.admin, ["https://graph.microsoft.com/User.Read"]
    )["access_token"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    assert header["kid"] == jwk["kid"]
    # The signature is the point here; other tests move the shared sandbox's clock ahead.
    claims = jwt.decode(
        token,
        jwt.PyJWK(jwk).key,
        algorithms=["RS256"],
        audience="https://graph.microsoft.com",
        options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
    )
    assert claims["tid"] == tenant.id
