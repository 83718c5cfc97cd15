"""Qualified names of bound actions and functions reach the same handlers as the short ones.

Graph accepts ``microsoft.graph.``-qualified operation names; msgraph-sdk 1.65 sends them
(its request builders under ``msgraph/generated/admin/teams`` and ``users/delta``).
"""

from __future__ import annotations

import pytest

from tests.support.harness import Graph

NUMBERS = "/admin/teams/telephoneNumberManagement/numberAssignments"
POLICY = "/admin/teams/policy"
TEAMS_NS = "microsoft.graph.teamsAdministration."


@pytest.mark.parametrize(
    "short",
    [
        f"{NUMBERS}/assignNumber",
        f"{NUMBERS}/unassignNumber",
        f"{POLICY}/userAssignments/assign",
        f"{POLICY}/userAssignments/unassign",
    ],
)
def test_a_qualified_teams_action_answers_as_its_short_name(admin_graph: Graph, short: str) -> None:
    """The same body gets the same answer (here, the handler's own refusal of an empty body)."""
    head, _, action = short.rpartition("/")
    plain = admin_graph.post(short, json={})
    qualified = admin_graph.post(f"{head}/{TEAMS_NS}{action}", json={})
    assert plain.status_code == qualified.status_code == 400
    assert plain.json()["error"]["message"] == qualified.json()["error"]["message"]
    assert "Resource not found for the segment" not in qualified.text


def test_get_policy_id_answers_under_its_qualified_name(admin_graph: Graph) -> None:
    """``getPolicyId`` as msgraph-sdk writes it."""
    function = "getPolicyId(type='TenantDialPlan',name='Global')"
    plain = admin_graph.get(f"{POLICY}/{function}")
    qualified = admin_graph.get(f"{POLICY}/{TEAMS_NS}{function}")
    assert plain.status_code == qualified.status_code
    assert plain.json().get("value") == qualified.json().get("value")
    assert "Resource not found for the segment" not in qualified.text
