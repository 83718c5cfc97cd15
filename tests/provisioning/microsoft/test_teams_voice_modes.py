"""The Teams admin adapter copes with each way the undocumented API may behave (fidelity review
F3, F4, F5, F11): the sandbox is switched to each alternative, and a whole provisioning and
removal, with users enabled on our platform in between, still ends with the tenant as it was.
In the paged modes the enabled users are the tenant's last, beyond the first page the product
asks for, so only a client that follows the next link finds them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storage.runs import RunKind, RunStatus
from tests.support.harness import Harness, SeededTenant, user_body
from tests.support.product import Product, facts
from tests.support.voice import enable_users

MODES: dict[str, dict[str, Any]] = {
    "create-by-put": {"create": "put"},
    "key-required": {"key": "required"},
    "unassign-with-empty-only": {"unassign": "empty"},
    "unassign-with-null-only": {"unassign": "null"},
    "flat-pascal-users": {"users_shape": "flat", "users_casing": "pascal"},
    "paged-by-nextLink": {"users_paging": "nextLink"},
    "paged-by-odata-nextLink": {"users_paging": "@odata.nextLink"},
}
# The page size the product asks Get-CsOnlineUser for (``top``), and a tenant of more users.
PRODUCT_PAGE = 500
PAGED_TENANT_USERS = 600
E5 = "c7df2760-2c81-4ef7-b578-5b5392b571df"  # Office 365 E5: Teams Phone among its plans
# Seconds a grant takes to apply, turned on once the users are enabled: removal's unassignment
# is then still queued when it deletes our policy, which Teams refuses (F4, F7).
LATE_GRANTS = 3


@pytest.fixture
def product(sb: Harness, tmp_path: Path) -> Iterator[Product]:
    """The product wired to the shared sandbox."""
    installed = Product.create(sb, f"sqlite:///{tmp_path / 'bot.db'}")
    yield installed
    installed.close()


@pytest.mark.parametrize("modes", MODES.values(), ids=MODES.keys())
async def test_provisioning_and_removal_work_in_every_mode(
    sb: Harness, product: Product, modes: dict[str, Any]
) -> None:
    """Same outcome whatever the API's shape: everything made, then everything undone."""
    paged = "users_paging" in modes
    tenant, newcomers = _tenant(sb, PAGED_TENANT_USERS if paged else 12, modes)
    before = facts(sb, tenant)
    product.onboard(tenant)

    run = await product.converge(await product.start(tenant))
    assert run.status == RunStatus.SUCCEEDED, (run.error, run.hint)
    enabled = enable_users(sb, tenant, newcomers)
    if paged:
        assert not set(enabled) & _first_page(sb, tenant), "the holders must be past page 1"
    removal = await product.converge(await product.start(tenant, RunKind.REMOVE))

    assert removal.status == RunStatus.SUCCEEDED, (removal.error, removal.hint)
    assert not set(enabled) & set(sb.state(tenant)["voice"]["users"])
    assert facts(sb, tenant) == before


@pytest.mark.parametrize("status", [409, 400])
async def test_removal_waits_out_the_refusal_to_delete_a_policy_still_in_force(
    sb: Harness, product: Product, status: int
) -> None:
    """F4: whichever status Teams refuses with, the refusal is read as "still in use" (the
    policy is still there) and waited out, not taken for a failure."""
    tenant, newcomers = _tenant(sb, 12, {"refusal_status": status})
    before = facts(sb, tenant)
    product.onboard(tenant)
    run = await product.converge(await product.start(tenant))
    assert run.status == RunStatus.SUCCEEDED, (run.error, run.hint)
    enabled = enable_users(sb, tenant, newcomers)
    response = sb.control.patch(
        f"/tenants/{tenant.id}/knobs", json={"grant_delay_seconds": LATE_GRANTS}
    )
    assert response.status_code == 200, response.text

    removal = await product.converge(await product.start(tenant, RunKind.REMOVE))

    assert removal.status == RunStatus.SUCCEEDED, (removal.error, removal.hint)
    waits = [
        e.message for e in product.runtime.store.events(removal.id) if e.kind == "step_waiting"
    ]
    assert "Waiting for the voice routing policy to be unassigned from every user" in waits
    assert not set(enabled) & set(sb.state(tenant)["voice"]["users"])
    assert facts(sb, tenant) == before


def _tenant(sb: Harness, users: int, modes: dict[str, Any]) -> tuple[SeededTenant, dict[str, str]]:
    """A tenant with another provider's setup, the Teams admin API in ``modes``, and two
    Teams Phone newcomers to enable once provisioned."""
    tenant = sb.make_tenant(
        users=users,
        teams_phone_share=0.5,
        free_seats={"MCOSTANDARD": 1, "ENTERPRISEPREMIUM": 2},
        other_provider={"name": "Fabrikam Voice", "users": 2},
    )
    response = sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"teams_admin": modes})
    assert response.status_code == 200, response.text
    return tenant, _newcomers(sb, tenant, count=2)


def _newcomers(sb: Harness, tenant: SeededTenant, count: int) -> dict[str, str]:
    """``count`` Teams Phone (E5) users added after the seeded ones, by UPN to object id: the
    tenant's last users, so in the paged modes not on the first page."""
    graph = sb.graph(tenant)
    added = {}
    for index in range(count):
        upn = tenant.upn(f"newcomer{index}")
        response = graph.post("/users", json=user_body(upn, usageLocation="GB"))
        assert response.status_code == 201, response.text
        added[upn] = response.json()["id"]
        response = graph.post(
            f"/users/{added[upn]}/assignLicense",
            json={"addLicenses": [{"skuId": E5, "disabledPlans": []}], "removeLicenses": []},
        )
        assert response.status_code == 200, response.text
    return added


def _first_page(sb: Harness, tenant: SeededTenant) -> set[str]:
    """The UPNs on the first page of Get-CsOnlineUser at the product's page size."""
    response = sb.teams(tenant).get("/Teams.User/users", params={"top": str(PRODUCT_PAGE)})
    assert response.status_code == 200, response.text
    return {
        str(u.get("userPrincipalName") or u.get("UserPrincipalName"))
        for u in response.json()["users"]
    }
