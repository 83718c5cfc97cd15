"""50 seeded runs while 10% of all Microsoft calls fail: throttling, server errors, connection
resets and timeouts, some of them after Microsoft did the work and lost the answer. Every run
converges to the same outcome as an undisturbed one, and every removal after it, under the same
faults, leaves each tenant as it was."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.ledger import LedgerStatus
from storage.runs import ACTIVE, RunKind, RunStatus
from tests.support.harness import Harness, SeededTenant
from tests.support.product import (
    Product,
    added_objects,
    alike_tenant,
    facts,
    normalised,
    object_counts,
)

RUNS = 50
SERVICES = ("entra", "graph", "teams_admin")
# (kind, when, rate) per service: about 10% of every service's calls fail in all.
FAULTS = (
    ("429", "before", 0.025),
    ("503", "before", 0.025),
    ("reset", "after", 0.025),
    ("timeout", "before", 0.0125),
    ("timeout", "after", 0.0125),
)


@pytest.fixture
def product(sb: Harness, tmp_path: Path) -> Iterator[Product]:
    """The product with a short client timeout, so hung calls are given up quickly."""
    installed = Product.create(sb, f"sqlite:///{tmp_path / 'bot.db'}", HTTP_TIMEOUT_SECONDS="1.5")
    yield installed
    installed.close()


def _break_microsoft(sb: Harness) -> None:
    """Every fault rule of :data:`FAULTS` on every Microsoft service, each with its own seed."""
    sb.control.patch("/knobs", json={"timeout_seconds": 2})
    seed = 0
    for service in SERVICES:
        for kind, when, rate in FAULTS:
            seed += 1
            sb.add_fault(kind=kind, when=when, service=service, rate=rate, seed=seed)


async def _run_all(product: Product, run_ids: list[str], within: float) -> None:
    """One runner working on many runs at once until every run has ended."""
    runner = product.runner(concurrency=25)
    stop = asyncio.Event()
    worker = asyncio.create_task(runner.run_forever(stop))
    deadline = time.monotonic() + within
    active = {s.value for s in ACTIVE}
    try:
        while any(product.run(r).status in active for r in run_ids):
            assert time.monotonic() < deadline, "runs still active"
            assert not worker.done(), worker
            await asyncio.sleep(0.5)
    finally:
        stop.set()
        await worker


def _measured(sb: Harness) -> None:
    rules = sb.control.get("/faults").json()["faults"]
    # Every call passes the first rule of its service, so that rule counts the calls.
    calls = sum(r["matched"] for r in rules if r["kind"] == "429")
    fired = sum(r["fired"] for r in rules)
    assert 0.07 < fired / calls < 0.13, (fired, calls)
    assert {r["kind"] for r in rules if r["fired"]} == {"429", "503", "reset", "timeout"}
    sb.control.delete("/faults")


async def test_fifty_runs_converge_while_a_tenth_of_microsoft_calls_fail(
    sb: Harness, product: Product, uninterrupted: tuple[set[str], dict[str, int]]
) -> None:
    """Every run succeeds with exactly the undisturbed outcome; removals then undo it all."""
    tenants: list[SeededTenant] = [alike_tenant(sb, seed=100 + i) for i in range(RUNS)]
    before = {t.id: facts(sb, t) for t in tenants}
    counted = {t.id: object_counts(sb, t) for t in tenants}
    for tenant in tenants:
        product.onboard(tenant)
    run_ids = [await product.start(t) for t in tenants]
    _break_microsoft(sb)

    await _run_all(product, run_ids, within=600)

    _measured(sb)
    expected_facts, expected_counts = uninterrupted
    for tenant, run_id in zip(tenants, run_ids, strict=True):
        run = product.run(run_id)
        assert run.status == RunStatus.SUCCEEDED, (tenant.domain, run.error, run.hint)
        added = normalised(tenant, facts(sb, tenant) - before[tenant.id])
        assert added == expected_facts, tenant.domain
        assert added_objects(counted[tenant.id], object_counts(sb, tenant)) == expected_counts
        entries = product.runtime.store.ledger(tenant.id)
        assert {e.status for e in entries} == {LedgerStatus.CREATED}

    removals = [await product.start(t, RunKind.REMOVE) for t in tenants]
    _break_microsoft(sb)

    await _run_all(product, removals, within=600)

    _measured(sb)
    for tenant, run_id in zip(tenants, removals, strict=True):
        run = product.run(run_id)
        assert run.status == RunStatus.SUCCEEDED, (tenant.domain, run.error, run.hint)
        assert facts(sb, tenant) == before[tenant.id], tenant.domain
        assert product.runtime.vault.purposes(tenant.id) == []
