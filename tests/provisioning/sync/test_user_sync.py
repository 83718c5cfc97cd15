"""User sync against the sandbox over HTTP: every kind of user classified, the tenant's changes
seen by a delta sync, an expired delta link, a sync cut off halfway, single-user sync."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from provisioning.identity.scopes import Purpose
from provisioning.microsoft.adapters import graph_user_sync
from provisioning.sync.service import UserSync
from provisioning.sync.store import SyncStore
from tests.support.harness import Graph, Harness, SeededTenant
from tests.support.product import Product
from tests.support.voice import MCOEV

NUMBERS = "/admin/teams/telephoneNumberManagement"
SPEC: dict[str, Any] = {
    "users": 30,
    "teams_phone_share": 0.5,
    "unlicensed_share": 0.2,
    "other_provider": {"users": 3},
    "resource_accounts": 1,
}


@pytest.fixture
def tenant(sb: Harness, product: Product) -> SeededTenant:
    """A tenant with licensed, unlicensed, another provider's users and a resource account."""
    seeded = sb.make_tenant(**SPEC)
    product.sign_in(seeded, Purpose.GRAPH)
    return seeded


def _statuses(store: SyncStore, tenant: SeededTenant) -> dict[str, str]:
    rows, _ = store.users(tenant.id, None, 0, 10_000)
    return {r.upn: r.status for r in rows}


def _expected(sb: Harness, tenant: SeededTenant) -> dict[str, str]:
    """Each user's status, from the sandbox's own state."""
    state = sb.state(tenant)
    # Users with a number or a policy of their own: all of them another provider's here.
    # Resource accounts have numbers too, but Teams' user configurations do not list them
    # (teams_users.py in the sandbox, F13): to Graph they are users like any other.
    voice_of_others = {
        upn
        for upn, voice in state["voice"]["users"].items()
        if voice["accountType"] != "resourceAccount"
    }
    out = {}
    for user in state["users"]:
        if user["userPrincipalName"] in voice_of_others:
            out[user["userPrincipalName"]] = "other"
        elif MCOEV in user["enabledPlans"]:
            out[user["userPrincipalName"]] = "inactive"
        else:
            out[user["userPrincipalName"]] = "unlicensed"
    return out


def _phone_user(sb: Harness, tenant: SeededTenant, store: SyncStore) -> dict[str, Any]:
    inactive = {u for u, s in _statuses(store, tenant).items() if s == "inactive"}
    return next(
        u
        for u in sb.state(tenant)["users"]
        if u["userPrincipalName"] in inactive and not u["roles"]
    )


def _wait(graph: Graph, location: str) -> None:
    for _ in range(100):
        if graph.get(location).json()["status"] in ("succeeded", "failed"):
            return
        time.sleep(0.05)
    raise AssertionError("the number operation never finished")


async def test_a_full_sync_classifies_every_kind_of_user(
    sb: Harness, tenant: SeededTenant, sync: UserSync, store: SyncStore
) -> None:
    summary = await sync.full(tenant.id)

    assert _statuses(store, tenant) == _expected(sb, tenant)
    assert summary.counts == {
        s: list(_expected(sb, tenant).values()).count(s)
        for s in ("inactive", "other", "unlicensed")
    }


async def test_another_providers_users_carry_their_numbers_and_policy(
    tenant: SeededTenant, sync: UserSync, store: SyncStore
) -> None:
    await sync.full(tenant.id)

    rows, total = store.users(tenant.id, graph_status("other"), 0, 20)
    assert total == 3
    assert all(r.numbers.startswith("+1425555") for r in rows)
    assert {r.routing_policy for r in rows} == {"FabrikamVoice"}


def graph_status(name: str) -> Any:
    from provisioning.sync.status import UserStatus

    return UserStatus(name)


async def test_a_removed_licence_shows_after_a_delta_sync(
    sb: Harness, tenant: SeededTenant, sync: UserSync, store: SyncStore
) -> None:
    await sync.full(tenant.id)
    user = _phone_user(sb, tenant, store)
    graph = sb.graph(tenant)
    sku = next(
        s["skuId"] for s in sb.state(tenant)["subscribedSkus"] if MCOEV in s["servicePlanIds"]
    )
    response = graph.post(
        f"/users/{user['id']}/assignLicense", json={"addLicenses": [], "removeLicenses": [sku]}
    )
    assert response.status_code == 200, response.text

    summary = await sync.delta(tenant.id)

    assert summary.kind == "delta"
    assert _statuses(store, tenant)[user["userPrincipalName"]] == "unlicensed"


async def test_a_deleted_user_is_marked_not_lost_after_a_delta_sync(
    sb: Harness, tenant: SeededTenant, sync: UserSync, store: SyncStore
) -> None:
    await sync.full(tenant.id)
    user = _phone_user(sb, tenant, store)
    assert sb.graph(tenant).delete(f"/users/{user['id']}").status_code == 204

    await sync.delta(tenant.id)

    assert user["userPrincipalName"] not in _statuses(store, tenant)
    kept = store.user(tenant.id, user["id"])
    assert kept is not None
    assert kept.removed


async def test_a_number_assigned_by_hand_shows_after_a_delta_sync(
    sb: Harness, tenant: SeededTenant, sync: UserSync, store: SyncStore
) -> None:
    await sync.full(tenant.id)
    user = _phone_user(sb, tenant, store)
    graph = sb.graph(tenant)
    response = graph.post(
        f"{NUMBERS}/numberAssignments/assignNumber",
        json={
            "telephoneNumber": "+14255550199",
            "assignmentTargetId": user["id"],
            "numberType": "directRouting",
            "assignmentCategory": "primary",
        },
    )
    assert response.status_code == 202, response.text
    _wait(graph, response.headers["Location"])

    await sync.delta(tenant.id)

    record = store.user(tenant.id, user["id"])
    assert record is not None
    assert (record.status, record.numbers) == ("other", "+14255550199")


def _grant_fabrikam_policy(sb: Harness, tenant: SeededTenant, user: dict[str, Any]) -> None:
    """Another provider grants its routing policy to ``user``: no number, no Enterprise Voice."""
    graph = sb.graph(tenant)
    policy = graph.get(
        "/admin/teams/policy/getPolicyId(type='OnlineVoiceRoutingPolicy',name='FabrikamVoice')"
    ).json()["value"][0]["policyId"]
    entry = {
        "@odata.type": "#microsoft.graph.teamsAdministration.teamsPolicyUserAssignment",
        "userId": user["id"],
        "policyType": "OnlineVoiceRoutingPolicy",
        "policyId": policy,
    }
    response = graph.post("/admin/teams/policy/userAssignments/assign", json={"value": [entry]})
    assert response.status_code == 204, response.text
    sb.advance_clock(sb.state(tenant)["knobs"].get("grant_delay_seconds", 0) + 1)


async def test_another_providers_policy_granted_alone_shows_after_a_delta_sync(
    sb: Harness, tenant: SeededTenant, sync: UserSync, store: SyncStore
) -> None:
    """Teams keeps no delta, but stamps what it changed (modifiedDateTime)."""
    await sync.full(tenant.id)
    user = _phone_user(sb, tenant, store)
    _grant_fabrikam_policy(sb, tenant, user)

    await sync.delta(tenant.id)

    record = store.user(tenant.id, user["id"])
    assert record is not None
    assert (record.status, record.routing_policy) == ("other", "FabrikamVoice")


async def test_a_policy_granted_alone_shows_after_a_delta_even_where_teams_refuses_the_time_filter(
    sb: Harness, tenant: SeededTenant, sync: UserSync, store: SyncStore
) -> None:
    """Which properties the list filters on is undocumented: refused, every user is read."""
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"filter_on_modified": False})
    await sync.full(tenant.id)
    user = _phone_user(sb, tenant, store)
    _grant_fabrikam_policy(sb, tenant, user)

    await sync.delta(tenant.id)

    record = store.user(tenant.id, user["id"])
    assert record is not None
    assert (record.status, record.routing_policy) == ("other", "FabrikamVoice")


async def test_a_second_delta_sync_with_no_changes_changes_nothing(
    sb: Harness, tenant: SeededTenant, sync: UserSync, store: SyncStore
) -> None:
    await sync.full(tenant.id)
    before = _statuses(store, tenant)

    summary = await sync.delta(tenant.id)

    assert _statuses(store, tenant) == before
    assert summary.changes() == {}


async def test_the_first_delta_sync_of_a_tenant_is_a_full_one(
    sb: Harness, tenant: SeededTenant, sync: UserSync, store: SyncStore
) -> None:
    summary = await sync.delta(tenant.id)

    assert summary.kind == "full"
    assert _statuses(store, tenant) == _expected(sb, tenant)


async def test_a_single_user_sync_finds_the_user_by_upn(
    sb: Harness, tenant: SeededTenant, sync: UserSync, store: SyncStore
) -> None:
    expected = _expected(sb, tenant)
    user = next(
        u for u in sb.state(tenant)["users"] if expected[u["userPrincipalName"]] == "inactive"
    )

    found = await sync.one(tenant.id, user["userPrincipalName"].upper())

    assert [u.id for u in found] == [user["id"]]
    assert _statuses(store, tenant) == {user["userPrincipalName"]: "inactive"}


async def test_a_sync_cut_off_halfway_resumes_to_the_same_result(
    sb: Harness,
    tenant: SeededTenant,
    sync: UserSync,
    store: SyncStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(graph_user_sync, "PAGE", 5)
    pages = 0

    def cut_off(directory: int, voice: int) -> None:
        nonlocal pages
        pages += 1
        if pages == 3:
            raise asyncio.CancelledError  # the process dies here, as far as the sync knows

    with pytest.raises(asyncio.CancelledError):
        await sync.full(tenant.id, cut_off)
    state = store.state(tenant.id)
    assert state is not None
    assert state.running == "full"
    store.pause(tenant.id, state.generation)  # a SIGKILL leaves no heartbeat behind

    summary = await sync.full(tenant.id)

    assert summary.kind == "full"
    assert _statuses(store, tenant) == _expected(sb, tenant)


async def test_a_sync_under_way_says_so(
    tenant: SeededTenant, sync: UserSync, store: SyncStore
) -> None:
    seen: list[str] = []

    def looking(directory: int, voice: int) -> None:
        seen.append(_under_way(store, tenant))

    await sync.full(tenant.id, looking)

    assert set(seen) == {"full"}
    assert _under_way(store, tenant) == ""


async def test_a_sync_failed_on_microsoft_s_error_can_be_started_again_at_once(
    sb: Harness, tenant: SeededTenant, sync: UserSync, store: SyncStore
) -> None:
    """It waits to be resumed, not under way: "Sync again" right after runs it."""
    sb.add_fault(tenant=tenant.id, service="graph", rate=1.0, kind="500")
    with pytest.raises(Exception):  # noqa: B017, PT011 - whichever error the port raised
        await sync.full(tenant.id)
    sb.control.delete("/faults")

    assert _under_way(store, tenant) == ""
    await sync.full(tenant.id)
    assert _statuses(store, tenant) == _expected(sb, tenant)


async def test_a_delta_link_microsoft_forgot_becomes_a_full_round(
    private_sandbox: Harness, tmp_path: Any
) -> None:
    product = Product.create(private_sandbox, f"sqlite:///{tmp_path / 'expired.db'}")
    try:
        seeded = private_sandbox.make_tenant(**SPEC)
        product.sign_in(seeded, Purpose.GRAPH)
        store = SyncStore(product.runtime.engine, "Callroute-E164")
        sync = UserSync(store, product.runtime.ports, product.runtime.clock)
        await sync.full(seeded.id)
        # Graph keeps delta state for 7 days (the sandbox's delta.py, graph-entra.md R15).
        private_sandbox.advance_clock(8 * 86400)
        product.sign_in(seeded, Purpose.GRAPH)  # the stored sign-in has expired as well

        summary = await sync.delta(seeded.id)

        assert summary.kind == "delta"
        assert _statuses(store, seeded) == _expected(private_sandbox, seeded)
        state = store.state(seeded.id)
        assert state is not None
        assert "deltatoken" in state.delta_link
    finally:
        product.close()


def _under_way(store: SyncStore, tenant: SeededTenant) -> str:
    state = store.state(tenant.id)
    assert state is not None
    return store.under_way(state)
