"""Per-user grants (voice-api §1.3 Grant-Cs*): ``PATCH /Skype.Policy/users/{user}/policies/{Type}``
with ``{"PolicyName": …}``, applied asynchronously; which name unassigns is the tenant's
``teams_admin.unassign`` knob (fidelity-review-2.md F11)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.harness import Graph, Harness, SeededTenant

CONFIG = "/Skype.Policy/configurations"
POLICY = f"{CONFIG}/OnlineVoiceRoutingPolicy/configuration/Tag:Callroute-E164"


def _policy(teams: Graph) -> None:
    teams.put(f"{CONFIG}/OnlinePstnUsages/configuration/Global", json={"Usage": ["U"]})
    assert (
        teams.post(
            f"{CONFIG}/OnlineVoiceRoutingPolicy",
            json={"Identity": "Callroute-E164", "OnlinePstnUsages": ["U"]},
        ).status_code
        == 201
    )


def _grant_path(sb: Harness, tenant: SeededTenant) -> str:
    upn = sb.state(tenant)["users"][5]["userPrincipalName"]
    return f"/Skype.Policy/users/{upn}/policies/OnlineVoiceRoutingPolicy"


def test_a_grant_applies_after_the_delay(sb: Harness, tenant: SeededTenant, teams: Graph) -> None:
    """§1.3: ``PATCH …/users/{user}/policies/{Type}`` with ``PolicyName``; asynchronous."""
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"grant_delay_seconds": 40})
    _policy(teams)
    path = _grant_path(sb, tenant)
    assert teams.patch(path, json={"PolicyName": "Callroute-E164"}).status_code == 204
    assert teams.get(path).json() == {"PolicyName": "Global"}
    sb.advance_clock(40)
    assert teams.get(path).json() == {"PolicyName": "Callroute-E164"}


@pytest.mark.parametrize("unassign", ["", None])
def test_by_default_an_empty_or_null_name_unassigns(
    sb: Harness, tenant: SeededTenant, teams: Graph, unassign: str | None
) -> None:
    """Cmdlets document $null, terraform sends ""; the batch cmdlet takes either."""
    _policy(teams)
    path = _grant_path(sb, tenant)
    teams.patch(path, json={"PolicyName": "Callroute-E164"})
    assert teams.patch(path, json={"PolicyName": unassign}).status_code == 204
    assert teams.get(path).json() == {"PolicyName": "Global"}


def test_in_empty_mode_null_is_refused(
    sb: Harness, tenant: SeededTenant, teams: Graph, modes: Callable[..., None]
) -> None:
    """``unassign: empty``: only ``""`` unassigns; ``null`` is a 400 and changes nothing."""
    modes(unassign="empty")
    _policy(teams)
    path = _grant_path(sb, tenant)
    teams.patch(path, json={"PolicyName": "Callroute-E164"})
    refused = teams.patch(path, json={"PolicyName": None})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "BadRequest"
    assert teams.get(path).json() == {"PolicyName": "Callroute-E164"}
    assert teams.patch(path, json={"PolicyName": ""}).status_code == 204
    assert teams.get(path).json() == {"PolicyName": "Global"}


def test_in_null_mode_an_empty_name_is_refused(
    sb: Harness, tenant: SeededTenant, teams: Graph, modes: Callable[..., None]
) -> None:
    """``unassign: null``: only ``null`` unassigns; ``""`` is a 400 and changes nothing."""
    modes(unassign="null")
    _policy(teams)
    path = _grant_path(sb, tenant)
    teams.patch(path, json={"PolicyName": "Callroute-E164"})
    assert teams.patch(path, json={"PolicyName": ""}).status_code == 400
    assert teams.get(path).json() == {"PolicyName": "Callroute-E164"}
    assert teams.patch(path, json={"PolicyName": None}).status_code == 204
    assert teams.get(path).json() == {"PolicyName": "Global"}


def test_a_grant_without_a_policy_name_is_a_400(
    sb: Harness, tenant: SeededTenant, teams: Graph
) -> None:
    """The body names the policy, or null/"" to unassign; an empty object is malformed."""
    assert teams.patch(_grant_path(sb, tenant), json={}).status_code == 400


def test_granting_an_unknown_policy_is_404(sb: Harness, tenant: SeededTenant, teams: Graph) -> None:
    """The policy must exist."""
    assert teams.patch(_grant_path(sb, tenant), json={"PolicyName": "Nope"}).status_code == 404


def test_granting_to_an_unknown_user_is_404(teams: Graph) -> None:
    """The user must exist ("User does not exist", office-docs-powershell#8930)."""
    response = teams.patch(
        "/Skype.Policy/users/ghost@nowhere.example/policies/TenantDialPlan",
        json={"PolicyName": ""},
    )
    assert response.status_code == 404
    assert "does not exist" in response.json()["error"]["message"]


def test_a_policy_in_force_for_a_user_cannot_be_removed(
    sb: Harness, tenant: SeededTenant, teams: Graph
) -> None:
    """Unassign first; the refusal is a 409 in Microsoft's words for assigned policies."""
    _policy(teams)
    path = _grant_path(sb, tenant)
    teams.patch(path, json={"PolicyName": "Callroute-E164"})
    refused = teams.delete(POLICY)
    assert refused.status_code == 409
    assert refused.json()["error"] == {
        "code": "Conflict",
        "message": 'The policy "Callroute-E164" is currently assigned to one or more users. '
        "Assign a different policy to the users before removing this one. "
        "Please refer to documentation.",
        "correlationId": refused.headers["x-ms-correlation-id"],
    }
    teams.patch(path, json={"PolicyName": None})
    assert teams.delete(POLICY).status_code == 204


def _slow_grants(sb: Harness) -> tuple[SeededTenant, Graph, str]:
    tenant = sb.make_tenant(users=8, teams_phone_share=0.5)
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"grant_delay_seconds": 40})
    teams = sb.teams(tenant)
    _policy(teams)
    return tenant, teams, _grant_path(sb, tenant)


def test_a_policy_whose_unassignment_is_pending_cannot_be_removed_yet(
    private_sandbox: Harness,
) -> None:
    """F7: a queued unassignment does not count until it applies (~30-45 s, go-teams)."""
    sb = private_sandbox
    _tenant, teams, path = _slow_grants(sb)
    teams.patch(path, json={"PolicyName": "Callroute-E164"})
    sb.advance_clock(40)
    teams.patch(path, json={"PolicyName": None})
    assert teams.delete(POLICY).status_code == 409
    sb.advance_clock(40)
    assert teams.delete(POLICY).status_code == 204


def test_a_policy_whose_assignment_is_pending_can_be_removed(private_sandbox: Harness) -> None:
    """F7: a queued grant is not in force, so it does not hold the policy."""
    sb = private_sandbox
    _tenant, teams, path = _slow_grants(sb)
    teams.patch(path, json={"PolicyName": "Callroute-E164"})
    assert teams.delete(POLICY).status_code == 204


def test_a_pending_grant_of_a_removed_policy_never_applies(private_sandbox: Harness) -> None:
    """A grant queued for a policy removed meanwhile leaves the user on what was in force."""
    sb = private_sandbox
    _tenant, teams, path = _slow_grants(sb)
    teams.patch(path, json={"PolicyName": "Callroute-E164"})
    teams.delete(POLICY)
    sb.advance_clock(40)
    assert teams.get(path).json() == {"PolicyName": "Global"}
