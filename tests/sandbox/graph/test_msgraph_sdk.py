"""Microsoft's own Graph client (msgraph-sdk 1.65 with azure-identity) against the sandbox.

The SDK is used as shipped (``sdk_client.py`` only configures it), so every request path,
body and answer shape below is the SDK's: a sandbox that drifts from what the SDK sends or
parses fails here.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest

from tests.sandbox.graph.sdk_client import SandboxUserToken, app_credential, graph_client
from tests.support.harness import ADMIN_SCOPES, PASSWORD, Harness, SeededTenant
from tests.support.knot import KnotServer

# msgraph-sdk's generated code uses kiota classes it has itself deprecated, and warns about it
# while being imported; the suite turns warnings into errors, so the imports are shielded here
# and the tests below let the same warnings through.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.admin.teams.policy.user_assignments.microsoft_graph_teams_administration_assign.assign_post_request_body import (  # noqa: E501
        AssignPostRequestBody,
    )
    from msgraph.generated.admin.teams.policy.user_assignments.microsoft_graph_teams_administration_unassign.unassign_post_request_body import (  # noqa: E501
        UnassignPostRequestBody,
    )
    from msgraph.generated.admin.teams.telephone_number_management.number_assignments.microsoft_graph_teams_administration_assign_number.assign_number_post_request_body import (  # noqa: E501
        AssignNumberPostRequestBody,
    )
    from msgraph.generated.admin.teams.telephone_number_management.number_assignments.microsoft_graph_teams_administration_unassign_number.unassign_number_post_request_body import (  # noqa: E501
        UnassignNumberPostRequestBody,
    )
    from msgraph.generated.admin.teams.telephone_number_management.number_assignments.number_assignments_request_builder import (  # noqa: E501
        NumberAssignmentsRequestBuilder,
    )
    from msgraph.generated.models.assigned_license import AssignedLicense
    from msgraph.generated.models.directory_role import DirectoryRole
    from msgraph.generated.models.domain import Domain
    from msgraph.generated.models.domain_dns_cname_record import DomainDnsCnameRecord
    from msgraph.generated.models.domain_dns_srv_record import DomainDnsSrvRecord
    from msgraph.generated.models.domain_dns_txt_record import DomainDnsTxtRecord
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError
    from msgraph.generated.models.password_profile import PasswordProfile
    from msgraph.generated.models.teams_administration.number_type import NumberType
    from msgraph.generated.models.teams_administration.teams_policy_user_assignment import (
        TeamsPolicyUserAssignment,
    )
    from msgraph.generated.models.user import User
    from msgraph.generated.users.delta.delta_request_builder import DeltaRequestBuilder
    from msgraph.generated.users.item.assign_license.assign_license_post_request_body import (
        AssignLicensePostRequestBody,
    )
    from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder
    from msgraph.generated.users.users_request_builder import UsersRequestBuilder
    from msgraph.graph_service_client import GraphServiceClient
    from msgraph_core.tasks.page_iterator import PageIterator

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning:msgraph.*"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:kiota_abstractions.*"),
]

GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
MCOSTANDARD = "MCOSTANDARD"


@pytest.fixture
async def admin_sdk(sb: Harness, tenant: SeededTenant) -> AsyncIterator[GraphServiceClient]:
    """The SDK signed in as the tenant's Global Administrator with every suite scope."""
    token = sb.entra.user_token(tenant.domain, tenant.admin, ADMIN_SCOPES)
    async with graph_client(sb.endpoints, SandboxUserToken(token)) as client:
        yield client


@pytest.fixture
async def app_sdk(sb: Harness, tenant: SeededTenant) -> AsyncIterator[GraphServiceClient]:
    """The SDK as the suite's app, with azure-identity's ``ClientSecretCredential``."""
    credential = app_credential(sb.endpoints, tenant.id)
    try:
        async with graph_client(sb.endpoints, credential) as client:
            yield client
    finally:
        credential.close()


def _new_user(tenant: SeededTenant, local: str, **extra: Any) -> User:
    return User(
        account_enabled=True,
        display_name=local,
        mail_nickname=local,
        user_principal_name=tenant.upn(local),
        password_profile=PasswordProfile(
            password=PASSWORD, force_change_password_next_sign_in=False
        ),
        **extra,
    )


async def _create(client: GraphServiceClient, tenant: SeededTenant, local: str) -> str:
    created = await client.users.post(_new_user(tenant, local, usage_location="GB"))
    assert created is not None
    assert created.id
    return created.id


def _odata_error(exc: pytest.ExceptionInfo[ODataError]) -> tuple[int, str, list[tuple[str, str]]]:
    error = exc.value.error
    assert error is not None
    details = [(d.code or "", d.target or "") for d in error.details or []]
    return exc.value.response_status_code or 0, error.code or "", details


async def test_organization_is_the_tenant(
    admin_sdk: GraphServiceClient, tenant: SeededTenant
) -> None:
    """``client.organization.get()`` parses the tenant and its initial verified domain."""
    orgs = await admin_sdk.organization.get()
    assert orgs is not None
    assert orgs.value
    org = orgs.value[0]
    assert org.id == tenant.id
    initial = [d.name for d in org.verified_domains or [] if d.is_initial]
    assert initial == [tenant.domain]


async def test_client_secret_credential_reads_the_organization(
    app_sdk: GraphServiceClient, tenant: SeededTenant
) -> None:
    """azure-identity's ClientSecretCredential gets an app-only token from the sandbox's Entra."""
    orgs = await app_sdk.organization.get()
    assert orgs is not None
    assert orgs.value
    assert orgs.value[0].id == tenant.id


async def test_me_is_the_signed_in_user(
    admin_sdk: GraphServiceClient, tenant: SeededTenant
) -> None:
    """``client.me`` (rewritten by the SDK's middleware to ``/me``)."""
    me = await admin_sdk.me.get()
    assert me is not None
    assert me.user_principal_name == tenant.admin


async def test_transitive_member_of_gives_directory_roles(admin_sdk: GraphServiceClient) -> None:
    """F1: with a role-reading permission, roles parse as ``DirectoryRole`` with template ids."""
    page = await admin_sdk.me.transitive_member_of.get()
    assert page is not None
    assert page.value
    [role] = page.value
    assert isinstance(role, DirectoryRole)
    assert (role.role_template_id, role.display_name) == (GLOBAL_ADMIN, "Global Administrator")


async def test_transitive_member_of_without_a_role_reading_scope_is_limited(
    sb: Harness, tenant: SeededTenant
) -> None:
    """F1: with only User.Read the SDK still gets a DirectoryRole, but only its id."""
    token = sb.entra.user_token(tenant.domain, tenant.admin, ["User.Read"])
    async with graph_client(sb.endpoints, SandboxUserToken(token)) as client:
        page = await client.me.transitive_member_of.get()
    assert page is not None
    assert page.value
    [role] = page.value
    assert isinstance(role, DirectoryRole)
    assert role.id
    assert (role.role_template_id, role.display_name) == (None, None)


async def test_users_are_created_and_read_back(
    admin_sdk: GraphServiceClient, tenant: SeededTenant
) -> None:
    """``users.post`` then ``users.by_user_id`` by id and by UPN."""
    user_id = await _create(admin_sdk, tenant, "sdkuser")
    by_id = await admin_sdk.users.by_user_id(user_id).get()
    by_upn = await admin_sdk.users.by_user_id(tenant.upn("sdkuser")).get()
    assert by_id is not None
    assert by_upn is not None
    assert by_id.user_principal_name == tenant.upn("sdkuser")
    assert by_upn.id == user_id


async def test_users_are_listed_page_by_page_with_the_sdk_page_iterator(
    admin_sdk: GraphServiceClient,
) -> None:
    """``$top`` and ``@odata.nextLink`` followed by msgraph-core's ``PageIterator``."""
    config = RequestConfiguration(
        query_parameters=UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(top=7)
    )
    first = await admin_sdk.users.get(request_configuration=config)
    assert first is not None
    assert first.value is not None
    assert len(first.value) == 7
    assert first.odata_next_link
    ids: list[str] = []

    def collect(user: User) -> bool:
        ids.append(user.id or "")
        return True

    await PageIterator(first, admin_sdk.request_adapter).iterate(collect)
    assert len(ids) == len(set(ids)) == 31


async def test_a_upn_too_long_is_an_odata_error_the_sdk_reads(
    admin_sdk: GraphServiceClient, tenant: SeededTenant
) -> None:
    """F2: the refusal parses into ``ODataError`` with ``InvalidValue`` on userPrincipalName."""
    user = _new_user(tenant, "a" * 65)
    user.mail_nickname = "toolong"
    with pytest.raises(ODataError) as refused:
        await admin_sdk.users.post(user)
    assert _odata_error(refused) == (
        400,
        "Request_BadRequest",
        [("InvalidValue", "userPrincipalName")],
    )


async def _drain_delta(
    client: GraphServiceClient, url: str | None = None
) -> tuple[list[User], str]:
    builder = client.users.delta if url is None else client.users.delta.with_url(url)
    config = RequestConfiguration(
        query_parameters=DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters(
            select=["id", "jobTitle"]
        )
    )
    page = await builder.get(request_configuration=config if url is None else None)
    items: list[User] = []
    while True:
        assert page is not None
        items.extend(page.value or [])
        if page.odata_next_link:
            page = await client.users.delta.with_url(page.odata_next_link).get()
            continue
        assert page.odata_delta_link
        return items, page.odata_delta_link


async def test_users_delta_reports_changes_and_removals(
    admin_sdk: GraphServiceClient, tenant: SeededTenant
) -> None:
    """``users.delta`` (``/users/delta()``): a full pass, then a change and a soft deletion
    (``@removed: changed``) through the delta link."""
    changed, removed = (
        await _create(admin_sdk, tenant, "changes"),
        await _create(admin_sdk, tenant, "leaves"),
    )
    first, delta_link = await _drain_delta(admin_sdk)
    assert {changed, removed} <= {u.id for u in first}
    await admin_sdk.users.by_user_id(changed).patch(User(job_title="Gateway"))
    await admin_sdk.users.by_user_id(removed).delete()
    later, _ = await _drain_delta(admin_sdk, delta_link)
    by_id = {u.id: u for u in later}
    assert by_id[changed].job_title == "Gateway"
    assert by_id[removed].additional_data["@removed"] == {"reason": "changed"}


async def test_a_domain_is_added_verified_by_dns_and_deleted(
    admin_sdk: GraphServiceClient, provider_zone: KnotServer
) -> None:
    """``domains.post``, ``verification_dns_records``, ``verify`` (after publishing the TXT in
    the provider zone), then ``delete``; F15 fields as the SDK parses them."""
    name = f"c{uuid.uuid4().hex[:8]}.gbr-lon.{provider_zone.zone}"
    added = await admin_sdk.domains.post(Domain(id=name))
    assert added is not None
    assert (added.is_verified, added.is_root, added.availability_status) == (False, False, None)
    domain = admin_sdk.domains.by_domain_id(name)
    records = await domain.verification_dns_records.get()
    assert records is not None
    assert records.value
    txt = next(r for r in records.value if isinstance(r, DomainDnsTxtRecord))
    assert txt.label == name
    assert txt.text
    provider_zone.set_txt(name + ".", txt.text)
    verified = await domain.verify.post()
    assert verified is not None
    assert (verified.is_verified, verified.availability_status) == (True, "AvailableImmediately")
    read = await domain.get()
    assert read is not None
    assert (read.is_root, read.availability_status) == (True, None)
    await domain.delete()
    with pytest.raises(ODataError) as gone:
        await domain.get()
    assert gone.value.response_status_code == 404


async def test_a_duplicate_domain_is_an_object_conflict_the_sdk_reads(
    admin_sdk: GraphServiceClient,
) -> None:
    """F10: the second ``domains.post`` raises ``ODataError`` with ``ObjectConflict`` on id."""
    name = f"c{uuid.uuid4().hex[:8]}.gbr-lon.provider.test"
    await admin_sdk.domains.post(Domain(id=name))
    with pytest.raises(ODataError) as duplicate:
        await admin_sdk.domains.post(Domain(id=name))
    assert _odata_error(duplicate) == (400, "Request_BadRequest", [("ObjectConflict", "id")])


async def test_service_configuration_records_parse_into_their_record_types(
    admin_sdk: GraphServiceClient, tenant: SeededTenant
) -> None:
    """F15: ``service_configuration_records`` come back as SRV, CNAME, MX and TXT records."""
    records = await admin_sdk.domains.by_domain_id(
        tenant.domain
    ).service_configuration_records.get()
    assert records is not None
    assert records.value
    federation = next(
        r
        for r in records.value
        if isinstance(r, DomainDnsSrvRecord) and r.service == "_sipfederationtls"
    )
    assert (federation.name_target, federation.port) == ("sipfed.online.lync.com", 5061)
    cnames = {
        r.label: r.canonical_name for r in records.value if isinstance(r, DomainDnsCnameRecord)
    }
    assert cnames[f"lyncdiscover.{tenant.domain}"] == "webdir.online.lync.com"


async def test_deleted_users_are_listed_restored_and_purged(
    admin_sdk: GraphServiceClient, tenant: SeededTenant
) -> None:
    """F6: ``directory.deleted_items.graph_user`` (``/directory/deletedItems/graph.user``),
    ``by_directory_object_id(...).restore`` and ``.delete``."""
    user_id = await _create(admin_sdk, tenant, "recycled")
    await admin_sdk.users.by_user_id(user_id).delete()
    bin_ = admin_sdk.directory.deleted_items
    listed = await bin_.graph_user.get()
    assert listed is not None
    assert listed.value
    [deleted] = listed.value
    assert deleted.id == user_id
    assert isinstance(deleted.deleted_date_time, datetime)
    item = await bin_.by_directory_object_id(user_id).get()
    assert isinstance(item, User)
    assert item.user_principal_name == tenant.upn("recycled")
    restored = await bin_.by_directory_object_id(user_id).restore.post()
    assert isinstance(restored, User)
    assert restored.id == user_id
    assert await admin_sdk.users.by_user_id(user_id).get() is not None
    await admin_sdk.users.by_user_id(user_id).delete()
    await bin_.by_directory_object_id(user_id).delete()
    emptied = await bin_.graph_user.get()
    assert emptied is not None
    assert emptied.value == []


async def test_app_only_restores_but_may_not_purge_without_delete_restore(
    admin_sdk: GraphServiceClient, app_sdk: GraphServiceClient, tenant: SeededTenant
) -> None:
    """directory-deleteditems-delete: an app needs User.DeleteRestore.All to purge; the
    suite's app (User.ReadWrite.All) gets ``Authorization_RequestDenied`` but may restore."""
    user_id = await _create(app_sdk, tenant, "appmade")
    await app_sdk.users.by_user_id(user_id).delete()
    item = app_sdk.directory.deleted_items.by_directory_object_id(user_id)
    with pytest.raises(ODataError) as denied:
        await item.delete()
    assert _odata_error(denied)[:2] == (403, "Authorization_RequestDenied")
    restored = await item.restore.post()
    assert isinstance(restored, User)


async def _free_seats(client: GraphServiceClient, part: str) -> tuple[uuid.UUID, int]:
    skus = await client.subscribed_skus.get()
    assert skus is not None
    assert skus.value
    sku = next(s for s in skus.value if s.sku_part_number == part)
    assert sku.sku_id is not None
    assert sku.prepaid_units is not None
    return sku.sku_id, (sku.prepaid_units.enabled or 0) - (sku.consumed_units or 0)


async def test_subscribed_skus_count_seats(admin_sdk: GraphServiceClient) -> None:
    """``subscribed_skus``: skuId (a UUID to the SDK), prepaid and consumed units."""
    sku_id, free = await _free_seats(admin_sdk, MCOSTANDARD)
    assert str(sku_id) == "d42c793f-6c78-4f43-92ca-e8f6a02b035f"
    assert free == 1


async def test_assign_license_takes_a_seat(
    admin_sdk: GraphServiceClient, tenant: SeededTenant
) -> None:
    """``assign_license.post`` with the SDK's body; the seat is consumed and the user holds it."""
    user_id = await _create(admin_sdk, tenant, "gateway")
    sku_id, _ = await _free_seats(admin_sdk, MCOSTANDARD)
    body = AssignLicensePostRequestBody(
        add_licenses=[AssignedLicense(sku_id=sku_id, disabled_plans=[])], remove_licenses=[]
    )
    assert await admin_sdk.users.by_user_id(user_id).assign_license.post(body) is not None
    assert (await _free_seats(admin_sdk, MCOSTANDARD))[1] == 0
    config = RequestConfiguration(
        query_parameters=UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
            select=["assignedLicenses"]
        )
    )
    user = await admin_sdk.users.by_user_id(user_id).get(request_configuration=config)
    assert user is not None
    assert [lic.sku_id for lic in user.assigned_licenses or []] == [sku_id]


def _phone_user(sb: Harness, tenant: SeededTenant) -> dict[str, Any]:
    user: dict[str, Any] = next(
        u
        for u in sb.state(tenant)["users"]
        if "ENTERPRISEPREMIUM" in u["licenses"] and not u["roles"]
    )
    return user


def _numbers(client: GraphServiceClient) -> NumberAssignmentsRequestBuilder:
    return client.admin.teams.telephone_number_management.number_assignments


async def _numbers_of(client: GraphServiceClient, user_id: str) -> list[str]:
    config = RequestConfiguration(
        query_parameters=NumberAssignmentsRequestBuilder.NumberAssignmentsRequestBuilderGetQueryParameters(
            filter=f"assignmentTargetId eq '{user_id}'"
        )
    )
    page = await _numbers(client).get(request_configuration=config)
    assert page is not None
    return [n.telephone_number or "" for n in page.value or []]


async def test_numbers_are_assigned_and_unassigned_with_the_qualified_actions(
    admin_sdk: GraphServiceClient, sb: Harness, tenant: SeededTenant
) -> None:
    """``microsoft.graph.teamsAdministration.assignNumber`` / ``unassignNumber`` as the SDK
    sends them (202, no body), seen through ``numberAssignments``."""
    user = _phone_user(sb, tenant)
    numbers = _numbers(admin_sdk)
    await numbers.microsoft_graph_teams_administration_assign_number.post(
        AssignNumberPostRequestBody(
            telephone_number="14255550142",
            assignment_target_id=user["id"],
            number_type=NumberType.DirectRouting,
        )
    )
    assert [n.lstrip("+") for n in await _numbers_of(admin_sdk, user["id"])] == ["14255550142"]
    await numbers.microsoft_graph_teams_administration_unassign_number.post(
        UnassignNumberPostRequestBody(
            telephone_number="14255550142", number_type=NumberType.DirectRouting
        )
    )
    assert await _numbers_of(admin_sdk, user["id"]) == []


async def test_policies_are_found_assigned_and_unassigned_with_the_qualified_names(
    admin_sdk: GraphServiceClient, sb: Harness, tenant: SeededTenant
) -> None:
    """``microsoft.graph.teamsAdministration.getPolicyId`` then ``assign``/``unassign``."""
    teams = sb.teams(tenant)
    teams.put(
        "/Skype.Policy/configurations/OnlinePstnUsages/configuration/Global", json={"Usage": ["U"]}
    )
    created = teams.post(
        "/Skype.Policy/configurations/OnlineVoiceRoutingPolicy",
        json={"Identity": "Callroute-E164", "OnlinePstnUsages": ["U"]},
    )
    assert created.status_code == 201, created.text
    policy = admin_sdk.admin.teams.policy
    # msgraph-sdk 1.65 expands this function's URL template without its comma (std-uritemplate
    # 2.0.12 drops literal commas: "getPolicyId(type='…'name='…')"), which is not OData; the
    # request builder is given the URL its template means instead.
    builder = policy.microsoft_graph_teams_administration_get_policy_id_with_type_with_name(
        name="Callroute-E164", type="OnlineVoiceRoutingPolicy"
    )
    found = await builder.with_url(
        f"{sb.endpoints.graph}/admin/teams/policy/microsoft.graph.teamsAdministration."
        "getPolicyId(type='OnlineVoiceRoutingPolicy',name='Callroute-E164')"
    ).get()
    assert found is not None
    assert found.value
    assert found.value[0].policy_id
    user = _phone_user(sb, tenant)
    kind = "OnlineVoiceRoutingPolicy"
    await policy.user_assignments.microsoft_graph_teams_administration_assign.post(
        AssignPostRequestBody(
            value=[
                TeamsPolicyUserAssignment(
                    user_id=user["id"], policy_type=kind, policy_id=found.value[0].policy_id
                )
            ]
        )
    )
    voice = sb.state(tenant)["voice"]["users"][user["userPrincipalName"]]
    assert "Callroute-E164" in {*voice["policies"].values(), *voice["pendingGrants"].values()}
    await policy.user_assignments.microsoft_graph_teams_administration_unassign.post(
        UnassignPostRequestBody(
            value=[TeamsPolicyUserAssignment(user_id=user["id"], policy_type=kind)]
        )
    )
    after = sb.state(tenant)["voice"]["users"].get(user["userPrincipalName"], {})
    assert "Callroute-E164" not in {*after.get("policies", {}).values()}
