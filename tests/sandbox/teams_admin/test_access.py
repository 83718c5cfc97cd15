"""Who may call the Teams admin API (teams-voice-api.md §1.1–1.2): tokens for resource
``48ac35b8-…`` with ``user_impersonation``; the caller's directory roles (``wids``) decide.
"""

from __future__ import annotations

import time

from tests.support.harness import ADMIN_SCOPES, Graph, Harness, SeededTenant
from tests.support.teams_admin import properties


def test_a_request_without_a_token_is_401(sb: Harness) -> None:
    """§1.1: a bearer token is required."""
    response = sb.https.get(
        f"{sb.endpoints.teams_admin}/Skype.Policy/configurations/OnlineVoiceRoute"
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "Unauthorized"


def test_a_graph_token_is_refused(sb: Harness, tenant: SeededTenant) -> None:
    """§1.1: the token must be for the Teams admin resource, not Graph."""
    token = sb.entra.user_token(tenant.domain, tenant.admin, ADMIN_SCOPES)["access_token"]
    response = Graph(sb.endpoints.teams_admin, sb.https, token).get(
        "/Skype.Policy/configurations/OnlineVoiceRoute"
    )
    assert response.status_code == 401
    assert "audience" in response.json()["error"]["message"]


def test_an_admin_with_user_impersonation_may_read(teams: Graph) -> None:
    """§1.1: delegated ``user_impersonation`` and a Teams-capable role."""
    response = teams.get("/Skype.Policy/configurations/OnlineVoiceRoutingPolicy")
    assert response.status_code == 200
    assert [properties(p) for p in response.json()] == [
        {"Identity": "Global", "OnlinePstnUsages": [], "Description": "", "RouteType": "BYOT"}
    ]


def test_a_user_without_a_teams_role_is_forbidden(sb: Harness, tenant: SeededTenant) -> None:
    """§1.2: RBAC comes from the directory role in the token (``wids``)."""
    upn = sb.state(tenant)["users"][-1]["userPrincipalName"]
    sb.control.post(
        f"/tenants/{tenant.id}/consents",
        json={
            "client_id": "0b7c4a3e-1d2f-4e5a-9b8c-7d6e5f4a3b2c",
            "scopes": ["48ac35b8-9aa8-4d74-927d-1f4a14a0b239/user_impersonation"],
        },
    )
    response = sb.teams(tenant, upn).get("/Skype.Policy/configurations/OnlineVoiceRoute")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "Forbidden"


def test_a_teams_telephony_administrator_may_write(sb: Harness, tenant: SeededTenant) -> None:
    """§1.2: Teams Telephony Administrator is enough for voice configuration."""
    upn = sb.state(tenant)["users"][-1]["userPrincipalName"]
    sb.control.patch(
        f"/tenants/{tenant.id}/users/{upn}", json={"roles": ["Teams Telephony Administrator"]}
    )
    teams = sb.teams(tenant, upn)
    response = teams.put(
        "/Skype.Policy/configurations/OnlinePstnUsages/configuration/Global",
        json={"Usage": ["Written-By-Telephony-Admin"]},
    )
    assert response.status_code == 200, response.text


def test_a_global_reader_may_read_but_not_write(sb: Harness, tenant: SeededTenant) -> None:
    """Readers see the configuration and cannot change it."""
    upn = sb.state(tenant)["users"][-1]["userPrincipalName"]
    sb.control.patch(f"/tenants/{tenant.id}/users/{upn}", json={"roles": ["Global Reader"]})
    teams = sb.teams(tenant, upn)
    assert teams.get("/Skype.Policy/configurations/OnlinePstnUsages").status_code == 200
    response = teams.put(
        "/Skype.Policy/configurations/OnlinePstnUsages/configuration/Global",
        json={"Usage": ["Nope"]},
    )
    assert response.status_code == 403


def test_app_only_tokens_are_refused(sb: Harness, tenant: SeededTenant) -> None:
    """§1.1: app-only access needs an admin role on the service principal (not modelled)."""
    sb.control.post(
        f"/tenants/{tenant.id}/consents",
        json={
            "client_id": "0b7c4a3e-1d2f-4e5a-9b8c-7d6e5f4a3b2c",
            "app_roles": ["48ac35b8-9aa8-4d74-927d-1f4a14a0b239/application_access"],
        },
    )
    token = sb.entra.app_token(tenant.id, "48ac35b8-9aa8-4d74-927d-1f4a14a0b239/.default")
    assert token.status_code == 200, token.text
    response = Graph(sb.endpoints.teams_admin, sb.https, token.json()["access_token"]).get(
        "/Skype.Policy/configurations/OnlineVoiceRoute"
    )
    assert response.status_code == 403


def test_service_discovery_names_the_admin_endpoint(teams: Graph, sb: Harness) -> None:
    """§1.2: ``GET /Teams.Tenant/serviceDiscovery`` gives the endpoints and forest header."""
    body = teams.get("/Teams.Tenant/serviceDiscovery").json()
    assert body["Endpoints"]["ConfigApiEndpoint"] == sb.endpoints.teams_admin
    assert "X-MS-Forest" in body["Headers"]


def test_unknown_types_and_paths_are_404(teams: Graph) -> None:
    """Only the five Direct Routing types exist here."""
    assert teams.get("/Skype.Policy/configurations/TeamsMeetingPolicy").status_code == 404
    assert teams.get("/Nope").status_code == 404


def test_every_answer_carries_a_correlation_id(teams: Graph) -> None:
    """§1.2: ``x-ms-correlation-id`` is echoed, or made up."""
    response = teams.get(
        "/Skype.Policy/configurations/OnlineVoiceRoute", headers={"x-ms-correlation-id": "corr-1"}
    )
    assert response.headers["x-ms-correlation-id"] == "corr-1"


def test_faults_can_be_injected_into_the_teams_admin_api(sb: Harness, teams: Graph) -> None:
    """The control API's fault rules cover this service too (``service: teams_admin``)."""
    sb.add_fault(
        service="teams_admin", operation="configurations.create", nth=1, kind="503", retry_after=3
    )
    response = teams.post(
        "/Skype.Policy/configurations/TenantDialPlan", json={"Identity": "Faulty"}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "3"
    assert response.json()["error"]["code"] == "ServiceUnavailable"
    assert (
        teams.post(
            "/Skype.Policy/configurations/TenantDialPlan", json={"Identity": "Faulty"}
        ).status_code
        == 201
    )


def test_throttling_answers_429_with_retry_after(
    sb: Harness, tenant: SeededTenant, teams: Graph
) -> None:
    """§1.2: throttling is 429 + ``Retry-After``."""
    sb.control.patch(
        f"/tenants/{tenant.id}/knobs", json={"teams_throttling": {"requests_per_10s": 3}}
    )
    statuses = [
        teams.get("/Skype.Policy/configurations/OnlineVoiceRoute").status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    response = teams.get("/Skype.Policy/configurations/OnlineVoiceRoute")
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["error"]["code"] == "TooManyRequests"


def test_latency_knob_applies_to_the_teams_admin_api(sb: Harness, teams: Graph) -> None:
    """§1.2 (400 ms–7 s in real life): the ``teams_admin`` latency knob delays answers."""
    sb.control.patch("/knobs", json={"latency_ms": {"teams_admin": 400}})
    started = time.perf_counter()
    teams.get("/Skype.Policy/configurations/OnlineVoiceRoute")
    assert time.perf_counter() - started >= 0.4
