"""``/users/delta``: a first full pass, then changes and removals (graph-entra.md §3.6, R19)."""

from __future__ import annotations

from typing import Any

from tests.support.harness import Graph, Harness, SeededTenant, user_body


def _drain(graph: Graph, link: str, **kwargs: Any) -> tuple[list[dict[str, Any]], str, int]:
    items: list[dict[str, Any]] = []
    pages = 0
    while True:
        body = graph.get(link, **kwargs).json()
        pages += 1
        items.extend(body["value"])
        if "@odata.deltaLink" in body:
            return items, body["@odata.deltaLink"], pages
        link = body["@odata.nextLink"]


def _someone(graph: Graph, tenant: SeededTenant) -> dict[str, Any]:
    users = graph.get("/users?$top=2").json()["value"]
    found: dict[str, Any] = next(u for u in users if u["userPrincipalName"] != tenant.admin)
    return found


def test_first_pass_pages_every_user_then_gives_a_delta_link(sb: Harness) -> None:
    """R19: ``@odata.nextLink`` pages, then ``@odata.deltaLink`` with a ``$deltatoken``."""
    tenant = sb.make_tenant(users=450)
    items, delta_link, pages = _drain(sb.graph(tenant), "/users/delta?$select=id,displayName")
    assert len({u["id"] for u in items}) == 451
    assert pages == 3
    assert "$deltatoken=" in delta_link
    assert set(items[0]) == {"id", "displayName"}


def test_delta_link_returns_only_changes_and_removals(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """R19: later rounds list changed users and ``@removed`` for deleted ones."""
    _, delta_link, _ = _drain(admin_graph, "/users/delta?$select=id,jobTitle")
    users = admin_graph.get("/users?$top=3").json()["value"]
    admin_graph.patch(f"/users/{users[1]['id']}", json={"jobTitle": "Changed"})
    admin_graph.delete(f"/users/{users[2]['id']}")
    created = admin_graph.post(
        "/users",
        json=user_body(tenant.upn("fresh")),
    ).json()
    items, next_delta, _ = _drain(admin_graph, delta_link)
    by_id = {u["id"]: u for u in items}
    assert by_id[users[1]["id"]]["jobTitle"] == "Changed"
    assert by_id[users[2]["id"]]["@removed"] == {"reason": "changed"}
    assert created["id"] in by_id
    assert users[0]["id"] not in by_id
    again, _, _ = _drain(admin_graph, next_delta)
    assert again == []


def test_a_purged_user_is_removed_with_reason_deleted(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """R19, delta-query-overview: "deleted indicates the item is deleted and can't be
    restored"; only the latest change of a user is reported."""
    user = _someone(admin_graph, tenant)
    _, delta_link, _ = _drain(admin_graph, "/users/delta?$select=id")
    admin_graph.delete(f"/users/{user['id']}")
    admin_graph.delete(f"/directory/deletedItems/{user['id']}")
    items, _, _ = _drain(admin_graph, delta_link)
    assert items == [
        {
            "@odata.type": "#microsoft.graph.user",
            "id": user["id"],
            "@removed": {"reason": "deleted"},
        }
    ]


def test_a_restored_user_comes_back_as_a_change(admin_graph: Graph, tenant: SeededTenant) -> None:
    """R19: a restore changes the user; the next round lists it again, without ``@removed``."""
    user = _someone(admin_graph, tenant)
    admin_graph.delete(f"/users/{user['id']}")
    _, delta_link, _ = _drain(admin_graph, "/users/delta?$select=id,displayName")
    admin_graph.post(f"/directory/deletedItems/{user['id']}/restore")
    items, _, _ = _drain(admin_graph, delta_link)
    assert items == [{"id": user["id"], "displayName": user["displayName"]}]


def test_delta_answers_under_its_qualified_names(admin_graph: Graph) -> None:
    """Graph and msgraph-sdk address the function as ``delta()`` or ``microsoft.graph.delta``."""
    plain = admin_graph.get("/users/delta?$deltatoken=latest").json()
    for path in (
        "/users/delta()",
        "/users/microsoft.graph.delta()",
        "/users/microsoft.graph.delta",
    ):
        body = admin_graph.get(f"{path}?$deltatoken=latest").json()
        assert body["value"] == plain["value"] == []
        assert "@odata.deltaLink" in body


def test_delta_changes_are_paged_too(sb: Harness) -> None:
    """§3.6, R19: A long change list comes in pages, honouring ``Prefer: odata.maxpagesize``."""
    tenant = sb.make_tenant(users=40)
    graph = sb.graph(tenant)
    _, delta_link, _ = _drain(graph, "/users/delta")
    for user in graph.get("/users?$top=30").json()["value"]:
        graph.patch(f"/users/{user['id']}", json={"department": "Voice"})
    items, _, pages = _drain(graph, delta_link, headers={"Prefer": "odata.maxpagesize=10"})
    assert len(items) == 30
    assert pages == 3


def test_deltatoken_latest_gives_a_link_without_data(admin_graph: Graph) -> None:
    """R19: ``$deltatoken=latest`` returns no users, only a delta link."""
    body = admin_graph.get("/users/delta?$deltatoken=latest").json()
    assert body["value"] == []
    assert "@odata.deltaLink" in body


def test_delta_refuses_top(admin_graph: Graph) -> None:
    """R19: no ``$top`` on delta."""
    assert admin_graph.get("/users/delta?$top=5").status_code == 400


def test_stale_delta_token_must_resync(private_sandbox: Harness) -> None:
    """R15: an expired delta token is answered 410 ``syncStateNotFound``."""
    sb = private_sandbox
    tenant = sb.make_tenant(users=5)
    graph = sb.graph(tenant)
    _, delta_link, _ = _drain(graph, "/users/delta")
    sb.advance_clock(8 * 86400)
    graph = sb.graph(tenant)
    response = graph.get(delta_link)
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "syncStateNotFound"


def test_delta_token_of_another_tenant_is_refused(sb: Harness, admin_graph: Graph) -> None:
    """§3.6, R19: Tokens are bound to their tenant."""
    other = sb.graph(sb.make_tenant())
    _, delta_link, _ = _drain(other, "/users/delta")
    assert admin_graph.get(delta_link).status_code == 400
