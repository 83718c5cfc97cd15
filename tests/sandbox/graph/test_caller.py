"""Every Graph call checks its bearer token (research/graph-entra.md §3.1)."""

from __future__ import annotations

import time

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.harness import TEAMS_SCOPE, Graph, Harness, SeededTenant


def _unauthenticated(response: httpx.Response, message: str) -> None:
    assert response.status_code == 401
    body = response.json()
    assert body["error"]["code"] == "InvalidAuthenticationToken"
    assert body["error"]["message"].startswith(message), body
    headers = response.headers
    assert 'client_id="00000003-0000-0000-c000-000000000000"' in headers["WWW-Authenticate"]


def test_missing_token_is_401_access_token_is_empty(sb: Harness) -> None:
    """§3.1: a call without a bearer is refused with ``InvalidAuthenticationToken``."""
    response = sb.https.get(f"{sb.endpoints.graph}/me")
    _unauthenticated(response, "Access token is empty.")


def test_malformed_token_is_idx14100(sb: Harness) -> None:
    """§3.1: A bearer that is not a JWT at all."""
    response = sb.https.get(
        f"{sb.endpoints.graph}/me", headers={"Authorization": "Bearer not-a-jwt"}
    )
    _unauthenticated(response, "IDX14100: JWT is not well formed")


def test_token_signed_by_another_key_is_refused(sb: Harness, tenant: SeededTenant) -> None:
    """§3.1: A token signed by a key the sandbox never published."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header = jwt.get_unverified_header(
        sb.entra.user_token(tenant.domain, tenant.admin, ["User.Read"])["access_token"]
    )
    now = int(time.time())
    forged = jwt.encode(
        {
            "aud": "https://graph.microsoft.com",
            "tid": tenant.id,
            "iat": now,
            "nbf": now,
            "exp": now + 600,
            "scp": "User.Read",
        },
        key,
        algorithm="RS256",
        headers={"kid": header["kid"]},
    )
    response = sb.https.get(
        f"{sb.endpoints.graph}/me", headers={"Authorization": f"Bearer {forged}"}
    )
    _unauthenticated(response, "Signature is invalid.")


def test_token_for_another_audience_is_refused(sb: Harness, tenant: SeededTenant) -> None:
    """§3.1: A Teams admin API token is not a Graph token."""
    sb.control.post(
        f"/tenants/{tenant.id}/consents",
        json={"client_id": "0b7c4a3e-1d2f-4e5a-9b8c-7d6e5f4a3b2c", "scopes": [TEAMS_SCOPE]},
    )
    token = sb.entra.user_token(tenant.domain, tenant.admin, [TEAMS_SCOPE])["access_token"]
    response = Graph(sb.endpoints.graph, sb.https, token).get("/me")
    _unauthenticated(response, "Access token validation failure. Invalid audience.")


def test_expired_token_is_refused(private_sandbox: Harness) -> None:
    """§3.1: Tokens live about an hour (plus five minutes of skew)."""
    sb = private_sandbox
    tenant = sb.make_tenant()
    graph = sb.graph(tenant)
    assert graph.get("/me").status_code == 200
    sb.advance_clock(3600 + 301)
    _unauthenticated(graph.get("/me"), "Lifetime validation failed, the token is expired.")


def test_errors_carry_request_ids_and_echo_client_request_id(sb: Harness) -> None:
    """§3.1: ``innerError`` has ``date``, ``request-id`` and ``client-request-id``."""
    response = sb.https.get(
        f"{sb.endpoints.graph}/me",
        headers={"client-request-id": "e70c5c1b-0000-4000-8000-000000000000"},
    )
    inner = response.json()["error"]["innerError"]
    assert inner["client-request-id"] == "e70c5c1b-0000-4000-8000-000000000000"
    assert inner["request-id"] == response.headers["request-id"]
    assert "T" in inner["date"]
    assert not inner["date"].endswith("Z")


def test_token_of_a_deleted_user_stops_working(sb: Harness, tenant: SeededTenant) -> None:
    """§3.1: Graph checks the directory, not only the signature."""
    user = sb.state(tenant)["users"][-1]
    graph_user = sb.graph(tenant, user["userPrincipalName"], ["User.Read"])
    assert graph_user.get("/me").status_code == 200
    assert sb.graph(tenant).delete(f"/users/{user['id']}").status_code == 204
    assert graph_user.get("/me").status_code == 401


def test_unknown_path_is_400_and_wrong_verb_405(admin_graph: Graph) -> None:
    """§3.1: Graph answers unknown segments with 400 and wrong verbs with 405."""
    assert admin_graph.get("/nosuchthing").status_code == 400
    assert admin_graph.request("PUT", "/users").status_code == 405
