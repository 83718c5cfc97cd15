"""JSON batching (research/graph-entra.md §3.7)."""

from __future__ import annotations

from typing import Any

from tests.support.harness import Graph, Harness, SeededTenant, user_body


def _batch(graph: Graph, requests: list[dict[str, Any]]) -> Any:
    return graph.post("/$batch", json={"requests": requests})


def test_batch_answers_each_request_by_id(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.7: ``{"responses": [{"id", "status", "headers", "body"}]}``."""
    response = _batch(
        admin_graph,
        [
            {"id": "1", "method": "GET", "url": "/me"},
            {"id": "2", "method": "GET", "url": "/organization"},
            {"id": "3", "method": "GET", "url": "/users/nobody@" + tenant.domain},
        ],
    )
    assert response.status_code == 200
    by_id = {r["id"]: r for r in response.json()["responses"]}
    assert by_id["1"]["status"] == 200
    assert by_id["1"]["body"]["userPrincipalName"] == tenant.admin
    assert by_id["2"]["body"]["value"][0]["id"] == tenant.id
    assert by_id["3"]["status"] == 404


def test_depends_on_orders_writes(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.7: ``dependsOn`` runs a request after the one it names."""
    upn = tenant.upn("batched")
    response = _batch(
        admin_graph,
        [
            {
                "id": "lic",
                "dependsOn": ["make"],
                "method": "POST",
                "url": f"/users/{upn}/assignLicense",
                "headers": {"Content-Type": "application/json"},
                "body": {
                    "addLicenses": [{"skuId": "d42c793f-6c78-4f43-92ca-e8f6a02b035f"}],
                    "removeLicenses": [],
                },
            },
            {
                "id": "make",
                "method": "POST",
                "url": "/users",
                "headers": {"Content-Type": "application/json"},
                "body": user_body(upn, usageLocation="US"),
            },
        ],
    )
    by_id = {r["id"]: r for r in response.json()["responses"]}
    assert by_id["make"]["status"] == 201
    assert by_id["lic"]["status"] == 200


def test_failed_dependency_is_424(admin_graph: Graph) -> None:
    """§3.7: a request whose dependency failed is not run and answers 424."""
    response = _batch(
        admin_graph,
        [
            {"id": "1", "method": "GET", "url": "/users/ghost@nowhere.example"},
            {"id": "2", "dependsOn": ["1"], "method": "GET", "url": "/me"},
        ],
    )
    by_id = {r["id"]: r for r in response.json()["responses"]}
    assert by_id["1"]["status"] == 404
    assert by_id["2"]["status"] == 424


def test_more_than_20_requests_are_refused(admin_graph: Graph) -> None:
    """§3.7: at most 20 requests per batch."""
    requests = [{"id": str(i), "method": "GET", "url": "/me"} for i in range(21)]
    assert _batch(admin_graph, requests).status_code == 400
    assert _batch(admin_graph, requests[:20]).status_code == 200


def test_duplicate_ids_are_refused(admin_graph: Graph) -> None:
    """§3.7: duplicate ``id`` → 400."""
    response = _batch(
        admin_graph,
        [{"id": "1", "method": "GET", "url": "/me"}, {"id": "1", "method": "GET", "url": "/me"}],
    )
    assert response.status_code == 400


def test_a_body_without_content_type_is_refused(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.7: ``body`` requires a ``Content-Type`` header."""
    response = _batch(
        admin_graph,
        [{"id": "1", "method": "POST", "url": "/domains", "body": {"id": "x.provider.test"}}],
    )
    assert response.json()["responses"][0]["status"] == 400


def test_inner_requests_are_throttled_individually(sb: Harness, tenant: SeededTenant) -> None:
    """§3.7: each inner request is throttled on its own (inner 429 with ``Retry-After``)."""
    sb.control.patch(
        f"/tenants/{tenant.id}/knobs", json={"throttling": {"resource_units_per_10s": 5}}
    )
    graph = sb.graph(tenant)
    response = _batch(
        graph, [{"id": str(i), "method": "GET", "url": "/organization"} for i in range(8)]
    )
    statuses = [r["status"] for r in response.json()["responses"]]
    assert statuses.count(200) == 5
    assert statuses.count(429) == 3
    throttled = next(r for r in response.json()["responses"] if r["status"] == 429)
    assert int(throttled["headers"]["Retry-After"]) >= 1
