"""``/organization``, ``/me``, role memberships, ``/subscribedSkus`` (graph-entra.md §3.2, §3.5)."""

from __future__ import annotations

from tests.support.harness import Graph, Harness, SeededTenant

GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
LICENSE_ADMIN = "4d6ac14f-3453-41d0-bef9-a3e0c569773a"
MCOSTANDARD_SKU = "d42c793f-6c78-4f43-92ca-e8f6a02b035f"
MCOSTANDARD_PLAN = "0feaeb32-d00e-4d66-bd5a-43b5b83db82c"
MCOEV_PLAN = "4828c8ec-dc2e-4779-b502-87ac9ce28ab7"
E5_SKU = "c7df2760-2c81-4ef7-b578-5b5392b571df"


def test_organization_has_the_initial_domain(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.2: ``verifiedDomains`` with ``isInitial`` marks the ``*.onmicrosoft.com`` domain."""
    org = admin_graph.get("/organization").json()["value"][0]
    assert org["id"] == tenant.id
    initial = [d for d in org["verifiedDomains"] if d["isInitial"]]
    assert initial == [
        {
            "capabilities": "Email, OfficeCommunicationsOnline",
            "isDefault": True,
            "isInitial": True,
            "name": tenant.domain,
            "type": "Managed",
        }
    ]
    assert org["assignedPlans"]


def test_organization_with_only_user_read_is_limited(sb: Harness, tenant: SeededTenant) -> None:
    """§3.2: with only ``User.Read`` just ``id, displayName, verifiedDomains`` are filled."""
    graph = sb.graph(tenant, scopes=["User.Read"])
    org = graph.get("/organization").json()["value"][0]
    assert set(org) == {"id", "displayName", "verifiedDomains"}


def test_me_returns_the_default_properties(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.2: ``GET /me`` default properties."""
    me = admin_graph.get("/me").json()
    assert set(me) - {"@odata.context"} == {
        "businessPhones",
        "displayName",
        "givenName",
        "id",
        "jobTitle",
        "mail",
        "mobilePhone",
        "officeLocation",
        "preferredLanguage",
        "surname",
        "userPrincipalName",
    }
    assert me["userPrincipalName"] == tenant.admin


def test_me_with_select_returns_only_those_properties(admin_graph: Graph) -> None:
    """§3.2: ``$select`` narrows the answer (``id`` always comes along)."""
    me = admin_graph.get("/me?$select=displayName,usageLocation").json()
    assert set(me) - {"@odata.context"} == {"displayName", "usageLocation", "id"}


def test_me_is_refused_for_app_only_tokens(sb: Harness, tenant: SeededTenant) -> None:
    """§3.2: ``/me`` needs a signed-in user."""
    response = sb.app_graph(tenant).get("/me")
    assert response.status_code == 400
    assert "/me request is only valid with delegated authentication flow." in response.text


def test_transitive_member_of_lists_directory_roles_with_template_ids(
    sb: Harness, tenant: SeededTenant
) -> None:
    """§3.2: directoryRole objects with a per-tenant ``id`` and the stable ``roleTemplateId``."""
    sb.control.patch(
        f"/tenants/{tenant.id}/users/{tenant.admin}",
        json={"roles": ["Global Administrator", "License Administrator"]},
    )
    roles = sb.graph(tenant).get("/me/transitiveMemberOf").json()["value"]
    assert {r["roleTemplateId"] for r in roles} == {GLOBAL_ADMIN, LICENSE_ADMIN}
    assert all(r["@odata.type"] == "#microsoft.graph.directoryRole" for r in roles)
    assert all(r["id"] != r["roleTemplateId"] for r in roles)
    assert {r["displayName"] for r in roles} == {"Global Administrator", "License Administrator"}


def test_without_a_role_reading_permission_roles_come_with_limited_information(
    sb: Harness, tenant: SeededTenant
) -> None:
    """F1, includes/limited-info.md: with only ``User.Read`` "only the @odata.type property for
    the object type and the id is returned, while other properties are indicated as null"."""
    roles = sb.graph(tenant, scopes=["User.Read"]).get("/me/transitiveMemberOf").json()["value"]
    assert len(roles) == 1
    role = roles[0]
    assert role["@odata.type"] == "#microsoft.graph.directoryRole"
    assert role["id"]
    assert (role["roleTemplateId"], role["displayName"], role["description"]) == (None,) * 3


def test_role_management_read_directory_reads_roles_in_full(
    sb: Harness, tenant: SeededTenant
) -> None:
    """F1, directoryrole-get: "Least privileged: RoleManagement.Read.Directory"."""
    graph = sb.graph(tenant, scopes=["User.Read", "RoleManagement.Read.Directory"])
    roles = graph.get("/me/memberOf").json()["value"]
    assert [(r["roleTemplateId"], r["displayName"]) for r in roles] == [
        (GLOBAL_ADMIN, "Global Administrator")
    ]


def test_another_user_s_roles_are_limited_without_a_role_reading_permission(
    sb: Harness, tenant: SeededTenant
) -> None:
    """F1: the limited-information rule holds for ``/users/{id}/transitiveMemberOf`` too."""
    graph = sb.graph(tenant, scopes=["User.Read.All"])
    roles = graph.get(f"/users/{tenant.admin}/transitiveMemberOf").json()["value"]
    assert [r["roleTemplateId"] for r in roles] == [None]


def test_a_user_without_roles_has_no_role_memberships(sb: Harness, tenant: SeededTenant) -> None:
    """§3.2: Ordinary members hold no directory role."""
    upn = sb.state(tenant)["users"][-1]["userPrincipalName"]
    graph = sb.graph(tenant, upn, ["User.Read"])
    assert graph.get("/me/memberOf").json()["value"] == []


def test_subscribed_skus_use_real_ids_and_count_seats(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """§3.5: ``skuId``, ``skuPartNumber``, ``prepaidUnits`` and ``consumedUnits``."""
    skus = {s["skuPartNumber"]: s for s in admin_graph.get("/subscribedSkus").json()["value"]}
    standard = skus["MCOSTANDARD"]
    assert standard["skuId"] == MCOSTANDARD_SKU
    assert standard["id"] == f"{tenant.id}_{MCOSTANDARD_SKU}"
    assert standard["prepaidUnits"]["enabled"] - standard["consumedUnits"] == 1
    assert [p["servicePlanId"] for p in standard["servicePlans"]] == [MCOSTANDARD_PLAN]
    e5 = skus["ENTERPRISEPREMIUM"]
    assert e5["skuId"] == E5_SKU
    assert e5["consumedUnits"] == 20
    assert MCOEV_PLAN in {p["servicePlanId"] for p in e5["servicePlans"]}


def test_subscribed_skus_need_a_licence_reading_permission(
    sb: Harness, tenant: SeededTenant
) -> None:
    """§3.5: ``User.Read`` alone cannot read the tenant's subscriptions."""
    response = sb.graph(tenant, scopes=["User.Read"]).get("/subscribedSkus")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "Authorization_RequestDenied"
