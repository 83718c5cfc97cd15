"""Two runner processes sharing the real PostgreSQL (issue "provisioning engine"): each run is
executed by exactly one of them, and when one is killed mid-run the other finishes its runs
once their leases have expired."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from storage.ledger import LedgerStatus
from storage.runs import ACTIVE, RunStatus
from tests.support.harness import Harness, SeededTenant
from tests.support.postgres import postgres_schema
from tests.support.processes import stop
from tests.support.product import (
    Product,
    added_objects,
    alike_tenant,
    facts,
    normalised,
    object_counts,
)

WORK = ("step_started", "step_done")


@pytest.fixture
def database_url() -> Iterator[str]:
    """A private schema in the machine's PostgreSQL."""
    with postgres_schema() as url:
        yield url


@pytest.fixture
def runners() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Runner processes a test starts; stopped afterwards whatever happened."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            stop(process)


def _owners(product: Product, run_id: str) -> list[str]:
    """Who executed each step event of a run, in order."""
    return [
        json.loads(e.data)["owner"] for e in product.runtime.store.events(run_id) if e.kind in WORK
    ]


def _wait_for(condition: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.2)


def _ended(product: Product, run_ids: list[str]) -> Callable[[], bool]:
    active = {s.value for s in ACTIVE}
    return lambda: all(product.run(r).status not in active for r in run_ids)


def _assert_converged(
    sb: Harness,
    product: Product,
    tenants: list[SeededTenant],
    run_ids: list[str],
    before: dict[str, tuple[set[str], Counter[str]]],
    uninterrupted: tuple[set[str], dict[str, int]],
) -> None:
    expected_facts, expected_counts = uninterrupted
    for tenant, run_id in zip(tenants, run_ids, strict=True):
        run = product.run(run_id)
        assert run.status == RunStatus.SUCCEEDED, (run.error, run.hint)
        known, counted = before[tenant.id]
        assert normalised(tenant, facts(sb, tenant) - known) == expected_facts
        assert added_objects(counted, object_counts(sb, tenant)) == expected_counts
        entries = product.runtime.store.ledger(tenant.id)
        assert {e.status for e in entries} == {LedgerStatus.CREATED}


def _onboarded(sb: Harness, product: Product, count: int) -> list[SeededTenant]:
    tenants = [alike_tenant(sb, seed=200 + i) for i in range(count)]
    for tenant in tenants:
        product.onboard(tenant)
    return tenants


async def test_each_run_is_executed_by_exactly_one_runner(
    sb: Harness,
    database_url: str,
    runners: list[subprocess.Popen[bytes]],
    uninterrupted: tuple[set[str], dict[str, int]],
    tmp_path: Path,
) -> None:
    """Six runs, two runners taking two at a time: both work, no run is shared."""
    product = Product.create(sb, database_url, RUNNER_CONCURRENCY="2")
    try:
        tenants = _onboarded(sb, product, 6)
        before = {t.id: (facts(sb, t), object_counts(sb, t)) for t in tenants}
        run_ids = [await product.start(t) for t in tenants]
        for owner in ("runner-a", "runner-b"):
            runners.append(product.runner_process(owner=owner, log=tmp_path / f"{owner}.log"))

        _wait_for(_ended(product, run_ids), 180, "the runs to end")

        _assert_converged(sb, product, tenants, run_ids, before, uninterrupted)
        owners = [set(_owners(product, r)) for r in run_ids]
        assert all(len(o) == 1 for o in owners), owners
        assert set().union(*owners) == {"runner-a", "runner-b"}
        for run_id in run_ids:
            started = [e.step for e in product.runtime.store.events(run_id) if e.kind == WORK[0]]
            assert len(started) == len(set(started))
    finally:
        product.close()


async def test_a_killed_runner_s_runs_are_finished_by_the_other_after_its_lease(
    sb: Harness,
    database_url: str,
    runners: list[subprocess.Popen[bytes]],
    uninterrupted: tuple[set[str], dict[str, int]],
    tmp_path: Path,
) -> None:
    """Runner A dies (SIGKILL) in the middle of four runs; runner B takes each of them over
    only after A's lease on it has run out, and finishes them without repeating A's work."""
    product = Product.create(sb, database_url, RUNNER_LEASE_SECONDS="2")
    # Slow enough that A is in the middle of every run when it dies.
    sb.control.patch("/knobs", json={"latency_ms": {"teams_admin": 300}})
    try:
        tenants = _onboarded(sb, product, 4)
        before = {t.id: (facts(sb, t), object_counts(sb, t)) for t in tenants}
        run_ids = [await product.start(t) for t in tenants]
        a = product.runner_process(owner="runner-a", log=tmp_path / "a.log")
        runners.append(a)
        _wait_for(lambda: all("runner-a" in _owners(product, r) for r in run_ids), 60, "A to start")
        runners.append(product.runner_process(owner="runner-b", log=tmp_path / "b.log"))
        a.send_signal(signal.SIGKILL)
        a.wait(timeout=10)
        leases = {r: product.run(r).lease_expires_at for r in run_ids}

        _wait_for(_ended(product, run_ids), 180, "the runs to end")

        _assert_converged(sb, product, tenants, run_ids, before, uninterrupted)
        for run_id in run_ids:
            events = [e for e in product.runtime.store.events(run_id) if e.kind in WORK]
            owners = [json.loads(e.data)["owner"] for e in events]
            handover = owners.index("runner-b")
            assert set(owners[:handover]) == {"runner-a"}
            assert set(owners[handover:]) == {"runner-b"}, "A came back from the dead"
            lease = leases[run_id]
            assert lease is None or events[handover].at >= lease
            done_by_a = {e.step for e in events[:handover] if e.kind == "step_done"}
            started_by_b = {e.step for e in events[handover:] if e.kind == "step_started"}
            assert not done_by_a & started_by_b, "B repeated a step A had finished"
    finally:
        product.close()
