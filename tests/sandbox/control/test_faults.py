"""Injected failures: by rate with a seed, or "fail the Nth call to X"."""

from __future__ import annotations

import httpx
import pytest

from tests.support.harness import Graph, Harness, SeededTenant, user_body


def test_fail_the_nth_call_to_an_operation(sb: Harness, admin_graph: Graph) -> None:
    """The third ``users.get`` fails with 503 and ``Retry-After``; the others succeed."""
    sb.add_fault(service="graph", operation="users.get", nth=3, kind="503", retry_after=7)
    statuses = [
        admin_graph.get("/users/" + admin_graph_upn(sb, admin_graph)).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 503, 200]


def admin_graph_upn(sb: Harness, graph: Graph) -> str:
    """The signed-in admin's UPN (without counting as a ``users.get``)."""
    upn: str = graph.get("/me").json()["userPrincipalName"]
    return upn


def test_503_has_graph_s_error_shape_and_retry_after(sb: Harness, admin_graph: Graph) -> None:
    """Injected status errors look like Graph's own."""
    sb.add_fault(service="graph", operation="organization.list", nth=1, kind="503", retry_after=4)
    response = admin_graph.get("/organization")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "4"
    assert response.json()["error"]["code"] == "serviceNotAvailable"


def test_429_fault_carries_retry_after(sb: Harness, admin_graph: Graph) -> None:
    """An injected 429 is ``TooManyRequests`` with ``Retry-After``."""
    sb.add_fault(service="graph", nth=1, kind="429", retry_after=2)
    response = admin_graph.get("/me")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "TooManyRequests"
    assert response.headers["Retry-After"] == "2"


def test_rate_faults_are_reproducible_with_a_seed(sb: Harness, admin_graph: Graph) -> None:
    """The same seed fails the same calls."""
    outcomes = []
    for _ in range(2):
        rule = sb.add_fault(service="graph", operation="me.get", rate=0.3, seed=42, kind="500")
        outcomes.append([admin_graph.get("/me").status_code for _ in range(30)])
        sb.control.delete(f"/faults/{rule['id']}")
    assert outcomes[0] == outcomes[1]
    assert 3 <= outcomes[0].count(500) <= 18


def test_fault_counters_are_visible(sb: Harness, admin_graph: Graph) -> None:
    """The control API shows how often a rule matched and fired."""
    rule = sb.add_fault(service="graph", operation="me.get", nth=2, times=2, kind="500")
    [admin_graph.get("/me") for _ in range(5)]
    listed = next(r for r in sb.control.get("/faults").json()["faults"] if r["id"] == rule["id"])
    assert (listed["matched"], listed["fired"]) == (5, 2)


def test_reset_drops_the_connection(sb: Harness, admin_graph: Graph) -> None:
    """A reset: the client sees the connection closed without an answer."""
    sb.add_fault(service="graph", operation="me.get", nth=1, kind="reset")
    with pytest.raises(httpx.TransportError):
        admin_graph.get("/me")
    assert admin_graph.get("/me").status_code == 200


def test_timeout_hangs_until_the_client_gives_up(sb: Harness, admin_graph: Graph) -> None:
    """A timeout: no answer within the client's patience."""
    sb.control.patch("/knobs", json={"timeout_seconds": 2})
    sb.add_fault(service="graph", operation="me.get", nth=1, kind="timeout")
    with pytest.raises(httpx.TimeoutException):
        admin_graph.get("/me", timeout=0.5)
    assert admin_graph.get("/me").status_code == 200


def test_a_fault_after_the_work_loses_only_the_answer(
    sb: Harness, admin_graph: Graph, tenant: SeededTenant
) -> None:
    """``when: after``: the user is created, but the caller never hears so."""
    sb.add_fault(service="graph", operation="users.create", nth=1, kind="reset", when="after")
    with pytest.raises(httpx.TransportError):
        admin_graph.post(
            "/users",
            json=user_body(tenant.upn("ghostly")),
        )
    assert admin_graph.get(f"/users/{tenant.upn('ghostly')}").status_code == 200


def test_faults_can_target_one_tenant(sb: Harness, tenant: SeededTenant) -> None:
    """A rule with ``tenant`` leaves other tenants alone."""
    other = sb.make_tenant()
    graph, other_graph = sb.graph(tenant), sb.graph(other)
    sb.add_fault(service="graph", tenant=tenant.id, rate=1.0, kind="503")
    assert graph.get("/me").status_code == 503
    assert other_graph.get("/me").status_code == 200


def test_faults_apply_to_the_token_endpoint(sb: Harness, tenant: SeededTenant) -> None:
    """Entra can fail too: its 503 uses Entra's JSON error shape."""
    sb.add_fault(service="entra", operation="token", nth=1, kind="503")
    response = sb.entra.app_token(tenant.id)
    assert response.status_code == 503
    assert response.json()["error"] == "temporarily_unavailable"
    assert sb.entra.app_token(tenant.id).status_code == 200


def test_invalid_fault_rules_are_refused(sb: Harness) -> None:
    """A rule needs a known kind and exactly one of ``rate`` or ``nth``."""
    assert sb.control.post("/faults", json={"kind": "418", "nth": 1}).status_code == 400
    assert sb.control.post("/faults", json={"kind": "503"}).status_code == 400
    assert (
        sb.control.post("/faults", json={"kind": "503", "nth": 1, "rate": 0.5}).status_code == 400
    )
    assert sb.control.post("/faults", json={"kind": "503", "rate": 2}).status_code == 400
