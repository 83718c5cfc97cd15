"""Listing users: $select, $filter, $top, $count and paging (research/graph-entra.md §3.6)."""

from __future__ import annotations

from tests.support.harness import Graph, Harness, SeededTenant, user_body

E5 = "c7df2760-2c81-4ef7-b578-5b5392b571df"
MCOEV_PLAN = "4828c8ec-dc2e-4779-b502-87ac9ce28ab7"
EVENTUAL = {"ConsistencyLevel": "eventual"}


def test_default_page_is_100_with_a_next_link(sb: Harness) -> None:
    """§3.6: default page 100; follow ``@odata.nextLink``."""
    tenant = sb.make_tenant(users=150)
    body = sb.graph(tenant).get("/users").json()
    assert len(body["value"]) == 100
    assert body["@odata.nextLink"].startswith(sb.endpoints.graph + "/users?")
    assert "$skiptoken=" in body["@odata.nextLink"]


def test_top_above_999_is_refused_with_graph_s_message(admin_graph: Graph) -> None:
    """§3.6: "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive."."""
    response = admin_graph.get("/users?$top=1000")
    assert response.status_code == 400
    assert response.json()["error"] == {
        **response.json()["error"],
        "code": "Request_UnsupportedQuery",
        "message": "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    }


def test_select_returns_licence_properties(admin_graph: Graph) -> None:
    """§3.6: ``assignedLicenses`` and ``assignedPlans`` come only with ``$select``."""
    plain = admin_graph.get("/users?$top=1").json()["value"][0]
    assert "assignedPlans" not in plain
    selected = admin_graph.get(
        "/users?$select=id,userPrincipalName,assignedLicenses,assignedPlans&$top=40"
    ).json()["value"]
    plan = next(p for u in selected for p in u["assignedPlans"])
    assert set(plan) == {"assignedDateTime", "capabilityStatus", "service", "servicePlanId"}
    assert set(selected[0]) == {"id", "userPrincipalName", "assignedLicenses", "assignedPlans"}


def test_select_of_an_unknown_property_is_refused(admin_graph: Graph) -> None:
    """§3.6: An unknown ``$select`` property is a 400."""
    response = admin_graph.get("/users?$select=id,shoeSize")
    assert response.status_code == 400
    assert "shoeSize" in response.json()["error"]["message"]


def test_filter_by_licence_sku(admin_graph: Graph, sb: Harness, tenant: SeededTenant) -> None:
    """§3.6: ``assignedLicenses/any(s:s/skuId eq <guid>)`` works without ConsistencyLevel."""
    users = admin_graph.get(
        f"/users?$filter=assignedLicenses/any(s:s/skuId eq {E5})&$top=999"
    ).json()["value"]
    expected = {u["id"] for u in sb.state(tenant)["users"] if "ENTERPRISEPREMIUM" in u["licenses"]}
    assert {u["id"] for u in users} == expected
    assert len(expected) == 20


def test_filter_by_enabled_service_plan(
    admin_graph: Graph, sb: Harness, tenant: SeededTenant
) -> None:
    """§3.5–3.6: Teams Phone decided on the MCOEV plan in ``assignedPlans``."""
    query = (
        f"assignedPlans/any(a:a/servicePlanId eq {MCOEV_PLAN} and a/capabilityStatus eq 'Enabled')"
    )
    users = admin_graph.get(f"/users?$filter={query}&$top=999").json()["value"]
    expected = {u["id"] for u in sb.state(tenant)["users"] if MCOEV_PLAN in u["enabledPlans"]}
    assert {u["id"] for u in users} == expected


def test_filter_by_upn_prefix(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.6: ``startswith(userPrincipalName,'...')`` is a basic query."""
    users = admin_graph.get("/users?$filter=startswith(userPrincipalName,'admin')").json()["value"]
    assert [u["userPrincipalName"] for u in users] == [tenant.admin]


def test_endswith_needs_advanced_query(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.6: ``endsWith`` is refused unless ``ConsistencyLevel: eventual`` and ``$count=true``."""
    query = f"/users?$filter=endswith(userPrincipalName,'@{tenant.domain}')"
    refused = admin_graph.get(query)
    assert refused.status_code == 400
    assert refused.json()["error"] == {
        **refused.json()["error"],
        "code": "Request_UnsupportedQuery",
        "message": "Unsupported Query.",
    }
    allowed = admin_graph.get(query + "&$count=true&$top=999", headers=EVENTUAL)
    assert allowed.status_code == 200
    assert allowed.json()["@odata.count"] == 31


def test_filter_on_an_unfilterable_property_is_refused(admin_graph: Graph) -> None:
    """§3.6: Unsupported filter properties name themselves."""
    response = admin_graph.get("/users?$filter=shoeSize eq 42")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "Unsupported or invalid query filter clause specified for property 'shoeSize' of "
        "resource 'User'."
    )


def test_malformed_filter_is_a_400(admin_graph: Graph) -> None:
    """§3.6: A filter that does not parse."""
    assert admin_graph.get("/users?$filter=userPrincipalName eq").status_code == 400


def test_count_needs_consistency_level_eventual(admin_graph: Graph) -> None:
    """§3.6, R15: ``$count`` without the header is refused."""
    response = admin_graph.get("/users?$count=true")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "$count is not currently supported."


def test_count_is_on_the_first_page_only(admin_graph: Graph) -> None:
    """§3.6: ``@odata.count`` only on page 1; the header is not carried to next pages."""
    first = admin_graph.get("/users?$count=true&$top=10", headers=EVENTUAL).json()
    assert first["@odata.count"] == 31
    second = admin_graph.get(first["@odata.nextLink"], headers=EVENTUAL).json()
    assert "@odata.count" not in second
    assert admin_graph.get(first["@odata.nextLink"]).status_code == 400


def test_users_count_segment_answers_plain_text(admin_graph: Graph) -> None:
    """§3.6: ``GET /users/$count`` needs ConsistencyLevel and answers a number."""
    assert admin_graph.get("/users/$count").status_code == 400
    response = admin_graph.get("/users/$count", headers=EVENTUAL)
    assert response.text == "31"


def test_users_count_starts_with_a_byte_order_mark_when_the_tenant_says_so(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """F14: with ``count_byte_order_mark`` at "utf-8" the number follows a UTF-8 BOM, as some
    OData services send it (oasis-tcs/odata-specs#325)."""
    response = sb.control.patch(
        f"/tenants/{tenant.id}/knobs", json={"count_byte_order_mark": "utf-8"}
    )
    assert response.status_code == 200, response.text
    counted = admin_graph.get("/users/$count", headers=EVENTUAL)
    assert counted.content == b"\xef\xbb\xbf31"


def test_count_byte_order_mark_takes_only_its_named_values(
    sb: Harness, tenant: SeededTenant
) -> None:
    """The knob is "none" or "utf-8"; anything else is the control API's 400."""
    response = sb.control.patch(
        f"/tenants/{tenant.id}/knobs", json={"count_byte_order_mark": "utf-16"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == 'count_byte_order_mark takes one of "none", "utf-8"'


def test_skip_is_not_supported(admin_graph: Graph) -> None:
    """§3.6: ``$skip`` is unsupported for users."""
    assert admin_graph.get("/users?$skip=10").status_code == 400


def test_paging_a_10000_user_tenant_returns_everyone_exactly_once(sb: Harness) -> None:
    """§3.6: follow ``@odata.nextLink`` verbatim until absent; ``$top=999`` is the maximum."""
    tenant = sb.make_tenant(users=10_000, teams_phone_share=0.6, unlicensed_share=0.1)
    graph = sb.graph(tenant)
    seen: list[str] = []
    pages = 0
    link: str | None = "/users?$select=id,userPrincipalName,assignedPlans&$top=999"
    while link:
        body = graph.get(link).json()
        seen.extend(u["id"] for u in body["value"])
        assert len(body["value"]) <= 999
        link = body.get("@odata.nextLink")
        pages += 1
    assert len(seen) == len(set(seen)) == 10_001
    assert pages == 11


def test_paging_with_a_filter_keeps_the_filter(sb: Harness) -> None:
    """§3.6: The next link repeats the query; later pages stay filtered."""
    tenant = sb.make_tenant(users=3000, teams_phone_share=0.5)
    graph = sb.graph(tenant)
    link: str | None = (
        f"/users?$filter=assignedLicenses/any(s:s/skuId eq {E5})"
        "&$select=id,assignedLicenses&$top=400"
    )
    found = 0
    while link:
        body = graph.get(link).json()
        assert all(any(lic["skuId"] == E5 for lic in u["assignedLicenses"]) for u in body["value"])
        found += len(body["value"])
        link = body.get("@odata.nextLink")
    assert found == 1500


def test_users_created_between_pages_appear_once(sb: Harness) -> None:
    """§3.6: Paging is a cursor over creation order: changes between pages lose nobody."""
    tenant = sb.make_tenant(users=50)
    graph = sb.graph(tenant)
    first = graph.get("/users?$top=20").json()
    graph.post(
        "/users",
        json=user_body(tenant.upn("late")),
    )
    ids = [u["id"] for u in first["value"]]
    link: str | None = first["@odata.nextLink"]
    while link:
        body = graph.get(link).json()
        ids.extend(u["id"] for u in body["value"])
        link = body.get("@odata.nextLink")
    assert len(ids) == len(set(ids)) == 52
