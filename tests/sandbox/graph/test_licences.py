"""``POST /users/{id}/assignLicense`` (research/graph-entra.md §3.5)."""

from __future__ import annotations

from typing import Any

from tests.support.harness import Graph, Harness, SeededTenant, user_body

MCOSTANDARD = "d42c793f-6c78-4f43-92ca-e8f6a02b035f"
MCOEV = "e43b5b99-8dfb-405f-9987-dc307f34bcbd"
E5 = "c7df2760-2c81-4ef7-b578-5b5392b571df"
MCOSTANDARD_PLAN = "0feaeb32-d00e-4d66-bd5a-43b5b83db82c"
MCOEV_PLAN = "4828c8ec-dc2e-4779-b502-87ac9ce28ab7"


def _user(graph: Graph, tenant: SeededTenant, local: str, **extra: Any) -> str:
    response = graph.post("/users", json=user_body(tenant.upn(local), **extra))
    assert response.status_code == 201, response.text
    user_id: str = response.json()["id"]
    return user_id


def _assign(graph: Graph, user: str, add: list[str], remove: list[str] | None = None) -> Any:
    return graph.post(
        f"/users/{user}/assignLicense",
        json={
            "addLicenses": [{"skuId": s, "disabledPlans": []} for s in add],
            "removeLicenses": remove or [],
        },
    )


def test_assign_license_consumes_a_seat_and_enables_its_plans(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """§3.5: 200 with the user; the plan shows in ``assignedPlans``; one seat fewer."""
    user = _user(admin_graph, tenant, "gateway", usageLocation="GB")
    response = _assign(admin_graph, user, [MCOSTANDARD])
    assert response.status_code == 200, response.text
    assert response.json()["id"] == user
    plans = admin_graph.get(f"/users/{user}?$select=assignedPlans").json()["assignedPlans"]
    assert [p["servicePlanId"] for p in plans] == [MCOSTANDARD_PLAN]
    assert plans[0]["capabilityStatus"] == "Enabled"
    sku = next(
        s for s in admin_graph.get("/subscribedSkus").json()["value"] if s["skuId"] == MCOSTANDARD
    )
    assert sku["prepaidUnits"]["enabled"] == sku["consumedUnits"]


def test_assign_license_needs_a_usage_location(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.5: "License assignment cannot be done for user with invalid usage location."."""
    user = _user(admin_graph, tenant, "nolocation")
    response = _assign(admin_graph, user, [MCOSTANDARD])
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "License assignment cannot be done for user with invalid usage location."
    )


def test_assign_license_without_free_seats_is_refused(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """§3.5 and §4: the last seat taken → "does not have any available licenses"."""
    first = _user(admin_graph, tenant, "first", usageLocation="US")
    second = _user(admin_graph, tenant, "second", usageLocation="US")
    assert _assign(admin_graph, first, [MCOSTANDARD]).status_code == 200
    response = _assign(admin_graph, second, [MCOSTANDARD])
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == (
        f"Subscription with SKU {MCOSTANDARD} does not have any available licenses."
    )
    assert error["details"][0]["code"] == "CountViolation"
    assert (
        admin_graph.get(f"/users/{second}?$select=assignedLicenses").json()["assignedLicenses"]
        == []
    )


def test_removing_a_license_frees_its_seat(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.5: ``removeLicenses`` returns the seat to the pool."""
    first = _user(admin_graph, tenant, "first", usageLocation="US")
    second = _user(admin_graph, tenant, "second", usageLocation="US")
    _assign(admin_graph, first, [MCOSTANDARD])
    assert _assign(admin_graph, first, [], [MCOSTANDARD]).status_code == 200
    assert _assign(admin_graph, second, [MCOSTANDARD]).status_code == 200


def test_service_plan_dependencies_are_enforced(sb: Harness) -> None:
    """§3.5: MCOEV (Teams Phone) alone fails: it depends on a Teams or SfB plan."""
    tenant = sb.make_tenant(free_seats={"MCOEV": 2, "MCOSTANDARD": 1})
    graph = sb.graph(tenant)
    user = _user(graph, tenant, "phone", usageLocation="US")
    response = _assign(graph, user, [MCOEV])
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith(
        f"License assignment failed because service plan {MCOEV_PLAN} depends on the service "
        "plan(s)"
    )
    assert response.json()["error"]["details"][0]["code"] == "DependencyViolation"
    assert _assign(graph, user, [MCOEV, MCOSTANDARD]).status_code == 200


def test_unknown_sku_is_refused(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.5: "License {skuId} does not correspond to a valid company License."."""
    user = _user(admin_graph, tenant, "u1", usageLocation="US")
    response = _assign(admin_graph, user, [MCOEV])
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        f"License {MCOEV} does not correspond to a valid company License."
    )


def test_remove_licenses_must_be_present(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.5: send ``removeLicenses: []`` explicitly; omitting it is a 400."""
    user = _user(admin_graph, tenant, "u2", usageLocation="US")
    response = admin_graph.post(
        f"/users/{user}/assignLicense", json={"addLicenses": [{"skuId": MCOSTANDARD}]}
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "One or more parameters of the operation 'assignLicense' are missing from the request "
        "payload. The missing parameters are: removeLicenses."
    )


def test_disabled_plans_are_left_out_of_assigned_plans(
    admin_graph: Graph, tenant: SeededTenant, sb: Harness
) -> None:
    """§3.5: ``disabledPlans`` switches plans of a SKU off for that user."""
    user = next(u for u in sb.state(tenant)["users"] if "ENTERPRISEPREMIUM" in u["licenses"])
    response = admin_graph.post(
        f"/users/{user['id']}/assignLicense",
        json={"addLicenses": [{"skuId": E5, "disabledPlans": [MCOEV_PLAN]}], "removeLicenses": []},
    )
    assert response.status_code == 200, response.text
    plans = admin_graph.get(f"/users/{user['id']}?$select=assignedPlans").json()["assignedPlans"]
    assert MCOEV_PLAN not in {p["servicePlanId"] for p in plans}


def test_licence_administrators_may_assign(sb: Harness, tenant: SeededTenant) -> None:
    """§3.5: License Administrator is enough for ``assignLicense``."""
    admin_graph = sb.graph(tenant)
    target = _user(admin_graph, tenant, "target", usageLocation="US")
    upn = sb.state(tenant)["users"][-1]["userPrincipalName"]
    sb.control.patch(f"/tenants/{tenant.id}/users/{upn}", json={"roles": ["Teams Administrator"]})
    graph = sb.graph(tenant, upn)
    assert _assign(graph, target, [MCOSTANDARD]).status_code == 403
    sb.control.patch(f"/tenants/{tenant.id}/users/{upn}", json={"roles": ["License Administrator"]})
    assert _assign(graph, target, [MCOSTANDARD]).status_code == 200
