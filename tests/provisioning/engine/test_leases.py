"""Leases and fencing: one runner per run, judged by the database's clock; a runner that lost its
lease stops at once and can write nothing; a stopping runner lets go; finishing is atomic."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from provisioning.engine.contract import Done, LedgerItem, Outcome, StepContext
from provisioning.engine.errors import ActiveRunExists, LeaseLost
from provisioning.engine.plans import PlanBook
from provisioning.engine.runner import Runner
from provisioning.engine.store import Lease
from storage.runs import RunRecord, RunStatus, StepRecord, StepStatus
from tests.provisioning.engine.conftest import TENANT, Bench, Params
from tests.support.clocks import SkewedStore


def _no_hook(session: Session, run: RunRecord, status: RunStatus) -> None:
    return None


async def test_a_leased_run_is_not_claimed_by_another_runner_until_it_expires(
    bench: Bench,
) -> None:
    """Claims take a lease; others see the run again only when it has run out."""
    run_id = bench.start()
    assert bench.store.claim("a", bench.clock.now(), 30) is not None
    assert bench.store.claim("b", bench.clock.now(), 30) is None
    bench.clock.advance(31)
    claimed = bench.store.claim("b", bench.clock.now(), 30)
    assert claimed is not None
    assert claimed[0].id == run_id
    assert claimed[1].generation == 2


async def test_lease_expiry_is_judged_by_the_database_clock(bench: Bench) -> None:
    """A runner whose own clock runs a day fast cannot take over a live lease."""
    bench.start()
    assert bench.store.claim("a", bench.clock.now(), 30) is not None
    assert bench.store.claim("b", bench.clock.now() + 86400, 30) is None


async def test_every_write_after_a_lost_lease_is_refused(bench: Bench) -> None:
    """Step state, ledger, checkpoints, timers and the finish are all fenced."""
    run_id = bench.start()
    claimed = bench.store.claim("a", bench.clock.now(), 30)
    assert claimed is not None
    lost = claimed[1]
    bench.clock.advance(31)
    assert bench.store.claim("b", bench.clock.now(), 30) is not None
    now = bench.clock.now()
    item = LedgerItem("thing", "x")
    writes: list[Callable[[], object]] = [
        lambda: bench.store.save_step(lost, StepRecord(run_id=run_id, name="a"), now),
        lambda: bench.store.intend(lost, item, now),
        lambda: bench.store.withdraw(lost, item),
        lambda: bench.store.checkpoint(lost, "a", {"k": 1}, now),
        lambda: bench.store.release(lost, now + 10, now, "x"),
        lambda: bench.store.start_run(lost, now, _no_hook),
        lambda: bench.store.finish(lost, RunStatus.SUCCEEDED, now, _no_hook),
        lambda: bench.store.add_missing_steps(lost, ["added_by_a_release"]),
        lambda: bench.store.count_internal_error(lost, now, now + 10),
    ]
    for write in writes:
        with pytest.raises(LeaseLost):
            write()
    assert bench.store.ledger(TENANT) == []
    assert set(bench.store.steps(run_id)) == {"a", "b", "c"}
    run = bench.store.run(run_id)
    assert run is not None
    assert (run.status, run.lease_owner, run.internal_errors) == (RunStatus.RUNNING, "b", 0)
    assert not bench.store.renew(lost, 30)


def _minute_long(
    stopped: asyncio.Event, started: asyncio.Event | None = None
) -> Callable[[StepContext[Params, object]], Awaitable[Outcome]]:
    """A step that takes a minute, sets ``started`` when it begins and ``stopped`` when it is
    cancelled."""

    async def long_step(ctx: StepContext[Params, object]) -> Outcome:
        if started is not None:
            started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            stopped.set()
            raise
        return Done()

    return long_step


async def test_a_runner_that_loses_its_lease_stops_its_steps_at_once(bench: Bench) -> None:
    """Another runner takes the run over mid-step: the first one's step is cancelled."""
    stopped, started = asyncio.Event(), asyncio.Event()
    bench.script.then("a", _minute_long(stopped, started))
    run_id = bench.start()
    runner = bench.runner(lease_seconds=0.6)
    claimed = bench.store.claim(runner.owner, bench.clock.now(), 0.6)
    assert claimed is not None
    execution = asyncio.create_task(runner.execute(*claimed))
    await asyncio.wait_for(started.wait(), 3)
    bench.clock.advance(5)  # the lease has run out by the database's clock
    assert bench.store.claim("usurper", bench.clock.now(), 30) is not None
    await asyncio.wait_for(stopped.wait(), 2)
    await asyncio.wait_for(execution, 2)
    run = bench.store.run(run_id)
    assert run is not None
    assert run.lease_owner == "usurper"
    assert bench.store.steps(run_id)["a"].executed_by == runner.owner  # no write after


class UnreachableDatabase(SkewedStore):
    """A store whose lease renewals fail with a database error (the server went away)."""

    def renew(self, lease: Lease, seconds: float) -> bool:
        """Fails."""
        raise OperationalError("UPDATE runs", {}, Exception("server closed the connection"))


async def test_a_runner_that_cannot_renew_its_lease_stops_its_steps(bench: Bench) -> None:
    """Renewing raises: before the lease can have lapsed the step is cancelled, nothing more
    is written or started, and the run is let go of."""
    stopped = asyncio.Event()
    bench.script.then("a", _minute_long(stopped))
    run_id = bench.start()
    bench.store = UnreachableDatabase(bench.store.engine, bench.clock)
    runner = bench.runner(lease_seconds=0.6)
    claimed = bench.store.claim(runner.owner, bench.clock.now(), 0.6)
    assert claimed is not None
    execution = asyncio.create_task(runner.execute(*claimed))
    await asyncio.wait_for(stopped.wait(), 3)
    await asyncio.wait_for(execution, 2)
    assert bench.script.calls == ["a"]
    steps = bench.store.steps(run_id)
    assert steps["a"].status == StepStatus.RUNNING  # its attempt was never recorded
    assert steps["b"].status == StepStatus.PENDING
    run = bench.store.run(run_id)
    assert run is not None
    assert (run.status, run.lease_owner) == (RunStatus.PENDING, None)


async def test_a_cancelled_run_s_runner_stops_and_lets_go(bench: Bench) -> None:
    """Cancelling fences the run; its runner notices, stops its step, releases the lease."""

    async def long_step(ctx: StepContext[Params, object]) -> Outcome:
        await asyncio.sleep(60)
        return Done()

    bench.script.then("a", long_step)
    run_id = bench.start()
    runner = bench.runner(lease_seconds=1.5)
    claimed = bench.store.claim(runner.owner, bench.clock.now(), 1.5)
    assert claimed is not None
    execution = asyncio.create_task(runner.execute(*claimed))
    await asyncio.sleep(0.2)
    assert bench.store.cancel(run_id, bench.clock.now(), "by test", _no_hook)
    assert bench.store.lease_holder(run_id) == runner.owner
    await asyncio.wait_for(execution, 3)
    assert bench.store.lease_holder(run_id) is None
    assert bench.status(run_id) == RunStatus.CANCELLED


async def test_a_tenant_s_next_run_waits_for_the_cancelled_one_to_let_go(bench: Bench) -> None:
    """While a cancelled run is still leased, no other run of its tenant is claimed."""
    run_id = bench.start()
    claimed = bench.store.claim("a", bench.clock.now(), 30)
    assert claimed is not None
    bench.store.cancel(run_id, bench.clock.now(), "x", _no_hook)
    second = bench.start()
    assert bench.store.claim("b", bench.clock.now(), 30) is None
    bench.store.relinquish(claimed[1], bench.clock.now())
    taken = bench.store.claim("b", bench.clock.now(), 30)
    assert taken is not None
    assert taken[0].id == second


async def test_a_stopping_runner_releases_its_leases(bench: Bench) -> None:
    """SIGTERM: the run is free for another runner at once, not after the lease expires."""
    started = asyncio.Event()

    async def long_step(ctx: StepContext[Params, object]) -> Outcome:
        started.set()
        await asyncio.sleep(60)
        return Done()

    bench.script.then("a", long_step)
    run_id = bench.start()
    stop = asyncio.Event()
    worker = asyncio.create_task(bench.runner(idle_poll_seconds=0.05).run_forever(stop))
    await asyncio.wait_for(started.wait(), 3)
    stop.set()
    await asyncio.wait_for(worker, 3)
    run = bench.store.run(run_id)
    assert run is not None
    assert (run.lease_owner, run.status) == (None, RunStatus.PENDING)
    assert bench.store.claim("next", bench.clock.now(), 30) is not None


async def test_one_active_run_per_tenant(bench: Bench) -> None:
    """A second run is refused while the first is active."""
    bench.start()
    with pytest.raises(ActiveRunExists):
        bench.start()


async def test_a_database_error_is_not_taken_for_an_active_run(bench: Bench) -> None:
    """A run for a tenant the database does not know fails as what it is."""
    with pytest.raises(IntegrityError):
        bench.store.create_run(
            "no-such-tenant", bench.book.current("test"), Params("x"), "x", bench.clock.now()
        )


async def test_finishing_is_all_or_nothing(bench: Bench) -> None:
    """When the domain's state cannot be written, the run is not marked finished either."""

    def broken(session: Session, run: RunRecord, status: RunStatus) -> None:
        if status == RunStatus.SUCCEEDED:
            raise RuntimeError("disk full")

    plan = bench.book.current("test")
    bench.book = PlanBook([dataclasses.replace(plan, on_finish=broken)])
    run_id = bench.start()
    await bench.runner().drain()
    run = bench.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.WAITING  # came back for another try, not half-finished
    assert run.finished_at is None
    assert run.internal_errors == 1
    assert [e.kind for e in bench.store.events(run_id)].count("milestone") == 1  # b_done only


class BrokenPorts:
    """Opening the outside systems always fails (a bug, not an outside failure)."""

    @asynccontextmanager
    async def open(self, tenant_id: str) -> AsyncIterator[None]:
        """Fails."""
        if tenant_id:
            raise RuntimeError("cannot wire the ports")
        yield None


async def test_a_run_that_keeps_failing_inside_the_bot_ends_instead_of_looping(
    bench: Bench,
) -> None:
    """After five internal errors the run fails with a message the provider can act on."""
    run_id = bench.start()
    runner = Runner(bench.store, bench.book, BrokenPorts(), bench.clock, seed=1)
    for _ in range(5):
        await runner.drain()
        bench.clock.advance(600)
    run = bench.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.FAILED
    assert "cannot wire the ports" in (run.error or "")
    assert "Report this to the provider" in (run.hint or "")
