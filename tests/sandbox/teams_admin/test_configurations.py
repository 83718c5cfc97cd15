"""Dial plans, voice routing policies and the Global PSTN usage list (voice-api §1.3, §3)."""

from __future__ import annotations

from typing import Any

from tests.support.harness import Graph
from tests.support.teams_admin import properties

CONFIG = "/Skype.Policy/configurations"
E164_RULES = [
    {"Name": "UK-National", "Pattern": r"^0(\d{10})$", "Translation": "+44$1"},
    {"Name": "International", "Pattern": r"^00(\d+)$", "Translation": "+$1"},
]


def _usages(teams: Graph, usages: list[str]) -> None:
    response = teams.put(f"{CONFIG}/OnlinePstnUsages/configuration/Global", json={"Usage": usages})
    assert response.status_code == 200, response.text


def _dial_plan(teams: Graph, name: str = "Callroute-E164", **extra: Any) -> Any:
    return teams.post(
        f"{CONFIG}/TenantDialPlan",
        json={"Identity": name, "NormalizationRules": E164_RULES, **extra},
    )


def test_a_custom_dial_plan_is_stored_as_tag(teams: Graph) -> None:
    """§1.3: custom instances are ``Tag:<name>``; rules keep their fields and order."""
    response = _dial_plan(teams, Description="E.164 normalisation")
    assert response.status_code == 201, response.text
    plan = response.json()
    assert plan["Identity"] == "Tag:Callroute-E164"
    assert plan["SimpleName"] == "Callroute-E164"
    assert [r["Name"] for r in plan["NormalizationRules"]] == ["UK-National", "International"]
    assert plan["NormalizationRules"][0] == {
        "Name": "UK-National",
        "Pattern": r"^0(\d{10})$",
        "Translation": "+44$1",
        "Description": "",
        "IsInternalExtension": False,
        "Priority": 0,
    }
    by_tag = teams.get(f"{CONFIG}/TenantDialPlan/configuration/Tag:Callroute-E164").json()
    by_name = teams.get(f"{CONFIG}/TenantDialPlan/configuration/Callroute-E164").json()
    assert by_tag == by_name == plan


def test_get_lists_every_instance_as_an_array(teams: Graph) -> None:
    """§1.3: ``GET …/{Type}`` returns a JSON array, Global included."""
    _dial_plan(teams)
    identities = [p["Identity"] for p in teams.get(f"{CONFIG}/TenantDialPlan").json()]
    assert identities == ["Global", "Tag:Callroute-E164"]


def test_a_dial_plan_takes_at_most_25_rules(teams: Graph) -> None:
    """§3: plan for 25 rules (the documented Teams limit)."""
    rules = [{"Name": f"R{i}", "Pattern": rf"^{i}$", "Translation": "+1"} for i in range(26)]
    response = teams.post(
        f"{CONFIG}/TenantDialPlan", json={"Identity": "Too-Many", "NormalizationRules": rules}
    )
    assert response.status_code == 400
    assert "25" in response.json()["error"]["message"]
    assert (
        teams.post(
            f"{CONFIG}/TenantDialPlan",
            json={"Identity": "Just-Enough", "NormalizationRules": rules[:25]},
        ).status_code
        == 201
    )


def test_dial_plan_identity_rules(teams: Graph) -> None:
    """§3: ≤49 characters of letters, digits, '-' and '.', not starting with '.'."""
    for bad in (".dot-first", "a" * 50, "space name", "Global"):
        assert teams.post(f"{CONFIG}/TenantDialPlan", json={"Identity": bad}).status_code == 400
    assert teams.post(f"{CONFIG}/TenantDialPlan", json={"Identity": "a" * 49}).status_code == 201


def test_a_rule_with_a_broken_pattern_is_refused(teams: Graph) -> None:
    """§3: rules are regular expressions."""
    response = teams.post(
        f"{CONFIG}/TenantDialPlan",
        json={"Identity": "Broken", "NormalizationRules": [{"Name": "x", "Pattern": "^(\\d+$"}]},
    )
    assert response.status_code == 400


def test_creating_twice_is_a_conflict(teams: Graph) -> None:
    """An identity names one object."""
    _dial_plan(teams)
    response = _dial_plan(teams)
    assert response.status_code == 409


def test_unknown_properties_are_refused(teams: Graph) -> None:
    """Bodies carry the cmdlet parameter names, nothing else."""
    response = _dial_plan(teams, Colour="blue")
    assert response.status_code == 400
    assert "Colour" in response.json()["error"]["message"]


def test_update_replaces_the_rule_list(teams: Graph) -> None:
    """§1.3: ``PUT …/configuration/{Identity}``; lists are replaced whole."""
    _dial_plan(teams)
    response = teams.put(
        f"{CONFIG}/TenantDialPlan/configuration/Tag:Callroute-E164",
        json={"NormalizationRules": E164_RULES[1:], "Description": "only international"},
    )
    assert response.status_code == 200, response.text
    assert [r["Name"] for r in response.json()["NormalizationRules"]] == ["International"]


def test_delete_removes_the_dial_plan_and_its_rules(teams: Graph) -> None:
    """§3: removing a dial plan also removes its normalization rules."""
    _dial_plan(teams)
    assert (
        teams.delete(f"{CONFIG}/TenantDialPlan/configuration/Tag:Callroute-E164").status_code == 204
    )
    assert teams.get(f"{CONFIG}/TenantDialPlan/configuration/Tag:Callroute-E164").status_code == 404


def test_the_global_usage_list_is_one_tenant_wide_list(teams: Graph) -> None:
    """§3: PSTN usages are a single list whose identity is Global."""
    _usages(teams, ["Callroute-E164"])
    body = teams.get(f"{CONFIG}/OnlinePstnUsages").json()
    assert [properties(b) for b in body] == [{"Identity": "Global", "Usage": ["Callroute-E164"]}]
    assert body[0]["Key"]["ScopeClass"] == "Global"
    assert teams.post(f"{CONFIG}/OnlinePstnUsages", json={"Usage": ["x"]}).status_code == 405
    assert teams.get(f"{CONFIG}/OnlinePstnUsages/configuration/Other").status_code == 404


def test_a_policy_needs_its_usages_in_the_global_list(teams: Graph) -> None:
    """§3: each usage "must be an existing usage"."""
    refused = teams.post(
        f"{CONFIG}/OnlineVoiceRoutingPolicy",
        json={"Identity": "Callroute-E164", "OnlinePstnUsages": ["Callroute-E164"]},
    )
    assert refused.status_code == 400
    _usages(teams, ["Callroute-E164"])
    created = teams.post(
        f"{CONFIG}/OnlineVoiceRoutingPolicy",
        json={"Identity": "Callroute-E164", "OnlinePstnUsages": ["Callroute-E164"]},
    )
    assert created.status_code == 201
    assert created.json()["Key"]["ScopeClass"] == "Tag"
    assert properties(created.json()) == {
        "Identity": "Tag:Callroute-E164",
        "OnlinePstnUsages": ["Callroute-E164"],
        "Description": "",
        "RouteType": "BYOT",
    }


def test_the_global_policy_cannot_be_created_again(teams: Graph) -> None:
    """The org-wide default exists already; custom policies are Tag: instances."""
    response = teams.post(f"{CONFIG}/OnlineVoiceRoutingPolicy", json={"Identity": "Global"})
    assert response.status_code == 400


def test_a_usage_named_by_a_policy_cannot_leave_the_list(teams: Graph) -> None:
    """A usage in use cannot be removed."""
    _usages(teams, ["Callroute-E164", "Spare"])
    teams.post(
        f"{CONFIG}/OnlineVoiceRoutingPolicy",
        json={"Identity": "P", "OnlinePstnUsages": ["Callroute-E164"]},
    )
    response = teams.put(
        f"{CONFIG}/OnlinePstnUsages/configuration/Global", json={"Usage": ["Spare"]}
    )
    assert response.status_code == 409
    assert (
        "Can not remove 'OnlinePstnUsage', linked 'OnlineVoiceRoutingPolicy' exists"
        in response.json()["error"]["message"]
    )
    _usages(teams, ["Callroute-E164"])


def test_policy_update_keeps_usage_order(teams: Graph) -> None:
    """§3: usages are applied in order; the order is kept."""
    _usages(teams, ["A", "B"])
    teams.post(
        f"{CONFIG}/OnlineVoiceRoutingPolicy", json={"Identity": "P", "OnlinePstnUsages": ["A"]}
    )
    response = teams.put(
        f"{CONFIG}/OnlineVoiceRoutingPolicy/configuration/Tag:P",
        json={"OnlinePstnUsages": ["B", "A"]},
    )
    assert response.json()["OnlinePstnUsages"] == ["B", "A"]


def test_removing_the_global_policy_resets_it(teams: Graph) -> None:
    """Remove on Global restores its defaults instead of deleting it."""
    _usages(teams, ["A"])
    teams.put(
        f"{CONFIG}/OnlineVoiceRoutingPolicy/configuration/Global", json={"OnlinePstnUsages": ["A"]}
    )
    assert (
        teams.delete(f"{CONFIG}/OnlineVoiceRoutingPolicy/configuration/Global").status_code == 204
    )
    body = teams.get(f"{CONFIG}/OnlineVoiceRoutingPolicy/configuration/Global").json()
    assert body["OnlinePstnUsages"] == []


def test_a_read_modify_write_body_with_the_envelope_is_accepted(teams: Graph) -> None:
    """§1.2 (CIPP): clients send back ``Identity`` and ``Key`` from the object they read."""
    _dial_plan(teams)
    read = teams.get(f"{CONFIG}/TenantDialPlan/configuration/Tag:Callroute-E164").json()
    read["Description"] = "edited"
    response = teams.put(f"{CONFIG}/TenantDialPlan/configuration/Tag:Callroute-E164", json=read)
    assert response.status_code == 200, response.text
    assert response.json()["Description"] == "edited"
