"""``GET /Teams.User/users``: Get-CsOnlineUser over REST (voice-api §1.3; fidelity-review-2.md
F3). By default it answers as go-teams' live sample: one ``{"users": [...]}`` envelope of
camelCase users whose policies are in ``effectivePolicyAssignments``; the tenant's
``teams_admin.users_*`` knobs switch the undocumented alternatives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.harness import Graph, Harness, SeededTenant

CONFIG = "/Skype.Policy/configurations"


def _policy(teams: Graph) -> None:
    teams.put(f"{CONFIG}/OnlinePstnUsages/configuration/Global", json={"Usage": ["U"]})
    teams.post(
        f"{CONFIG}/OnlineVoiceRoutingPolicy",
        json={"Identity": "Callroute-E164", "OnlinePstnUsages": ["U"]},
    )


def _granted_upn(sb: Harness, tenant: SeededTenant, teams: Graph) -> str:
    _policy(teams)
    upn: str = sb.state(tenant)["users"][5]["userPrincipalName"]
    response = teams.patch(
        f"/Skype.Policy/users/{upn}/policies/OnlineVoiceRoutingPolicy",
        json={"PolicyName": "Callroute-E164"},
    )
    assert response.status_code == 204
    return upn


def _all_pages(teams: Graph, first: str, link: str) -> list[dict[str, Any]]:
    body = teams.get(first).json()
    users: list[dict[str, Any]] = list(body["users"])
    while link in body:
        body = teams.get(body[link]).json()
        users.extend(body["users"])
    return users


def test_every_user_comes_in_one_envelope_by_default(teams: Graph) -> None:
    """go-teams: "a single { "users": [ ... ] } envelope"; no link, whatever ``top`` says."""
    body = teams.get("/Teams.User/users?top=10").json()
    assert list(body) == ["users"]
    assert len(body["users"]) == 31


@pytest.mark.parametrize("link", ["nextLink", "@odata.nextLink"])
def test_users_can_be_paged_with_either_link_key(
    teams: Graph, modes: Callable[..., None], link: str
) -> None:
    """``users_paging``: pages of ``top`` with a ``nextLink`` or ``@odata.nextLink``."""
    modes(users_paging=link)
    first = teams.get("/Teams.User/users?top=10").json()
    assert len(first["users"]) == 10
    ids = [u["objectId"] for u in _all_pages(teams, "/Teams.User/users?top=10", link)]
    assert len(ids) == len(set(ids)) == 31


def test_a_policy_in_force_is_an_effective_policy_assignment(
    sb: Harness, tenant: SeededTenant, teams: Graph
) -> None:
    """go-teams ``cs/users.go``: ``effectivePolicyAssignments[].policyAssignment.displayName``."""
    upn = _granted_upn(sb, tenant, teams)
    user = teams.get(f"/Teams.User/users/{upn}").json()
    assert user["userPrincipalName"] == upn
    assert user["effectivePolicyAssignments"] == [
        {
            "policyType": "OnlineVoiceRoutingPolicy",
            "policyAssignment": {
                "assignmentType": "Direct",
                "authority": "Tenant",
                "displayName": "Callroute-E164",
                "policyId": "Not Yet Supported.",
            },
        }
    ]


def test_a_user_on_the_defaults_has_no_assignments(
    sb: Harness, tenant: SeededTenant, teams: Graph
) -> None:
    """go-teams' live sample: "A user with no explicit assignment has an empty array"."""
    upn = sb.state(tenant)["users"][6]["userPrincipalName"]
    assert teams.get(f"/Teams.User/users/{upn}").json()["effectivePolicyAssignments"] == []


def test_by_default_there_are_no_flat_policy_fields(
    sb: Harness, tenant: SeededTenant, teams: Graph
) -> None:
    """No public reader finds ``onlineVoiceRoutingPolicy`` or ``tenantDialPlan`` here."""
    user = teams.get(f"/Teams.User/users/{_granted_upn(sb, tenant, teams)}").json()
    assert "onlineVoiceRoutingPolicy" not in user
    assert "tenantDialPlan" not in user


def test_the_flat_shape_adds_the_cmdlet_s_policy_fields(
    sb: Harness, tenant: SeededTenant, teams: Graph, modes: Callable[..., None]
) -> None:
    """``users_shape: flat``: bare policy names, null for the Global default."""
    modes(users_shape="flat")
    user = teams.get(f"/Teams.User/users/{_granted_upn(sb, tenant, teams)}").json()
    assert user["onlineVoiceRoutingPolicy"] == "Callroute-E164"
    assert user["tenantDialPlan"] is None
    assert user["effectivePolicyAssignments"]


def test_pascal_casing_capitalises_every_key(
    sb: Harness, tenant: SeededTenant, teams: Graph, modes: Callable[..., None]
) -> None:
    """``users_casing: pascal``: the cmdlet's property names, nested ones too."""
    modes(users_casing="pascal", users_shape="flat")
    upn = _granted_upn(sb, tenant, teams)
    users = teams.get("/Teams.User/users").json()["users"]
    user = next(u for u in users if u["UserPrincipalName"] == upn)
    assert user["OnlineVoiceRoutingPolicy"] == "Callroute-E164"
    assert user["AccountType"] == "User"
    assert "LineURI" in user
    assignment = user["EffectivePolicyAssignments"][0]
    assert assignment["PolicyType"] == "OnlineVoiceRoutingPolicy"
    assert assignment["PolicyAssignment"]["DisplayName"] == "Callroute-E164"
    assert "objectId" not in user


def test_account_types_are_spelled_as_get_csonlineuser_documents(sb: Harness) -> None:
    """Get-CsOnlineUser.md: ``User``, ``ResourceAccount``, ``IneligibleUser`` (no licence)."""
    tenant = sb.make_tenant(
        users=4, teams_phone_share=0.5, unlicensed_share=0.25, resource_accounts=1
    )
    users = sb.teams(tenant).get("/Teams.User/users").json()["users"]
    types = {u["userPrincipalName"].split("@")[0]: u["accountType"] for u in users}
    assert types.pop("ra-1") == "ResourceAccount"
    assert sorted(set(types.values())) == ["IneligibleUser", "User"]


def test_unlicensed_users_are_listed_as_ineligible(
    sb: Harness, tenant: SeededTenant, teams: Graph
) -> None:
    """Get-CsOnlineUser.md (6.1.1): unlicensed users are in the output, as IneligibleUser."""
    upn = sb.state(tenant)["users"][-1]["userPrincipalName"]
    listed = next(
        u for u in teams.get("/Teams.User/users").json()["users"] if u["userPrincipalName"] == upn
    )
    assert listed["accountType"] == "IneligibleUser"
    assert listed["featureTypes"] == []


def test_soft_deleted_users_are_listed_with_their_deletion_time(
    sb: Harness, tenant: SeededTenant, teams: Graph, admin_graph: Graph
) -> None:
    """Get-CsOnlineUser.md: soft-deleted users are "displayed … with SoftDeletionTimestamp set"."""
    victim = sb.state(tenant)["users"][7]
    assert admin_graph.delete(f"/users/{victim['id']}").status_code == 204
    users = {u["objectId"]: u for u in teams.get("/Teams.User/users").json()["users"]}
    assert len(users) == 31
    assert users[victim["id"]]["softDeletionTimestamp"].endswith("Z")
    assert users[tenant.summary["admins"][0]["id"]]["softDeletionTimestamp"] is None


def test_a_soft_deleted_user_is_readable_by_identity(
    sb: Harness, tenant: SeededTenant, teams: Graph, admin_graph: Graph
) -> None:
    """Get-CsOnlineUser.md: "-identity" finds users "until they are hard deleted"."""
    victim = sb.state(tenant)["users"][7]
    admin_graph.delete(f"/users/{victim['id']}")
    found = teams.get(f"/Teams.User/users/{victim['id']}")
    assert found.status_code == 200
    assert found.json()["softDeletionTimestamp"] is not None


def test_a_user_s_numbers_show_as_line_uri_and_telephone_numbers(sb: Harness) -> None:
    """§3 Get-CsOnlineUser: ``LineURI`` ``tel:+…``, ``EnterpriseVoiceEnabled``; 6.9.0 adds
    ``TelephoneNumbers`` with the category 'Primary'."""
    tenant = sb.make_tenant(users=4, teams_phone_share=1.0, other_provider={"users": 1})
    state = sb.state(tenant)
    upn, held = next(iter(state["voice"]["users"].items()))
    user = sb.teams(tenant).get(f"/Teams.User/users/{upn}").json()
    assert user["lineUri"] == f"tel:{held['numbers'][0]}"
    assert user["telephoneNumbers"] == [
        {"telephoneNumber": held["numbers"][0], "assignmentCategory": "Primary"}
    ]
    assert user["enterpriseVoiceEnabled"] is True


def test_an_unknown_user_is_404(teams: Graph) -> None:
    """Get-CsOnlineUser -Identity of nobody."""
    assert teams.get("/Teams.User/users/ghost@nowhere.example").status_code == 404
