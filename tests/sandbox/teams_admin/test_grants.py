"""Per-user grants and ``Teams.User/users`` (voice-api §1.3 Grant-Cs*, Get-CsOnlineUser)."""

from __future__ import annotations

import time

from tests.support.harness import Graph, Harness, SeededTenant

CONFIG = "/Skype.Policy/configurations"


def _policy(teams: Graph) -> None:
    teams.put(f"{CONFIG}/OnlinePstnUsages/configuration/Global", json={"Usage": ["U"]})
    assert (
        teams.post(
            f"{CONFIG}/OnlineVoiceRoutingPolicy",
            json={"Identity": "Callroute-E164", "OnlinePstnUsages": ["U"]},
        ).status_code
        == 201
    )


def _user(sb: Harness, tenant: SeededTenant) -> str:
    upn: str = sb.state(tenant)["users"][5]["userPrincipalName"]
    return upn


def test_a_grant_applies_after_the_delay(sb: Harness, tenant: SeededTenant, teams: Graph) -> None:
    """§1.3: ``PATCH …/users/{user}/policies/{Type}`` with ``PolicyName``; asynchronous."""
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"grant_delay_seconds": 40})
    _policy(teams)
    upn = _user(sb, tenant)
    path = f"/Skype.Policy/users/{upn}/policies/OnlineVoiceRoutingPolicy"
    assert teams.patch(path, json={"PolicyName": "Callroute-E164"}).status_code == 204
    assert teams.get(path).json() == {"PolicyName": "Global"}
    sb.advance_clock(40)
    assert teams.get(path).json() == {"PolicyName": "Callroute-E164"}


def test_an_empty_policy_name_unassigns(sb: Harness, tenant: SeededTenant, teams: Graph) -> None:
    """§1.3: granting an empty name returns the user to Global."""
    _policy(teams)
    upn = _user(sb, tenant)
    path = f"/Skype.Policy/users/{upn}/policies/OnlineVoiceRoutingPolicy"
    teams.patch(path, json={"PolicyName": "Callroute-E164"})
    assert teams.patch(path, json={"PolicyName": ""}).status_code == 204
    assert teams.get(path).json() == {"PolicyName": "Global"}


def test_granting_an_unknown_policy_or_user_is_404(
    sb: Harness, tenant: SeededTenant, teams: Graph
) -> None:
    """The policy and the user must exist."""
    upn = _user(sb, tenant)
    assert (
        teams.patch(
            f"/Skype.Policy/users/{upn}/policies/OnlineVoiceRoutingPolicy",
            json={"PolicyName": "Nope"},
        ).status_code
        == 404
    )
    assert (
        teams.patch(
            "/Skype.Policy/users/ghost@nowhere.example/policies/TenantDialPlan",
            json={"PolicyName": ""},
        ).status_code
        == 404
    )


def test_a_policy_held_by_users_cannot_be_removed(
    sb: Harness, tenant: SeededTenant, teams: Graph
) -> None:
    """§3: unassign first; a policy assigned to users cannot be removed."""
    _policy(teams)
    upn = _user(sb, tenant)
    path = f"/Skype.Policy/users/{upn}/policies/OnlineVoiceRoutingPolicy"
    teams.patch(path, json={"PolicyName": "Callroute-E164"})
    refused = teams.delete(f"{CONFIG}/OnlineVoiceRoutingPolicy/configuration/Tag:Callroute-E164")
    assert refused.status_code == 409
    assert "assigned to 1 user" in refused.json()["error"]["message"]
    teams.patch(path, json={"PolicyName": None})
    assert (
        teams.delete(
            f"{CONFIG}/OnlineVoiceRoutingPolicy/configuration/Tag:Callroute-E164"
        ).status_code
        == 204
    )


def test_a_pending_grant_also_blocks_removal(
    sb: Harness, tenant: SeededTenant, teams: Graph
) -> None:
    """A grant still on its way counts as assigned."""
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"grant_delay_seconds": 60})
    _policy(teams)
    teams.patch(
        f"/Skype.Policy/users/{_user(sb, tenant)}/policies/OnlineVoiceRoutingPolicy",
        json={"PolicyName": "Callroute-E164"},
    )
    assert (
        teams.delete(
            f"{CONFIG}/OnlineVoiceRoutingPolicy/configuration/Tag:Callroute-E164"
        ).status_code
        == 409
    )


def test_teams_users_are_paged_with_a_next_link(teams: Graph) -> None:
    """§1.3: ``GET /Teams.User/users``, envelope ``{"users": [...]}``, paged."""
    body = teams.get("/Teams.User/users?top=10").json()
    assert len(body["users"]) == 10
    seen = [u["objectId"] for u in body["users"]]
    while "nextLink" in body:
        body = teams.get(body["nextLink"]).json()
        seen.extend(u["objectId"] for u in body["users"])
    assert len(seen) == len(set(seen)) == 31


def test_a_teams_user_shows_its_effective_policies(
    sb: Harness, tenant: SeededTenant, teams: Graph
) -> None:
    """§1.3 go-teams ``cs/users.go``: ``effectivePolicyAssignments`` with type and name."""
    _policy(teams)
    upn = _user(sb, tenant)
    teams.patch(
        f"/Skype.Policy/users/{upn}/policies/OnlineVoiceRoutingPolicy",
        json={"PolicyName": "Callroute-E164"},
    )
    user = teams.get(f"/Teams.User/users/{upn}").json()
    assert user["userPrincipalName"] == upn
    assert user["onlineVoiceRoutingPolicy"] == "Callroute-E164"
    assert user["tenantDialPlan"] is None
    assert {
        "policyType": "OnlineVoiceRoutingPolicy",
        "policyAssignment": {
            "assignmentType": "Direct",
            "authority": "Tenant",
            "displayName": "Callroute-E164",
            "policyId": "Not Yet Supported.",
        },
    } in user["effectivePolicyAssignments"]
    assert user["featureTypes"][:2] == ["Teams", "PhoneSystem"]
    assert user["accountType"] == "user"
    assert user["enterpriseVoiceEnabled"] is False


def test_unlicensed_users_are_ineligible(sb: Harness, tenant: SeededTenant, teams: Graph) -> None:
    """§3 Get-CsOnlineUser: ``AccountType`` is becoming ``IneligibleUser`` without a licence."""
    upn = sb.state(tenant)["users"][-1]["userPrincipalName"]
    assert teams.get(f"/Teams.User/users/{upn}").json()["accountType"] == "ineligibleUser"


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
