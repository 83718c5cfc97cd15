"""The undocumented write alternatives of ``/Skype.Policy/configurations`` (fidelity-review-2.md
F4, F5): how instances are created (``teams_admin.create``), whether updates carry the ``Key``
(``teams_admin.key``), and the status of dependency refusals (``teams_admin.refusal_status``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.harness import Graph, Harness, SeededTenant

CONFIG = "/Skype.Policy/configurations"
PLAN = f"{CONFIG}/TenantDialPlan/configuration/Tag:Callroute-E164"
RULES = [{"Name": "International", "Pattern": r"^00(\d+)$", "Translation": "+$1"}]


def _usages(teams: Graph, usages: list[str]) -> None:
    response = teams.put(f"{CONFIG}/OnlinePstnUsages/configuration/Global", json={"Usage": usages})
    assert response.status_code == 200, response.text


# ------------------------------------------------------------------------------ create


def test_by_default_a_put_to_a_missing_identity_is_404(teams: Graph) -> None:
    """go-teams creates with POST; a PUT is ``Set-Cs…`` and needs the instance."""
    assert teams.put(PLAN, json={"NormalizationRules": RULES}).status_code == 404
    assert teams.get(PLAN).status_code == 404


def test_in_put_mode_post_to_the_collection_is_405(
    teams: Graph, modes: Callable[..., None]
) -> None:
    """``create: put``: the collection takes GET only, so POST is MethodNotAllowed."""
    modes(create="put")
    response = teams.post(f"{CONFIG}/TenantDialPlan", json={"Identity": "Callroute-E164"})
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
    assert response.json()["error"]["code"] == "MethodNotAllowed"
    assert teams.get(PLAN).status_code == 404


def test_in_put_mode_a_put_to_a_missing_identity_creates_it(
    teams: Graph, modes: Callable[..., None]
) -> None:
    """CIPP ``New-TeamsRequestV2.ps1``: PUT ``{"Identity": …}`` to ``…/configuration/{Id}``."""
    modes(create="put")
    response = teams.put(
        f"{CONFIG}/TenantDialPlan/configuration/Callroute-E164",
        json={"Identity": "Callroute-E164", "NormalizationRules": RULES},
    )
    assert response.status_code == 201, response.text
    assert response.json()["Identity"] == "Tag:Callroute-E164"
    assert teams.get(PLAN).json()["NormalizationRules"][0]["Name"] == "International"


def test_in_put_mode_a_put_to_an_existing_identity_updates_it(
    teams: Graph, modes: Callable[..., None]
) -> None:
    """The same verb updates once the instance exists: 200 with the instance."""
    modes(create="put")
    teams.put(PLAN, json={"NormalizationRules": RULES})
    response = teams.put(PLAN, json={"Description": "edited"})
    assert response.status_code == 200
    assert response.json()["Description"] == "edited"


def test_in_put_mode_a_policy_and_a_route_are_created_by_put(
    teams: Graph, modes: Callable[..., None]
) -> None:
    """Every type is created at its identity; the body may leave the identity out."""
    modes(create="put")
    _usages(teams, ["U"])
    policy = teams.put(
        f"{CONFIG}/OnlineVoiceRoutingPolicy/configuration/Tag:Callroute-E164",
        json={"OnlinePstnUsages": ["U"]},
    )
    assert policy.status_code == 201, policy.text
    assert policy.json()["Identity"] == "Tag:Callroute-E164"
    route = teams.put(
        f"{CONFIG}/OnlineVoiceRoute/configuration/Callroute-E164",
        json={"NumberPattern": r"^\+\d+$", "OnlinePstnUsages": ["U"]},
    )
    assert route.status_code == 201, route.text
    assert route.json()["Identity"] == "Callroute-E164"


def test_in_put_mode_a_gateway_is_created_at_its_fqdn(
    teams: Graph, modes: Callable[..., None], sbc_domain: Callable[..., str]
) -> None:
    """A gateway's identity is its FQDN (New-CsOnlinePSTNGateway.md)."""
    modes(create="put")
    fqdn = sbc_domain()
    response = teams.put(
        f"{CONFIG}/OnlinePSTNGateway/configuration/{fqdn}", json={"SipSignalingPort": 5061}
    )
    assert response.status_code == 201, response.text
    assert response.json()["Fqdn"] == fqdn


def test_in_put_mode_a_body_naming_another_identity_is_refused(
    teams: Graph, modes: Callable[..., None]
) -> None:
    """The path names the instance; a body that disagrees is a 400 and creates nothing."""
    modes(create="put")
    response = teams.put(PLAN, json={"Identity": "Other"})
    assert response.status_code == 400
    assert teams.get(PLAN).status_code == 404


# --------------------------------------------------------------------------------- Key


def test_with_key_required_a_bare_update_is_refused(
    teams: Graph, modes: Callable[..., None]
) -> None:
    """``key: required``: an update without the instance's ``Key`` is a 400, nothing changes."""
    teams.post(f"{CONFIG}/TenantDialPlan", json={"Identity": "Callroute-E164"})
    modes(key="required")
    response = teams.put(PLAN, json={"Description": "edited"})
    assert response.status_code == 400
    assert "Key" in response.json()["error"]["message"]
    assert teams.get(PLAN).json()["Description"] == ""


def test_with_key_required_a_read_modify_write_succeeds(
    teams: Graph, modes: Callable[..., None]
) -> None:
    """CIPP's Set: read the instance, send ``Identity``, its ``Key`` and the changes."""
    teams.post(f"{CONFIG}/TenantDialPlan", json={"Identity": "Callroute-E164"})
    modes(key="required")
    key = teams.get(PLAN).json()["Key"]
    response = teams.put(
        PLAN, json={"Identity": "Tag:Callroute-E164", "Key": key, "Description": "edited"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["Description"] == "edited"


def test_with_key_required_a_key_of_another_instance_is_refused(
    teams: Graph, modes: Callable[..., None]
) -> None:
    """The ``Key`` must be the one the instance's GET returned."""
    teams.post(f"{CONFIG}/TenantDialPlan", json={"Identity": "Callroute-E164"})
    modes(key="required")
    other = teams.get(f"{CONFIG}/OnlineVoiceRoutingPolicy/configuration/Global").json()["Key"]
    assert teams.put(PLAN, json={"Key": other, "Description": "x"}).status_code == 400


def test_with_key_required_the_global_usage_list_needs_its_key(
    teams: Graph, modes: Callable[..., None]
) -> None:
    """The Global OnlinePstnUsages instance is updated like any other."""
    modes(key="required")
    path = f"{CONFIG}/OnlinePstnUsages/configuration/Global"
    assert teams.put(path, json={"Usage": ["U"]}).status_code == 400
    key = teams.get(path).json()["Key"]
    assert teams.put(path, json={"Key": key, "Usage": ["U"]}).status_code == 200


def test_with_key_required_a_put_create_needs_no_key(
    teams: Graph, modes: Callable[..., None]
) -> None:
    """There is nothing to read before a create, so only updates need the ``Key``."""
    modes(create="put", key="required")
    assert teams.put(PLAN, json={"NormalizationRules": RULES}).status_code == 201


# ---------------------------------------------------------------------------- refusals


def _assigned(sb: Harness, tenant: SeededTenant, teams: Graph, kind: str) -> str:
    _usages(teams, ["U"])
    body: dict[str, object] = {"Identity": "Callroute-E164"}
    if kind == "OnlineVoiceRoutingPolicy":
        body["OnlinePstnUsages"] = ["U"]
    assert teams.post(f"{CONFIG}/{kind}", json=body).status_code == 201
    upn = sb.state(tenant)["users"][5]["userPrincipalName"]
    teams.patch(f"/Skype.Policy/users/{upn}/policies/{kind}", json={"PolicyName": "Callroute-E164"})
    return f"{CONFIG}/{kind}/configuration/Tag:Callroute-E164"


@pytest.mark.parametrize("kind", ["OnlineVoiceRoutingPolicy", "TenantDialPlan"])
def test_removing_an_assigned_policy_is_a_409_by_default(
    sb: Harness, tenant: SeededTenant, teams: Graph, kind: str
) -> None:
    """F4: policies and dial plans in force for users cannot be removed."""
    response = teams.delete(_assigned(sb, tenant, teams, kind))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "Conflict"


@pytest.mark.parametrize("kind", ["OnlineVoiceRoutingPolicy", "TenantDialPlan"])
def test_removing_an_assigned_policy_can_be_a_400(
    sb: Harness, tenant: SeededTenant, teams: Graph, modes: Callable[..., None], kind: str
) -> None:
    """``refusal_status: 400``: same words, BadRequest."""
    modes(refusal_status=400)
    response = teams.delete(_assigned(sb, tenant, teams, kind))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BadRequest"
    assert "is currently assigned to one or more users" in response.json()["error"]["message"]


def test_removing_a_linked_gateway_can_be_a_400(
    teams: Graph, modes: Callable[..., None], sbc_domain: Callable[..., str]
) -> None:
    """``refusal_status: 400``: Microsoft's wording is kept."""
    modes(refusal_status=400)
    fqdn = sbc_domain()
    teams.post(f"{CONFIG}/OnlinePSTNGateway", json={"Fqdn": fqdn, "SipSignalingPort": 5061})
    _usages(teams, ["U"])
    teams.post(
        f"{CONFIG}/OnlineVoiceRoute",
        json={"Identity": "R", "OnlinePstnGatewayList": [fqdn], "OnlinePstnUsages": ["U"]},
    )
    response = teams.delete(f"{CONFIG}/OnlinePSTNGateway/configuration/{fqdn}")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "BadRequest",
        "message": "Can not remove 'OnlinePSTNGateway', linked 'OnlineVoiceRoute' exists. "
        "Use 'Remove-CsOnlineVoiceRoute'",
        "correlationId": response.headers["x-ms-correlation-id"],
    }


def test_removing_a_usage_in_use_can_be_a_400(teams: Graph, modes: Callable[..., None]) -> None:
    """``refusal_status: 400`` applies to the Global usage list too."""
    modes(refusal_status=400)
    _usages(teams, ["U"])
    teams.post(
        f"{CONFIG}/OnlineVoiceRoutingPolicy", json={"Identity": "P", "OnlinePstnUsages": ["U"]}
    )
    response = teams.put(f"{CONFIG}/OnlinePstnUsages/configuration/Global", json={"Usage": []})
    assert response.status_code == 400
    assert "linked 'OnlineVoiceRoutingPolicy' exists" in response.json()["error"]["message"]


def test_a_duplicate_create_stays_a_409(teams: Graph, modes: Callable[..., None]) -> None:
    """``refusal_status`` is about dependencies; an identity taken twice is still a conflict."""
    modes(refusal_status=400)
    teams.post(f"{CONFIG}/TenantDialPlan", json={"Identity": "Callroute-E164"})
    assert (
        teams.post(f"{CONFIG}/TenantDialPlan", json={"Identity": "Callroute-E164"}).status_code
        == 409
    )
