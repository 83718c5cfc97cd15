"""Latency and other knobs of the control API."""

from __future__ import annotations

import time

import pytest

from tests.support.harness import Graph, Harness, SeededTenant


def test_latency_knob_delays_every_graph_call(sb: Harness, admin_graph: Graph) -> None:
    """``latency_ms`` adds at least that much to each answer of the service."""
    sb.control.patch("/knobs", json={"latency_ms": {"graph": 300}})
    started = time.perf_counter()
    assert admin_graph.get("/me").status_code == 200
    assert time.perf_counter() - started >= 0.3


def test_unknown_knobs_are_refused(sb: Harness, tenant: SeededTenant) -> None:
    """A typo in a knob is an error, not a silent no-op."""
    assert sb.control.patch("/knobs", json={"latencyms": 5}).status_code == 400
    assert sb.control.patch("/knobs", json={"latency_ms": {"dns": 5}}).status_code == 400
    assert (
        sb.control.patch(
            f"/tenants/{tenant.id}/knobs", json={"throttling": {"enabled": "yes"}}
        ).status_code
        == 400
    )


def test_tenant_knobs_are_part_of_the_state(sb: Harness, tenant: SeededTenant) -> None:
    """The state read-back shows the tenant's knobs."""
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"consistency_seconds": 5})
    assert sb.state(tenant)["knobs"]["consistency_seconds"] == 5


def test_clock_only_moves_forward(sb: Harness) -> None:
    """The sandbox clock can be advanced, never turned back."""
    assert sb.control.post("/clock", json={"advance": -5}).status_code == 400
    before = sb.control.get("/clock").json()["offset"]
    sb.advance_clock(1)
    assert sb.control.get("/clock").json()["offset"] == before + 1


def test_teams_admin_modes_default_to_the_best_public_evidence(
    sb: Harness, tenant: SeededTenant
) -> None:
    """fidelity-review-2.md F3-F5, F8, F11: go-teams' shapes, 409 refusals, either unassign."""
    knobs = sb.state(tenant)["knobs"]
    assert knobs["teams_admin"] == {
        "create": "post",
        "key": "optional",
        "unassign": "both",
        "refusal_status": 409,
        "users_shape": "assignments",
        "users_casing": "camel",
        "users_paging": "none",
    }
    assert knobs["activation_requires_teams_licence"] is False


def test_teams_admin_modes_change_one_at_a_time(sb: Harness, tenant: SeededTenant) -> None:
    """A partial update leaves the other modes as they were."""
    response = sb.control.patch(
        f"/tenants/{tenant.id}/knobs",
        json={"teams_admin": {"create": "put", "refusal_status": 400}},
    )
    assert response.status_code == 200
    modes = response.json()["teams_admin"]
    assert (modes["create"], modes["refusal_status"], modes["key"]) == ("put", 400, "optional")


@pytest.mark.parametrize(
    "change",
    [
        {"create": "patch"},
        {"refusal_status": 500},
        {"refusal_status": "409"},
        {"users_paging": "link"},
        {"unassign": None},
        {"colour": "blue"},
    ],
)
def test_an_unknown_teams_admin_mode_is_refused(
    sb: Harness, tenant: SeededTenant, change: dict[str, object]
) -> None:
    """Each mode takes one of its listed values; anything else is a 400."""
    response = sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"teams_admin": change})
    assert response.status_code == 400
    assert sb.state(tenant)["knobs"]["teams_admin"]["create"] == "post"
