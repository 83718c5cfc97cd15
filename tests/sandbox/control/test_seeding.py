"""Creating, seeding, reading back and deleting tenants through the control API."""

from __future__ import annotations

from typing import Any

import jwt

from tests.support.harness import Harness, SeededTenant

MCOSTANDARD_PLAN = "0feaeb32-d00e-4d66-bd5a-43b5b83db82c"
MCOEV_PLAN = "4828c8ec-dc2e-4779-b502-87ac9ce28ab7"
GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"


def test_the_demo_tenant_contoso_is_ready_to_integrate(sb: Harness) -> None:
    """Contoso: a Global Administrator, a few dozen Teams Phone users, one MCOSTANDARD seat."""
    contoso = next(
        t
        for t in sb.control.get("/tenants").json()["tenants"]
        if t["initialDomain"] == "contoso.onmicrosoft.com"
    )
    state = sb.control.get(f"/tenants/{contoso['id']}/state").json()
    admin = next(
        u for u in state["users"] if u["userPrincipalName"] == "admin@contoso.onmicrosoft.com"
    )
    assert admin["roles"] == ["Global Administrator"]
    phone_users = [u for u in state["users"] if MCOEV_PLAN in u["enabledPlans"]]
    assert 24 <= len(phone_users) <= 60
    free_with_mcostandard = sum(
        s["free"] for s in state["subscribedSkus"] if MCOSTANDARD_PLAN in s["servicePlanIds"]
    )
    assert free_with_mcostandard == 1


def test_contoso_admin_signs_in_and_sees_the_tenant_through_graph(sb: Harness) -> None:
    """The demo tenant works end to end: sign in (consenting for the org), read Graph."""
    contoso = next(
        t
        for t in sb.control.get("/tenants").json()["tenants"]
        if t["initialDomain"] == "contoso.onmicrosoft.com"
    )
    tenant = SeededTenant(
        contoso["id"], "contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com", contoso
    )
    result, verifier = sb.entra.sign_in(
        tenant.domain, tenant.admin, ["https://graph.microsoft.com/User.Read.All"]
    )
    token = sb.entra.redeem(
        tenant.domain,
        result.params["code"],
        verifier,
        ["https://graph.microsoft.com/User.Read.All"],
    ).json()
    users = sb.https.get(
        f"{sb.endpoints.graph}/users?$top=999",
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert users.status_code == 200
    assert len(users.json()["value"]) == contoso["users"]


def test_seeding_is_deterministic_for_a_spec(sb: Harness) -> None:
    """The same spec gives the same ids; only a different domain changes them."""
    spec: dict[str, Any] = {"users": 20, "seed": 7, "teams_phone_share": 0.5}
    first = sb.make_tenant(name="Same", domain="samea", **spec)
    ids_first = [u["id"] for u in sb.state(first)["users"]]
    sb.control.delete(f"/tenants/{first.id}")
    again = sb.make_tenant(name="Same", domain="samea", **spec)
    assert [u["id"] for u in sb.state(again)["users"]] == ids_first
    assert again.id == first.id
    other = sb.make_tenant(name="Same", domain="sameb", **spec)
    assert not set(ids_first) & {u["id"] for u in sb.state(other)["users"]}


def test_seeded_shares_and_free_seats_add_up(sb: Harness) -> None:
    """Teams Phone share, unlicensed share, base licences and free seats as asked."""
    tenant = sb.make_tenant(
        users=100,
        teams_phone_share=0.4,
        unlicensed_share=0.25,
        phone_licences=["ENTERPRISEPACK", "MCOEV"],
        free_seats={"MCOSTANDARD": 3, "ENTERPRISEPACK": 2},
    )
    state = sb.state(tenant)
    members = [u for u in state["users"] if not u["roles"]]
    assert sum(MCOEV_PLAN in u["enabledPlans"] for u in members) == 40
    assert sum(not u["licenses"] for u in members) == 25
    skus = {s["skuPartNumber"]: s for s in state["subscribedSkus"]}
    assert skus["MCOEV"]["consumed"] == 40
    assert skus["ENTERPRISEPACK"]["consumed"] == 75
    assert skus["ENTERPRISEPACK"]["free"] == 2
    assert skus["MCOSTANDARD"]["free"] == 3


def test_bad_specs_are_refused_with_a_reason(sb: Harness) -> None:
    """Unknown fields, SKUs and roles, and impossible shares are 400s."""
    cases = [
        {"name": "X", "colour": "red"},
        {"name": "X", "free_seats": {"NOSUCHSKU": 1}},
        {"name": "X", "admins": [{"user": "a", "roles": ["Supreme Leader"]}]},
        {"name": "X", "teams_phone_share": 0.8, "unlicensed_share": 0.5},
        {"name": "X", "deleted_upns_reserved": "yes"},
        {"name": ""},
    ]
    for spec in cases:
        response = sb.control.post("/tenants", json=spec)
        assert response.status_code == 400, spec
        assert response.json()["error"]


def test_a_second_tenant_with_the_same_domain_is_refused(sb: Harness) -> None:
    """Initial domains are unique."""
    tenant = sb.make_tenant()
    response = sb.control.post(
        "/tenants", json={"name": "Dup", "domain": tenant.domain.split(".")[0]}
    )
    assert response.status_code == 400


def test_state_read_back_covers_domains_users_skus_and_consents(sb: Harness) -> None:
    """The state JSON is complete enough to diff a tenant before and after."""
    tenant = sb.make_tenant(users=3, free_seats={"MCOSTANDARD": 1})
    state = sb.state(tenant)
    assert {
        "id",
        "displayName",
        "initialDomain",
        "domains",
        "users",
        "subscribedSkus",
        "consents",
        "knobs",
    } <= set(state)
    assert state["domains"][0]["id"] == tenant.domain
    assert state["domains"][0]["verificationText"].startswith("MS=ms")
    assert len(state["users"]) == 4
    assert "0b7c4a3e-1d2f-4e5a-9b8c-7d6e5f4a3b2c" in state["consents"]


def test_state_lists_deleted_users_apart_from_live_ones(sb: Harness) -> None:
    """F6: a user in the recycle bin is under ``deletedUsers`` with its deletion time, not under
    ``users``."""
    tenant = sb.make_tenant(users=3)
    victim = sb.state(tenant)["users"][-1]
    assert sb.graph(tenant).delete(f"/users/{victim['id']}").status_code == 204
    state = sb.state(tenant)
    assert victim["id"] not in {u["id"] for u in state["users"]}
    [deleted] = state["deletedUsers"]
    assert (deleted["id"], deleted["userPrincipalName"]) == (
        victim["id"],
        victim["userPrincipalName"],
    )
    assert deleted["deletedDateTime"].endswith("Z")


def test_a_purged_user_leaves_the_state(sb: Harness) -> None:
    """F6: after a permanent delete the user is neither live nor deleted."""
    tenant = sb.make_tenant(users=3)
    victim = sb.state(tenant)["users"][-1]
    graph = sb.graph(tenant)
    graph.delete(f"/users/{victim['id']}")
    graph.delete(f"/directory/deletedItems/{victim['id']}")
    assert sb.state(tenant)["deletedUsers"] == []


def test_deleting_a_tenant_invalidates_its_tokens(sb: Harness) -> None:
    """A deleted tenant is gone for the control API and for Graph."""
    tenant = sb.make_tenant()
    graph = sb.graph(tenant)
    assert sb.control.delete(f"/tenants/{tenant.id}").status_code == 204
    assert sb.control.get(f"/tenants/{tenant.id}").status_code == 404
    assert graph.get("/me").status_code == 401


def test_reset_returns_to_the_demo_tenant_alone(private_sandbox: Harness) -> None:
    """``POST /reset`` forgets every tenant, fault and knob and re-seeds Contoso."""
    sb = private_sandbox
    sb.make_tenant()
    sb.add_fault(service="graph", rate=1.0, kind="503")
    body = sb.control.post("/reset").json()
    assert [t["initialDomain"] for t in body["tenants"]] == ["contoso.onmicrosoft.com"]
    assert sb.control.get("/faults").json()["faults"] == []
    sb.created.clear()


def test_roles_can_be_changed_for_a_user(sb: Harness) -> None:
    """Tests give or take directory roles; tokens issued afterwards carry them in ``wids``."""
    tenant = sb.make_tenant()
    sb.control.patch(
        f"/tenants/{tenant.id}/users/{tenant.admin}",
        json={"roles": ["Teams Administrator", "User Administrator"]},
    )
    token = sb.entra.user_token(tenant.domain, tenant.admin, ["User.Read"])["access_token"]
    wids = jwt.decode(token, options={"verify_signature": False})["wids"]
    assert GLOBAL_ADMIN not in wids
    assert "69091246-20e8-4a56-aa4d-066075b2a7a8" in wids
    assert (
        sb.control.patch(
            f"/tenants/{tenant.id}/users/{tenant.admin}", json={"roles": ["Nope"]}
        ).status_code
        == 400
    )


def test_a_tenant_can_be_seeded_with_microsoft_s_delays(sb: Harness) -> None:
    """``knobs`` in the spec are the tenant's knobs from the start, validated as by PATCH."""
    tenant = sb.make_tenant(users=2, knobs={"activation_seconds": 45, "grant_delay_seconds": 30})
    knobs = sb.state(tenant)["knobs"]
    assert (knobs["activation_seconds"], knobs["grant_delay_seconds"]) == (45, 30)
    refused = sb.control.post("/tenants", json={"name": "Bad", "knobs": {"nonsense": 1}})
    assert refused.status_code == 400
    assert "nonsense" in refused.text


def test_the_demo_tenant_runs_with_microsoft_s_delays(sb: Harness) -> None:
    """F7: the demo shows the waits an admin meets (activation, replication, grants, numbers)."""
    tenants = sb.control.get("/tenants").json()
    tenants = tenants.get("tenants", tenants) if isinstance(tenants, dict) else tenants
    contoso = next(t for t in tenants if t["initialDomain"] == "contoso.onmicrosoft.com")
    knobs = sb.control.get(f"/tenants/{contoso['id']}/state").json()["knobs"]
    assert knobs["activation_seconds"] > 0
    assert knobs["consistency_seconds"] > 0
    assert knobs["grant_delay_seconds"] > 0
    assert knobs["number_operation_seconds"] > 0
