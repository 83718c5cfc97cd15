"""A hundred activations and deactivations at once, under throttling the sandbox makes tight:
every one ends as asked, and another provider's users are never changed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlmodel import Session, col, select

from provisioning.integrations import UserView
from storage.runs import ACTIVE, RunRecord
from tests.support.harness import Harness, SeededTenant
from tests.support.product import Product
from tests.support.voice import POLICY, as_if_integrated

USERS = 100


async def _run_all(product: Product, runs: list[str], within: float = 240.0) -> list[str]:
    """Runners work until every run has ended; the runs' statuses."""
    stop = asyncio.Event()
    runner = product.runner()
    work = asyncio.create_task(runner.run_forever(stop))
    active = {s.value for s in ACTIVE}
    try:
        async with asyncio.timeout(within):
            while True:
                with Session(product.runtime.engine) as session:
                    statuses = [
                        r.status
                        for r in session.exec(
                            select(RunRecord).where(col(RunRecord.id).in_(runs))
                        ).all()
                    ]
                if not active & set(statuses):
                    return statuses
                await asyncio.sleep(0.2)
    finally:
        stop.set()
        await work


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
        page_size = 20
        inactive: list[UserView] = []
        offset = 0
        while len(inactive) < USERS:
            page = await users.page(tenant.id, None, offset)
            inactive += [u for u in page.users if u.status.value == "inactive"]
            offset += page_size
        chosen = inactive[:USERS]
        activations = product.runtime.integrations.activations
        runs = [
            await activations.activate(tenant.id, u.user_id, f"+4420794{60000 + i}", "a", None)
            for i, u in enumerate(chosen)
        ]

        assert set(await _run_all(product, runs)) == {"succeeded"}
        numbered = _numbered(sb, tenant)
        assert all(
            numbered[u.upn]["numbers"] == [f"+4420794{60000 + i}"] for i, u in enumerate(chosen)
        )

        runs = [await activations.deactivate(tenant.id, u.user_id, "a", None) for u in chosen]

        assert set(await _run_all(product, runs)) == {"succeeded"}
        after = _numbered(sb, tenant)
        assert not any(u.upn in after for u in chosen)
        assert {upn: v for upn, v in after.items() if upn in theirs_before} == theirs_before
    finally:
        product.close()
