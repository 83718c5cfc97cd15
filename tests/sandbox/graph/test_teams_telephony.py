"""Graph's Teams telephony (teams-voice-api.md §2): user configurations, number assignment
operations, policy user assignments."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.support.harness import Graph, Harness, SeededTenant

NUMBERS = "/admin/teams/telephoneNumberManagement"


def _phone_user(sb: Harness, tenant: SeededTenant) -> dict[str, Any]:
    user: dict[str, Any] = next(
        u
        for u in sb.state(tenant)["users"]
        if "ENTERPRISEPREMIUM" in u["licenses"] and not u["roles"]
    )
    return user


def _routing_policy(sb: Harness, tenant: SeededTenant) -> None:
    """Create the ``Callroute-E164`` voice routing policy through the Teams admin API."""
    teams = sb.teams(tenant)
    teams.put(
        "/Skype.Policy/configurations/OnlinePstnUsages/configuration/Global", json={"Usage": ["U"]}
    )
    response = teams.post(
        "/Skype.Policy/configurations/OnlineVoiceRoutingPolicy",
        json={"Identity": "Callroute-E164", "OnlinePstnUsages": ["U"]},
    )
    assert response.status_code == 201, response.text


def _effective(graph: Graph, user_id: str) -> dict[str, str]:
    """A user's effective policy assignments, type → name."""
    config = graph.get(f"/admin/teams/userConfigurations/{user_id}").json()
    return {
        a["policyType"]: a["policyAssignment"]["displayName"]
        for a in config["effectivePolicyAssignments"]
    }


def _wait(graph: Graph, location: str) -> dict[str, Any]:
    for _ in range(50):
        body: dict[str, Any] = graph.get(location).json()
        if body["status"] in ("succeeded", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError("the operation never finished")


def _assign(graph: Graph, user_id: str, number: str) -> str:
    response = graph.post(
        f"{NUMBERS}/numberAssignments/assignNumber",
        json={
            "telephoneNumber": number,
            "assignmentTargetId": user_id,
            "numberType": "directRouting",
            "assignmentCategory": "primary",
        },
    )
    assert response.status_code == 202, response.text
    assert response.content == b""
    location: str = response.headers["Location"]
    return location


def test_user_configurations_are_paged(sb: Harness, admin_graph: Graph) -> None:
    """§2: ``GET /admin/teams/userConfigurations`` with ``$top`` and ``@odata.nextLink``."""
    body = admin_graph.get("/admin/teams/userConfigurations?$top=10").json()
    ids = [c["id"] for c in body["value"]]
    while "@odata.nextLink" in body:
        body = admin_graph.get(body["@odata.nextLink"]).json()
        ids.extend(c["id"] for c in body["value"])
    assert len(ids) == len(set(ids)) == 31


def test_a_user_configuration_has_the_documented_fields(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """§2: ``accountType, effectivePolicyAssignments, featureTypes, isEnterpriseVoiceEnabled,
    telephoneNumbers, userPrincipalName, tenantId``."""
    user = _phone_user(sb, tenant)
    config = admin_graph.get(f"/admin/teams/userConfigurations/{user['id']}").json()
    assert config["userPrincipalName"] == user["userPrincipalName"]
    assert config["tenantId"] == tenant.id
    assert config["accountType"] == "user"
    assert "PhoneSystem" in config["featureTypes"]
    assert config["isEnterpriseVoiceEnabled"] is False
    assert config["telephoneNumbers"] == []
    # assignmentType is "direct" or "group": a user on the defaults has no assignment.
    assert config["effectivePolicyAssignments"] == []


def test_user_configurations_filter_by_feature(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """§2: ``$filter`` on user configurations (here: Teams Phone holders)."""
    phone = admin_graph.get(
        "/admin/teams/userConfigurations?$top=999&$filter=featureTypes/any(f:f eq 'PhoneSystem')"
    ).json()["value"]
    assert len(phone) == 20


def test_assign_number_runs_as_an_operation_and_enables_voice(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """§2: 202 + ``Location`` of an operation; §3: assigning turns Enterprise Voice on."""
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"number_operation_seconds": 30})
    user = _phone_user(sb, tenant)
    location = _assign(admin_graph, user["id"], "14255550123")
    assert "/operations('" in location
    assert admin_graph.get(location).json()["status"] == "running"
    sb.advance_clock(30)
    operation = admin_graph.get(location).json()
    assert operation["status"] == "succeeded"
    assert operation["numbers"][0]["telephoneNumber"] == "+14255550123"
    config = admin_graph.get(f"/admin/teams/userConfigurations/{user['id']}").json()
    assert config["isEnterpriseVoiceEnabled"] is True
    assert config["telephoneNumbers"] == [
        {"telephoneNumber": "+14255550123", "assignmentCategory": "primary"}
    ]
    listed = admin_graph.get(
        f"{NUMBERS}/numberAssignments?$filter=assignmentTargetId eq '{user['id']}'"
    ).json()["value"]
    assert [n["telephoneNumber"] for n in listed] == ["+14255550123"]
    assert listed[0]["numberType"] == "directRouting"


def test_unassign_number_turns_voice_off(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """§3: removing the number sets Enterprise Voice off."""
    user = _phone_user(sb, tenant)
    _wait(admin_graph, _assign(admin_graph, user["id"], "+14255550124"))
    response = admin_graph.post(
        f"{NUMBERS}/numberAssignments/unassignNumber",
        json={"telephoneNumber": "+14255550124", "numberType": "directRouting"},
    )
    assert response.status_code == 202
    assert _wait(admin_graph, response.headers["Location"])["status"] == "succeeded"
    config = admin_graph.get(f"/admin/teams/userConfigurations/{user['id']}").json()
    assert config["isEnterpriseVoiceEnabled"] is False


def test_a_user_without_teams_phone_gets_a_failed_operation(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """Numbers need a Teams Phone (MCOEV) licence; the failure is in the operation."""
    unlicensed = sb.state(tenant)["users"][-1]
    operation = _wait(admin_graph, _assign(admin_graph, unlicensed["id"], "+14255550125"))
    assert operation["status"] == "failed"
    assert "not licensed for Teams Phone" in operation["numbers"][0]["statusDetail"]


def test_a_number_of_another_user_cannot_be_assigned(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """One number, one user."""
    phone = [u for u in sb.state(tenant)["users"] if "ENTERPRISEPREMIUM" in u["licenses"]]
    _wait(admin_graph, _assign(admin_graph, phone[0]["id"], "+14255550126"))
    operation = _wait(admin_graph, _assign(admin_graph, phone[1]["id"], "+14255550126"))
    assert operation["status"] == "failed"
    assert "already assigned" in operation["numbers"][0]["statusDetail"]


def test_a_malformed_number_is_a_400(sb: Harness, tenant: SeededTenant, admin_graph: Graph) -> None:
    """Numbers are E.164 (with or without '+')."""
    user = _phone_user(sb, tenant)
    response = admin_graph.post(
        f"{NUMBERS}/numberAssignments/assignNumber",
        json={
            "telephoneNumber": "call me",
            "assignmentTargetId": user["id"],
            "numberType": "directRouting",
        },
    )
    assert response.status_code == 400


def test_policy_ids_come_from_get_policy_id(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """§2: ``getPolicyId(type='…',name='…')`` → ``{"value": [{"name": "Tag:…", "policyId"}]}``."""
    _routing_policy(sb, tenant)
    body = admin_graph.get(
        "/admin/teams/policy/getPolicyId(type='OnlineVoiceRoutingPolicy',name='Callroute-E164')"
    ).json()
    assert body["value"][0]["name"] == "Tag:Callroute-E164"
    assert body["value"][0]["policyId"]
    missing = admin_graph.get(
        "/admin/teams/policy/getPolicyId(type='OnlineVoiceRoutingPolicy',name='Nope')"
    )
    assert missing.status_code == 404


def test_policy_user_assignment_grants_and_unassign_returns_to_global(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """§2: ``userAssignments/assign`` → 204 (applied after the grant delay); ``unassign``."""
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"grant_delay_seconds": 30})
    _routing_policy(sb, tenant)
    policy_id = admin_graph.get(
        "/admin/teams/policy/getPolicyId(type='OnlineVoiceRoutingPolicy',name='Callroute-E164')"
    ).json()["value"][0]["policyId"]
    user = _phone_user(sb, tenant)
    entry = {
        "@odata.type": "#microsoft.graph.teamsAdministration.teamsPolicyUserAssignment",
        "userId": user["id"],
        "policyType": "OnlineVoiceRoutingPolicy",
    }
    assert (
        admin_graph.post(
            "/admin/teams/policy/userAssignments/assign",
            json={"value": [{**entry, "policyId": policy_id}]},
        ).status_code
        == 204
    )

    assert _effective(admin_graph, user["id"]) == {}
    sb.advance_clock(30)
    assert _effective(admin_graph, user["id"]) == {"OnlineVoiceRoutingPolicy": "Callroute-E164"}
    assert (
        admin_graph.post(
            "/admin/teams/policy/userAssignments/unassign", json={"value": [entry]}
        ).status_code
        == 204
    )
    sb.advance_clock(30)
    assert _effective(admin_graph, user["id"]) == {}


def test_policy_assignment_checks_every_entry_first(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """Bad input answers 4xx and changes nothing."""
    user = _phone_user(sb, tenant)
    response = admin_graph.post(
        "/admin/teams/policy/userAssignments/assign",
        json={
            "value": [
                {
                    "userId": user["id"],
                    "policyType": "OnlineVoiceRoutingPolicy",
                    "policyId": "garbage",
                }
            ]
        },
    )
    assert response.status_code == 400
    assert _effective(admin_graph, user["id"]) == {}


def test_teams_endpoints_need_a_teams_role(sb: Harness, tenant: SeededTenant) -> None:
    """§2 permissions, delegated: the scope and a Teams administrator role."""
    upn = sb.state(tenant)["users"][-1]["userPrincipalName"]
    sb.control.patch(f"/tenants/{tenant.id}/users/{upn}", json={"roles": ["User Administrator"]})
    graph = sb.graph(tenant, upn)
    assert graph.get("/admin/teams/userConfigurations").status_code == 403


def test_resource_accounts_are_not_user_configurations(sb: Harness) -> None:
    """CIPP: "admin/teams/userConfigurations does not surface resource accounts at all"; their
    numbers are still number assignments."""
    tenant = sb.make_tenant(users=3, resource_accounts=1)
    graph = sb.graph(tenant)
    account = next(u for u in sb.state(tenant)["users"] if u["userPrincipalName"].startswith("ra-"))
    listed = graph.get("/admin/teams/userConfigurations").json()["value"]
    assert account["id"] not in [c["id"] for c in listed]
    assert graph.get(f"/admin/teams/userConfigurations/{account['id']}").status_code == 404
    numbers = graph.get(f"{NUMBERS}/numberAssignments").json()["value"]
    assert numbers[0]["assignmentTargetId"] == account["id"]
    assert numbers[0]["assignmentStatus"] == "voiceApplicationAssigned"


def test_one_number_assignment_is_readable_by_id(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """§2: ``GET …/numberAssignments/{id}`` (the number without '+')."""
    user = _phone_user(sb, tenant)
    _wait(admin_graph, _assign(admin_graph, user["id"], "+14255550127"))
    found = admin_graph.get(f"{NUMBERS}/numberAssignments/14255550127").json()
    assert found["telephoneNumber"] == "+14255550127"
    assert found["assignmentTargetId"] == user["id"]
    assert admin_graph.get(f"{NUMBERS}/numberAssignments/19995550100").status_code == 404


def test_an_unlicensed_user_is_ineligible_only_when_the_client_opts_in(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """accountType is an evolvable enum: ``ineligibleUser`` needs ``Prefer:
    include-unknown-enum-members``, else Graph answers ``unknownFutureValue``."""
    unlicensed = sb.state(tenant)["users"][-1]["id"]
    path = f"/admin/teams/userConfigurations/{unlicensed}"
    assert admin_graph.get(path).json()["accountType"] == "unknownFutureValue"
    opted_in = admin_graph.get(path, headers={"Prefer": "include-unknown-enum-members"})
    assert opted_in.json()["accountType"] == "ineligibleUser"


def test_enterprise_voice_can_be_off_beside_a_number(sb: Harness) -> None:
    """The list example shows a number with ``isEnterpriseVoiceEnabled: false``: a flag of its
    own (seeded so with ``other_provider.enterprise_voice: false``)."""
    tenant = sb.make_tenant(
        users=4, teams_phone_share=1.0, other_provider={"users": 1, "enterprise_voice": False}
    )
    holder = next(iter(sb.state(tenant)["voice"]["users"]))
    graph = sb.graph(tenant)
    user_id = next(u["id"] for u in sb.state(tenant)["users"] if u["userPrincipalName"] == holder)
    config = graph.get(f"/admin/teams/userConfigurations/{user_id}").json()
    assert config["telephoneNumbers"]
    assert config["isEnterpriseVoiceEnabled"] is False


@pytest.mark.parametrize("policy_type", ["TeamsMeetingPolicy", "teamsMeetingBroadcastPolicy"])
def test_the_policy_types_of_microsoft_s_examples_are_assigned(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph, policy_type: str
) -> None:
    """The assign page's examples use these types; the accepted list is undocumented."""
    policy_id = admin_graph.get(
        f"/admin/teams/policy/getPolicyId(type='{policy_type}',name='AllOn')"
    ).json()["value"][0]["policyId"]
    user = _phone_user(sb, tenant)
    response = admin_graph.post(
        "/admin/teams/policy/userAssignments/assign",
        json={"value": [{"userId": user["id"], "policyType": policy_type, "policyId": policy_id}]},
    )
    assert response.status_code == 204, response.text
    assert list(_effective(admin_graph, user["id"]).values()) == ["AllOn"]


def _unassign(graph: Graph, number: str, number_type: str) -> Any:
    return graph.post(
        f"{NUMBERS}/numberAssignments/unassignNumber",
        json={"telephoneNumber": number, "numberType": number_type},
    )


def test_unassigning_with_the_wrong_number_type_fails_the_operation(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """unassignNumber's ``numberType`` identifies the number's type; the order fails."""
    user = _phone_user(sb, tenant)
    _wait(admin_graph, _assign(admin_graph, user["id"], "+14255550128"))
    response = _unassign(admin_graph, "+14255550128", "callingPlan")
    assert response.status_code == 202
    operation = _wait(admin_graph, response.headers["Location"])
    assert operation["status"] == "failed"
    assert "is a directRouting number" in operation["numbers"][0]["statusDetail"]
    assert admin_graph.get(f"{NUMBERS}/numberAssignments/14255550128").status_code == 200


def test_a_calling_plan_number_is_unassigned_as_calling_plan(sb: Harness) -> None:
    """Clients send the number's own type, as CIPP reads it from ``numberAssignments``."""
    tenant = sb.make_tenant(
        users=4, teams_phone_share=1.0, other_provider={"users": 1, "number_type": "callingPlan"}
    )
    graph = sb.graph(tenant)
    number = graph.get(f"{NUMBERS}/numberAssignments").json()["value"][0]
    assert number["numberType"] == "callingPlan"
    response = _unassign(graph, number["telephoneNumber"], "callingPlan")
    assert _wait(graph, response.headers["Location"])["status"] == "succeeded"


def test_a_second_unassign_while_the_first_runs_is_refused(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """F9: one removal of a number at a time; the refusal is at once, 409."""
    user = _phone_user(sb, tenant)
    _wait(admin_graph, _assign(admin_graph, user["id"], "+14255550129"))
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"number_operation_seconds": 20})
    first = _unassign(admin_graph, "+14255550129", "directRouting")
    assert first.status_code == 202
    again = _unassign(admin_graph, "+14255550129", "directRouting")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "Conflict"
    sb.advance_clock(20)
    assert admin_graph.get(first.headers["Location"]).json()["status"] == "succeeded"


def _modified(graph: Graph, user_id: str) -> str:
    modified: str = graph.get(f"/admin/teams/userConfigurations/{user_id}").json()[
        "modifiedDateTime"
    ]
    return modified


def _changed_since(graph: Graph, since: str) -> list[str]:
    listed = graph.get(
        f"/admin/teams/userConfigurations?$top=999&$filter=modifiedDateTime ge {since}"
    ).json()["value"]
    return [c["id"] for c in listed]


def test_a_policy_grant_in_force_moves_the_users_modified_date_time(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """modifiedDateTime is "when the user's details were last modified"; the grant counts
    from when it applies, and the list filters on it."""
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"grant_delay_seconds": 30})
    _routing_policy(sb, tenant)
    policy_id = admin_graph.get(
        "/admin/teams/policy/getPolicyId(type='OnlineVoiceRoutingPolicy',name='Callroute-E164')"
    ).json()["value"][0]["policyId"]
    user = _phone_user(sb, tenant)
    before = _modified(admin_graph, user["id"])
    entry = {
        "@odata.type": "#microsoft.graph.teamsAdministration.teamsPolicyUserAssignment",
        "userId": user["id"],
        "policyType": "OnlineVoiceRoutingPolicy",
        "policyId": policy_id,
    }
    admin_graph.post("/admin/teams/policy/userAssignments/assign", json={"value": [entry]})
    assert _modified(admin_graph, user["id"]) == before

    sb.advance_clock(30)

    after = _modified(admin_graph, user["id"])
    assert after > before
    assert _changed_since(admin_graph, after) == [user["id"]]


def test_a_number_assigned_moves_the_users_modified_date_time(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    user = _phone_user(sb, tenant)
    before = _modified(admin_graph, user["id"])
    sb.advance_clock(1)

    _wait(admin_graph, _assign(admin_graph, user["id"], "+14255550142"))

    after = _modified(admin_graph, user["id"])
    assert after > before
    assert _changed_since(admin_graph, after) == [user["id"]]


def test_a_tenant_can_refuse_a_filter_on_modified_date_time(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """Which properties the list filters on is undocumented: the refusal clients must cope with."""
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"filter_on_modified": False})
    response = admin_graph.get(
        "/admin/teams/userConfigurations?$filter=modifiedDateTime ge 2026-01-01T00:00:00Z"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "Request_UnsupportedQuery"
