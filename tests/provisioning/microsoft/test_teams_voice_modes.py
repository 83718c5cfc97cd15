"""The Teams admin adapter copes with each way the undocumented API may behave (fidelity review
F3, F4, F5, F11): the sandbox is switched to each alternative, and a whole provisioning and
removal, with users enabled on our platform in between, still ends with the tenant as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storage.runs import RunKind, RunStatus
from tests.provisioning.integration.test_provisioning import _enable_users
from tests.support.harness import Harness
from tests.support.product import Product, facts

MODES: dict[str, dict[str, Any]] = {
    "create-by-put": {"create": "put"},
    "key-required": {"key": "required"},
    "unassign-with-empty-only": {"unassign": "empty"},
    "unassign-with-null-only": {"unassign": "null"},
    "refusals-as-400": {"refusal_status": 400},
    "flat-pascal-users": {"users_shape": "flat", "users_casing": "pascal"},
    "paged-by-nextLink": {"users_paging": "nextLink"},
    "paged-by-odata-nextLink": {"users_paging": "@odata.nextLink"},
}


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
    tenant = sb.make_tenant(
        users=600 if paged else 12,
        teams_phone_share=0.5,
        free_seats={"MCOSTANDARD": 1},
        other_provider={"name": "Fabrikam Voice", "users": 2},
    )
    response = sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"teams_admin": modes})
    assert response.status_code == 200, response.text
    before = facts(sb, tenant)
    product.onboard(tenant)

    run = await product.converge(await product.start(tenant))
    assert run.status == RunStatus.SUCCEEDED, (run.error, run.hint)
    enabled = _enable_users(sb, tenant, count=2)
    removal = await product.converge(await product.start(tenant, RunKind.REMOVE))

    assert removal.status == RunStatus.SUCCEEDED, (removal.error, removal.hint)
    assert not set(enabled) & set(sb.state(tenant)["voice"]["users"])
    assert facts(sb, tenant) == before
