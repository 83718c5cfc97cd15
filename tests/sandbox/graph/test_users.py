"""``/users``: create, read, update, delete and their errors (research/graph-entra.md §3.4)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.harness import Graph, Harness, SeededTenant, user_body
from tests.support.knot import KnotServer

UPN_REFUSED = "Invalid value specified for property 'userPrincipalName' of resource 'User'."


def _body(tenant: SeededTenant, local: str = "newuser", **extra: Any) -> dict[str, Any]:
    return user_body(tenant.upn(local), **extra)


def test_create_user_returns_201_with_an_id(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.4: ``POST /users`` → 201 with the new user's ``id``."""
    response = admin_graph.post("/users", json=_body(tenant, usageLocation="GB"))
    assert response.status_code == 201, response.text
    user = response.json()
    assert user["@odata.context"].endswith("$metadata#users/$entity")
    assert user["userPrincipalName"] == tenant.upn("newuser")
    fetched = admin_graph.get(f"/users/{user['id']}?$select=usageLocation,accountEnabled").json()
    assert fetched["usageLocation"] == "GB"
    assert fetched["accountEnabled"] is True


@pytest.mark.parametrize(
    "missing",
    ["accountEnabled", "displayName", "mailNickname", "userPrincipalName", "passwordProfile"],
)
def test_create_user_requires_each_property(
    admin_graph: Graph, tenant: SeededTenant, missing: str
) -> None:
    """§3.4: required properties; a missing one names itself."""
    body = _body(tenant)
    del body[missing]
    response = admin_graph.post("/users", json=body)
    assert response.status_code == 400
    assert (
        response.json()["error"]["message"]
        == f"A value is required for property '{missing}' of resource 'User'."
    )


def test_create_user_on_an_unknown_domain_is_refused(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """§3.4: the UPN's domain must be a verified domain of the tenant."""
    body = _body(tenant, userPrincipalName="x@somewhere-else.example")
    response = admin_graph.post("/users", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "The domain portion of the userPrincipalName property is invalid. You must use one of "
        "the verified domain names in your organization."
    )


def test_create_user_with_a_taken_upn_is_refused(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.4: "Another object with the same value for property userPrincipalName already exists."
    with ``details: [{code: ObjectConflict, target: userPrincipalName}]`` (docs #1508)."""
    admin_graph.post("/users", json=_body(tenant))
    response = admin_graph.post("/users", json=_body(tenant))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == (
        "Another object with the same value for property userPrincipalName already exists."
    )
    assert [(d["code"], d["target"]) for d in error["details"]] == [
        ("ObjectConflict", "userPrincipalName")
    ]


def _assert_upn_refused(response: Any) -> None:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("Request_BadRequest", UPN_REFUSED)
    assert [(d["code"], d["target"]) for d in error["details"]] == [
        ("InvalidValue", "userPrincipalName")
    ]


def test_a_upn_may_have_64_characters_before_the_at(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """F2, concept-sspr-policy: "up to 64 characters before the @ symbol"."""
    response = admin_graph.post("/users", json=_body(tenant, local="a" * 64))
    assert response.status_code == 201, response.text


def test_a_upn_with_65_characters_before_the_at_is_refused(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """F2, concept-sspr-policy: more than 64 characters before the @ is Entra's InvalidValue."""
    body = _body(tenant, local="a" * 65, mailNickname="gateway")
    _assert_upn_refused(admin_graph.post("/users", json=body))


def test_a_upn_with_a_period_right_before_the_at_is_refused(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """F2, concept-sspr-policy: a UPN "can't contain a period character '.' immediately
    preceding the @"."""
    _assert_upn_refused(admin_graph.post("/users", json=_body(tenant, local="gateway.")))


def _verified_root(graph: Graph, zone: KnotServer) -> str:
    name = f"c{uuid.uuid4().hex[:8]}.{zone.zone}"
    graph.post("/domains", json={"id": name})
    records = graph.get(f"/domains/{name}/verificationDnsRecords").json()["value"]
    zone.set_txt(name + ".", next(r["text"] for r in records if r["recordType"] == "Txt"))
    assert graph.post(f"/domains/{name}/verify").status_code == 200
    return name


def _domain_of_length(graph: Graph, root: str, length: int) -> str:
    name = "x" * (length - len(root) - 1) + "." + root
    assert graph.post("/domains", json={"id": name}).json()["isVerified"] is True
    return name


def test_a_upn_may_have_48_characters_after_the_at(
    admin_graph: Graph, provider_zone: KnotServer
) -> None:
    """F2, concept-sspr-policy: "up to 48 characters after the @ symbol"."""
    domain = _domain_of_length(admin_graph, _verified_root(admin_graph, provider_zone), 48)
    response = admin_graph.post("/users", json=user_body(f"gw@{domain}"))
    assert response.status_code == 201, response.text


def test_a_upn_with_49_characters_after_the_at_is_refused(
    admin_graph: Graph, provider_zone: KnotServer
) -> None:
    """F2: an SBC domain of 49 characters cannot carry the gateway user, though verified."""
    domain = _domain_of_length(admin_graph, _verified_root(admin_graph, provider_zone), 49)
    _assert_upn_refused(admin_graph.post("/users", json=user_body(f"gw@{domain}")))


def test_renaming_a_user_to_an_invalid_upn_is_refused(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """F2: ``PATCH userPrincipalName`` follows the same rules as a create, and changes nothing."""
    user = admin_graph.post("/users", json=_body(tenant)).json()
    bad = f"{'b' * 65}@{tenant.domain}"
    _assert_upn_refused(admin_graph.patch(f"/users/{user['id']}", json={"userPrincipalName": bad}))
    fetched = admin_graph.get(f"/users/{user['id']}").json()
    assert fetched["userPrincipalName"] == tenant.upn("newuser")


def test_create_user_with_a_weak_password_is_refused(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """§3.4: password complexity."""
    response = admin_graph.post("/users", json=_body(tenant, passwordProfile={"password": "short"}))
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith(
        "The specified password does not comply with password complexity requirements."
    )


def test_create_user_with_a_bad_usage_location_is_refused(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """§3.4: ``usageLocation`` is a two-letter ISO 3166 code."""
    response = admin_graph.post("/users", json=_body(tenant, usageLocation="Germany"))
    assert response.status_code == 400
    assert "usageLocation" in response.json()["error"]["message"]


def test_create_user_with_an_unknown_property_is_refused(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """§3.4: Unknown properties are errors, not silently dropped."""
    response = admin_graph.post("/users", json=_body(tenant, favouriteColour="blue"))
    assert response.status_code == 400


def test_malformed_json_is_a_400(admin_graph: Graph) -> None:
    """§3.4: A body that is not JSON."""
    response = admin_graph.post(
        "/users", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_get_user_by_upn_or_id(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.4: ``/users/{id|upn}``."""
    by_upn = admin_graph.get(f"/users/{tenant.admin}").json()
    by_id = admin_graph.get(f"/users/{by_upn['id']}").json()
    assert by_id["userPrincipalName"] == tenant.admin


def test_unknown_user_is_404_with_graph_s_message(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.1: ``Request_ResourceNotFound``."""
    response = admin_graph.get(f"/users/ghost@{tenant.domain}")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == (
        f"Resource 'ghost@{tenant.domain}' does not exist or one of its queried "
        "reference-property objects are not present."
    )


def test_patch_user_changes_properties_and_answers_204(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """§3.4: ``PATCH /users/{id}`` → 204."""
    user = admin_graph.post("/users", json=_body(tenant)).json()
    response = admin_graph.patch(
        f"/users/{user['id']}", json={"usageLocation": "DE", "jobTitle": "Gateway"}
    )
    assert response.status_code == 204
    fetched = admin_graph.get(f"/users/{user['id']}?$select=usageLocation,jobTitle").json()
    assert (fetched["usageLocation"], fetched["jobTitle"]) == ("DE", "Gateway")


def test_a_refused_patch_changes_nothing(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.4: Validation happens before any change: no half-written user."""
    user = admin_graph.post("/users", json=_body(tenant)).json()
    response = admin_graph.patch(
        f"/users/{user['id']}", json={"jobTitle": "Changed", "usageLocation": "nowhere"}
    )
    assert response.status_code == 400
    assert admin_graph.get(f"/users/{user['id']}?$select=jobTitle").json()["jobTitle"] is None


def test_delete_user_answers_204_and_frees_its_licences(
    admin_graph: Graph, sb: Harness, tenant: SeededTenant
) -> None:
    """§3.4: Deleting a licensed user returns its seat ("deleting the user frees up the
    Microsoft 365 license", microsoft-365-docs admin/misc/deleted-user.md)."""
    before = {s["skuPartNumber"]: s["consumed"] for s in sb.state(tenant)["subscribedSkus"]}
    licensed = next(u for u in sb.state(tenant)["users"] if "ENTERPRISEPREMIUM" in u["licenses"])
    assert admin_graph.delete(f"/users/{licensed['id']}").status_code == 204
    after = {s["skuPartNumber"]: s["consumed"] for s in sb.state(tenant)["subscribedSkus"]}
    assert after["ENTERPRISEPREMIUM"] == before["ENTERPRISEPREMIUM"] - 1
    assert admin_graph.get(f"/users/{licensed['id']}").status_code == 404


def test_user_writes_need_a_user_administrator(sb: Harness, tenant: SeededTenant) -> None:
    """§3.4: Delegated writes need User Administrator or Global Administrator."""
    upn = sb.state(tenant)["users"][-1]["userPrincipalName"]
    sb.control.patch(f"/tenants/{tenant.id}/users/{upn}", json={"roles": ["Teams Administrator"]})
    graph = sb.graph(tenant, upn)
    assert graph.post("/users", json=_body(tenant)).status_code == 403
    sb.control.patch(f"/tenants/{tenant.id}/users/{upn}", json={"roles": ["User Administrator"]})
    assert graph.post("/users", json=_body(tenant)).status_code == 201


def test_app_only_callers_use_application_permissions(sb: Harness, tenant: SeededTenant) -> None:
    """§3.4: Client-credentials tokens are judged by their ``roles``, without directory roles."""
    response = sb.app_graph(tenant).post("/users", json=_body(tenant, local="byapp"))
    assert response.status_code == 201, response.text
