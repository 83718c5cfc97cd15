"""A hundred activations and deactivations at once, under throttling the sandbox makes tight:
every one ends as asked, and another provider's users are never changed."""

from __future__ import annotations

from pathlib import Path

from tests.support.harness import Harness, SeededTenant
from tests.support.product import Product
from tests.support.voice import POLICY, as_if_integrated, inactive_users, run_until_ended

USERS = 100


def _numbered(sb: Harness, tenant: SeededTenant) -> dict[str, dict[str, object]]:
    users: dict[str, dict[str, object]] = sb.state(tenant)["voice"]["users"]
    return users


async def test_a_hundred_activations_and_deactivations_at_once_under_throttling(
    sb: Harness, tmp_path: Path
) -> None:
    tenant = sb.make_tenant(
        users=USERS + 10,
        teams_phone_share=1.0,
        other_provider={"users": 4},
        knobs={
            "teams_throttling": {"requests_per_10s": 120},
            "number_operation_seconds": 2,
        },
    )
    product = Product.create(sb, f"sqlite:///{tmp_path / 'db.sqlite'}", RUNNER_CONCURRENCY="50")
    try:
        product.onboard(tenant)
        as_if_integrated(sb, product, tenant)
        theirs_before = {
            upn: voice for upn, voice in _numbered(sb, tenant).items() if POLICY not in str(voice)
        }
        users = product.runtime.integrations.users
        await users.sync(tenant.id)
        chosen = await inactive_users(product, tenant, USERS)
        activations = product.runtime.integrations.activations
        runs = [
            await activations.activate(tenant.id, u.user_id, f"+4420794{60000 + i}", "a", None)
            for i, u in enumerate(chosen)
        ]

        assert set(await run_until_ended(product, runs)) == {"succeeded"}
        numbered = _numbered(sb, tenant)
        assert all(
            numbered[u.upn]["numbers"] == [f"+4420794{60000 + i}"] for i, u in enumerate(chosen)
        )

        runs = [await activations.deactivate(tenant.id, u.user_id, "a", None) for u in chosen]

        assert set(await run_until_ended(product, runs)) == {"succeeded"}
        after = _numbered(sb, tenant)
        assert not any(u.upn in after for u in chosen)
        assert {upn: v for upn, v in after.items() if upn in theirs_before} == theirs_before
    finally:
        product.close()
