"""The runners' schedule: tenants synced before are synced again (changes only) once the
interval has passed; tenants never synced are left alone."""

from __future__ import annotations

import asyncio
from pathlib import Path

from provisioning.identity.scopes import Purpose
from tests.support.harness import Harness
from tests.support.product import Product


async def test_a_tenant_synced_before_is_synced_again_after_the_interval(
    sb: Harness, tmp_path: Path
) -> None:
    tenant = sb.make_tenant(users=10, teams_phone_share=0.5)
    product = Product.create(
        sb, f"sqlite:///{tmp_path / 'db.sqlite'}", USER_SYNC_INTERVAL_SECONDS="0.5"
    )
    try:
        product.sign_in(tenant, Purpose.GRAPH)
        await product.runtime.integrations.users.sync(tenant.id)
        user = next(u for u in sb.state(tenant)["users"] if not u["roles"])
        renamed = sb.graph(tenant).patch(f"/users/{user['id']}", json={"displayName": "Renamed"})
        assert renamed.status_code == 204, renamed.text
        await asyncio.sleep(0.6)

        ran = await product.runtime.sync_schedule.run_due()

        assert ran == 1
        found = await product.runtime.integrations.users.user(tenant.id, user["id"])
        assert found is not None
        assert found.display_name == "Renamed"
    finally:
        product.close()


async def test_a_tenant_never_synced_is_left_alone(sb: Harness, tmp_path: Path) -> None:
    tenant = sb.make_tenant(users=5)
    product = Product.create(
        sb, f"sqlite:///{tmp_path / 'db.sqlite'}", USER_SYNC_INTERVAL_SECONDS="0.1"
    )
    try:
        product.sign_in(tenant, Purpose.GRAPH)

        assert await product.runtime.sync_schedule.run_due() == 0
    finally:
        product.close()
