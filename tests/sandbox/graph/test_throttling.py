"""Throttling per application and tenant: 429 with ``Retry-After`` (graph-entra.md §3.8)."""

from __future__ import annotations

from tests.support.harness import Graph, Harness, SeededTenant


def test_exceeding_the_resource_unit_budget_is_429_with_retry_after(
    sb: Harness, tenant: SeededTenant
) -> None:
    """§3.8: ``TooManyRequests``, ``Retry-After`` and the throttle scope headers."""
    sb.control.patch(
        f"/tenants/{tenant.id}/knobs", json={"throttling": {"resource_units_per_10s": 10}}
    )
    graph = sb.graph(tenant)
    # GET /users costs 2 resource units: five fit in a budget of ten, the sixth does not.
    assert [graph.get("/users").status_code for _ in range(5)] == [200] * 5
    response = graph.get("/users")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "TooManyRequests"
    assert int(response.headers["Retry-After"]) >= 1
    assert (
        response.headers["x-ms-throttle-scope"]
        == f"Tenant_Application/ReadWrite/0b7c4a3e-1d2f-4e5a-9b8c-7d6e5f4a3b2c/{tenant.id}"
    )
    assert response.headers["x-ms-throttle-information"] == "ResourceUnitLimitExceeded"


def test_the_budget_refills_over_time(sb: Harness, tenant: SeededTenant) -> None:
    """§3.8: a token bucket: after ``Retry-After`` seconds the caller may go on."""
    sb.control.patch(
        f"/tenants/{tenant.id}/knobs", json={"throttling": {"resource_units_per_10s": 2}}
    )
    graph = sb.graph(tenant)
    assert graph.get("/organization").status_code == 200
    assert graph.get("/organization").status_code == 200
    throttled = graph.get("/organization")
    assert throttled.status_code == 429
    sb.advance_clock(float(throttled.headers["Retry-After"]))
    assert graph.get("/organization").status_code == 200


def test_each_request_reports_its_cost(admin_graph: Graph) -> None:
    """§3.8: ``x-ms-resource-unit`` (GET users 2, ``$select`` −1, ``$top`` < 20 −1, SKUs 3)."""
    assert admin_graph.get("/users").headers["x-ms-resource-unit"] == "2"
    assert admin_graph.get("/users?$select=id").headers["x-ms-resource-unit"] == "1"
    assert admin_graph.get("/users?$select=id&$top=5").headers["x-ms-resource-unit"] == "1"
    assert admin_graph.get("/subscribedSkus").headers["x-ms-resource-unit"] == "3"


def test_writes_have_their_own_limit(sb: Harness, tenant: SeededTenant) -> None:
    """§3.8: writes are limited separately (``WriteLimitExceeded``)."""
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"throttling": {"writes_per_150s": 2}})
    graph = sb.graph(tenant)
    for i in range(2):
        assert graph.patch(f"/users/{tenant.admin}", json={"jobTitle": f"t{i}"}).status_code == 204
    response = graph.patch(f"/users/{tenant.admin}", json={"jobTitle": "t3"})
    assert response.status_code == 429
    assert response.headers["x-ms-throttle-information"] == "WriteLimitExceeded"
    assert graph.get("/me").status_code == 200


def test_throttling_is_per_tenant(sb: Harness, tenant: SeededTenant) -> None:
    """§3.8: the budget belongs to the app-and-tenant pair; other tenants are unaffected."""
    sb.control.patch(
        f"/tenants/{tenant.id}/knobs", json={"throttling": {"resource_units_per_10s": 1}}
    )
    graph = sb.graph(tenant)
    graph.get("/organization")
    assert graph.get("/organization").status_code == 429
    other = sb.graph(sb.make_tenant())
    assert other.get("/organization").status_code == 200


def test_throttling_can_be_switched_off(sb: Harness, tenant: SeededTenant) -> None:
    """§3.8: The knob for benchmarks: no bucket at all."""
    sb.control.patch(
        f"/tenants/{tenant.id}/knobs",
        json={"throttling": {"enabled": False, "resource_units_per_10s": 1}},
    )
    graph = sb.graph(tenant)
    assert all(graph.get("/organization").status_code == 200 for _ in range(5))
