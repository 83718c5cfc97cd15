"""Eventual consistency: new users and domains answer 404 for a while (graph-entra.md §3.9, §4)."""

from __future__ import annotations

from tests.support.harness import Harness, SeededTenant, user_body


def test_a_new_user_is_404_until_replicated(sb: Harness, tenant: SeededTenant) -> None:
    """§3.9: reads right after a create can 404 ``Request_ResourceNotFound``."""
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"consistency_seconds": 20})
    graph = sb.graph(tenant)
    user = graph.post(
        "/users",
        json=user_body(tenant.upn("lag"), usageLocation="US"),
    ).json()
    missing = graph.get(f"/users/{user['id']}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "Request_ResourceNotFound"
    listed = graph.get("/users?$filter=startswith(userPrincipalName,'lag')").json()["value"]
    assert listed == []
    licence = graph.post(
        f"/users/{user['id']}/assignLicense",
        json={
            "addLicenses": [{"skuId": "d42c793f-6c78-4f43-92ca-e8f6a02b035f"}],
            "removeLicenses": [],
        },
    )
    assert licence.status_code == 404
    sb.advance_clock(20)
    assert graph.get(f"/users/{user['id']}").status_code == 200
    assert (
        graph.post(
            f"/users/{user['id']}/assignLicense",
            json={
                "addLicenses": [{"skuId": "d42c793f-6c78-4f43-92ca-e8f6a02b035f"}],
                "removeLicenses": [],
            },
        ).status_code
        == 200
    )


def test_a_new_domain_is_404_until_replicated(sb: Harness, tenant: SeededTenant) -> None:
    """§3.9 applies to domains too."""
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"consistency_seconds": 10})
    graph = sb.graph(tenant)
    assert graph.post("/domains", json={"id": "lag.provider.test"}).status_code == 201
    assert graph.get("/domains/lag.provider.test").status_code == 404
    sb.advance_clock(10)
    assert graph.get("/domains/lag.provider.test").status_code == 200


def test_delta_may_list_a_user_before_it_can_be_read(sb: Harness, tenant: SeededTenant) -> None:
    """§4 (microsoft-graph-docs #15839): delta can list an object before it is readable."""
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"consistency_seconds": 30})
    graph = sb.graph(tenant)
    body = graph.get("/users/delta?$deltatoken=latest").json()
    created = graph.post(
        "/users",
        json=user_body(tenant.upn("early")),
    ).json()
    changes = graph.get(body["@odata.deltaLink"]).json()["value"]
    assert created["id"] in {u["id"] for u in changes}
    assert graph.get(f"/users/{created['id']}").status_code == 404
