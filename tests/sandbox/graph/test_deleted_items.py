"""The recycle bin: deleted users under ``/directory/deletedItems`` (Graph user-delete,
directory-deleteditems-list, -get, -restore, -delete; review F6)."""

from __future__ import annotations

from typing import Any

from tests.support.harness import Graph, Harness, SeededTenant, user_body

DELETE_RESTORE = "https://graph.microsoft.com/User.DeleteRestore.All"
LIST = "/directory/deletedItems/microsoft.graph.user"


def _deleted(graph: Graph, tenant: SeededTenant, local: str = "leaver") -> dict[str, Any]:
    user: dict[str, Any] = graph.post("/users", json=user_body(tenant.upn(local))).json()
    assert graph.delete(f"/users/{user['id']}").status_code == 204
    return user


def _licensed(sb: Harness, tenant: SeededTenant) -> dict[str, Any]:
    state = sb.state(tenant)
    user: dict[str, Any] = next(u for u in state["users"] if "ENTERPRISEPREMIUM" in u["licenses"])
    return user


def _consumed(sb: Harness, tenant: SeededTenant, part: str) -> int:
    return int(
        next(
            s["consumed"] for s in sb.state(tenant)["subscribedSkus"] if s["skuPartNumber"] == part
        )
    )


def test_a_deleted_user_is_gone_from_users(admin_graph: Graph, tenant: SeededTenant) -> None:
    """user-delete: the user leaves the directory (404 by id, absent from the list)."""
    user = _deleted(admin_graph, tenant)
    assert admin_graph.get(f"/users/{user['id']}").status_code == 404
    listed = admin_graph.get("/users?$top=999").json()["value"]
    assert user["id"] not in {u["id"] for u in listed}


def test_a_deleted_user_is_listed_in_deleted_items_with_its_deletion_time(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """directory-deleteditems-list: ``GET /directory/deletedItems/microsoft.graph.user``."""
    user = _deleted(admin_graph, tenant)
    body = admin_graph.get(LIST).json()
    assert body["@odata.context"].endswith("$metadata#users")
    [item] = body["value"]
    assert (item["id"], item["userPrincipalName"]) == (user["id"], tenant.upn("leaver"))
    assert item["deletedDateTime"].endswith("Z")


def test_the_short_cast_graph_user_lists_the_same_users(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """msgraph-sdk writes the cast as ``graph.user``; Graph takes both spellings."""
    user = _deleted(admin_graph, tenant)
    items = admin_graph.get("/directory/deletedItems/graph.user").json()["value"]
    assert [i["id"] for i in items] == [user["id"]]


def test_deleted_items_page_with_top_and_a_next_link(sb: Harness) -> None:
    """directory-deleteditems-list: ``$top`` up to 999, then ``@odata.nextLink`` pages."""
    tenant = sb.make_tenant()
    graph = sb.graph(tenant)
    ids = {_deleted(graph, tenant, f"leaver{i}")["id"] for i in range(5)}
    first = graph.get(f"{LIST}?$top=2").json()
    seen = [i["id"] for i in first["value"]]
    link = first["@odata.nextLink"]
    while link:
        page = graph.get(link).json()
        seen += [i["id"] for i in page["value"]]
        link = page.get("@odata.nextLink")
    assert len(first["value"]) == 2
    assert sorted(seen) == sorted(ids)


def test_a_deleted_user_is_read_by_id_as_a_directory_object(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """directory-deleteditems-get: a directoryObject naming its type."""
    user = _deleted(admin_graph, tenant)
    item = admin_graph.get(f"/directory/deletedItems/{user['id']}").json()
    assert item["@odata.context"].endswith("$metadata#directoryObjects/$entity")
    assert item["@odata.type"] == "#microsoft.graph.user"
    assert item["userPrincipalName"] == tenant.upn("leaver")


def test_a_live_user_is_not_a_deleted_item(admin_graph: Graph, tenant: SeededTenant) -> None:
    """directory-deleteditems-get: only deleted objects are there (404 otherwise)."""
    live = admin_graph.get(f"/users/{tenant.admin}").json()
    response = admin_graph.get(f"/directory/deletedItems/{live['id']}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "Request_ResourceNotFound"


def test_restore_brings_the_user_back(admin_graph: Graph, tenant: SeededTenant) -> None:
    """directory-deleteditems-restore: 200 with the user; it is in /users again."""
    user = _deleted(admin_graph, tenant)
    response = admin_graph.post(f"/directory/deletedItems/{user['id']}/restore")
    assert response.status_code == 200, response.text
    assert response.json()["@odata.type"] == "#microsoft.graph.user"
    assert (
        admin_graph.get(f"/users/{user['id']}").json()["userPrincipalName"]
        == user["userPrincipalName"]
    )
    assert admin_graph.get(LIST).json()["value"] == []


def test_restore_gives_back_the_licences_while_seats_remain(
    sb: Harness, admin_graph: Graph, tenant: SeededTenant
) -> None:
    """Deleting frees the seat; restoring takes it again (assignedLicenses come back)."""
    licensed = _licensed(sb, tenant)
    before = _consumed(sb, tenant, "ENTERPRISEPREMIUM")
    admin_graph.delete(f"/users/{licensed['id']}")
    assert _consumed(sb, tenant, "ENTERPRISEPREMIUM") == before - 1
    admin_graph.post(f"/directory/deletedItems/{licensed['id']}/restore")
    assert _consumed(sb, tenant, "ENTERPRISEPREMIUM") == before
    restored = admin_graph.get(f"/users/{licensed['id']}?$select=assignedLicenses").json()
    assert restored["assignedLicenses"]


def test_restore_without_a_free_seat_restores_the_user_unlicensed(sb: Harness) -> None:
    """A seat taken meanwhile is not taken back: the user returns without that licence."""
    tenant = sb.make_tenant(free_seats={"MCOSTANDARD": 1})
    graph = sb.graph(tenant)
    sku = next(
        s["skuId"]
        for s in graph.get("/subscribedSkus").json()["value"]
        if s["skuPartNumber"] == "MCOSTANDARD"
    )
    licence = {"addLicenses": [{"skuId": sku, "disabledPlans": []}], "removeLicenses": []}
    first = graph.post("/users", json=user_body(tenant.upn("first"), usageLocation="GB")).json()
    second = graph.post("/users", json=user_body(tenant.upn("second"), usageLocation="GB")).json()
    graph.post(f"/users/{first['id']}/assignLicense", json=licence)
    graph.delete(f"/users/{first['id']}")
    assert graph.post(f"/users/{second['id']}/assignLicense", json=licence).status_code == 200
    assert graph.post(f"/directory/deletedItems/{first['id']}/restore").status_code == 200
    restored = graph.get(f"/users/{first['id']}?$select=assignedLicenses").json()
    assert restored["assignedLicenses"] == []


def test_permanent_delete_answers_204_and_the_user_cannot_be_restored(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """directory-deleteditems-delete: 204; "once an item is permanently deleted, it cannot be
    restored"."""
    user = _deleted(admin_graph, tenant)
    assert admin_graph.delete(f"/directory/deletedItems/{user['id']}").status_code == 204
    assert admin_graph.get(LIST).json()["value"] == []
    assert admin_graph.post(f"/directory/deletedItems/{user['id']}/restore").status_code == 404


def test_the_recycle_bin_purges_itself_after_30_days(private_sandbox: Harness) -> None:
    """directory-deleteditems-restore: "After 30 days, the item is permanently deleted"."""
    sb = private_sandbox
    tenant = sb.make_tenant()
    user = _deleted(sb.graph(tenant), tenant)
    sb.advance_clock(30 * 86400 - 60)
    assert [i["id"] for i in sb.graph(tenant).get(LIST).json()["value"]] == [user["id"]]
    sb.advance_clock(60)
    graph = sb.graph(tenant)
    assert graph.get(LIST).json()["value"] == []
    assert graph.post(f"/directory/deletedItems/{user['id']}/restore").status_code == 404


def test_a_new_user_may_take_the_upn_of_a_deleted_one(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """Restore-MsolUser: -NewUserPrincipalName is for when "the original UserPrincipalName of
    the user is in use by another active user", so a live user may take it meanwhile."""
    _deleted(admin_graph, tenant)
    response = admin_graph.post("/users", json=user_body(tenant.upn("leaver")))
    assert response.status_code == 201, response.text


def test_restoring_a_user_whose_upn_was_taken_is_an_object_conflict(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """A restore that would duplicate a live UPN is refused as the create would be."""
    user = _deleted(admin_graph, tenant)
    admin_graph.post("/users", json=user_body(tenant.upn("leaver")))
    response = admin_graph.post(f"/directory/deletedItems/{user['id']}/restore")
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["code"] == "ObjectConflict"


def test_restore_with_a_new_upn_resolves_the_conflict(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """directory-deleteditems-restore: ``newUserPrincipalName`` restores under another UPN."""
    user = _deleted(admin_graph, tenant)
    admin_graph.post("/users", json=user_body(tenant.upn("leaver")))
    response = admin_graph.post(
        f"/directory/deletedItems/{user['id']}/restore",
        json={"newUserPrincipalName": tenant.upn("leaver2")},
    )
    assert response.status_code == 200, response.text
    assert response.json()["userPrincipalName"] == tenant.upn("leaver2")


def test_a_tenant_may_keep_deleted_upns_reserved(sb: Harness) -> None:
    """The alternative reading of F6 (``deleted_upns_reserved``): the recycle bin holds the UPN."""
    tenant = sb.make_tenant(deleted_upns_reserved=True)
    graph = sb.graph(tenant)
    _deleted(graph, tenant)
    response = graph.post("/users", json=user_body(tenant.upn("leaver")))
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["code"] == "ObjectConflict"


def test_user_delete_restore_all_alone_deletes_restores_and_purges(
    sb: Harness, tenant: SeededTenant
) -> None:
    """User.DeleteRestore.All is the least privileged permission for all three (Graph
    what's-new, January 2025)."""
    admin = sb.graph(tenant)
    first = admin.post("/users", json=user_body(tenant.upn("one"))).json()
    narrow = sb.graph(tenant, scopes=[DELETE_RESTORE])
    assert narrow.delete(f"/users/{first['id']}").status_code == 204
    assert [i["id"] for i in narrow.get(LIST).json()["value"]] == [first["id"]]
    assert narrow.post(f"/directory/deletedItems/{first['id']}/restore").status_code == 200
    narrow.delete(f"/users/{first['id']}")
    assert narrow.delete(f"/directory/deletedItems/{first['id']}").status_code == 204


def test_reading_deleted_users_is_not_enough_to_restore_them(
    sb: Harness, tenant: SeededTenant
) -> None:
    """directory-deleteditems-restore needs User.DeleteRestore.All or User.ReadWrite.All."""
    user = _deleted(sb.graph(tenant), tenant)
    reader = sb.graph(tenant, scopes=["https://graph.microsoft.com/User.Read.All"])
    assert reader.get(LIST).status_code == 200
    response = reader.post(f"/directory/deletedItems/{user['id']}/restore")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "Authorization_RequestDenied"


def test_app_only_purge_needs_user_delete_restore_all(sb: Harness, tenant: SeededTenant) -> None:
    """directory-deleteditems-delete: the application permission is User.DeleteRestore.All;
    the suite's app holds only User.ReadWrite.All, which restores but does not purge."""
    user = _deleted(sb.graph(tenant), tenant)
    app = sb.app_graph(tenant)
    assert app.delete(f"/directory/deletedItems/{user['id']}").status_code == 403
    assert app.post(f"/directory/deletedItems/{user['id']}/restore").status_code == 200


def test_restoring_an_administrator_needs_a_global_administrator(
    sb: Harness, tenant: SeededTenant
) -> None:
    """directory-deleteditems-restore: restoring users with administrator roles needs a more
    privileged caller than a User Administrator."""
    upn = sb.state(tenant)["users"][-1]["userPrincipalName"]
    sb.control.patch(f"/tenants/{tenant.id}/users/{upn}", json={"roles": ["Teams Administrator"]})
    admin = sb.graph(tenant)
    victim = admin.get(f"/users/{upn}").json()
    other = sb.state(tenant)["users"][-2]["userPrincipalName"]
    sb.control.patch(f"/tenants/{tenant.id}/users/{other}", json={"roles": ["User Administrator"]})
    user_admin = sb.graph(tenant, other)
    admin.delete(f"/users/{victim['id']}")
    denied = user_admin.post(f"/directory/deletedItems/{victim['id']}/restore")
    assert denied.status_code == 403
    assert admin.post(f"/directory/deletedItems/{victim['id']}/restore").status_code == 200
