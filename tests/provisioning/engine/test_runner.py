"""The runner on a plan of test steps: order, durable waits, retries and their budget, give-up
clocks, permanent failures, milestones and per-step time limits."""

from __future__ import annotations

import asyncio
import dataclasses
import json

from provisioning.engine.contract import Done, Failed, Outcome, StepContext, Wait
from provisioning.engine.errors import StepError
from provisioning.engine.plans import PlanBook
from provisioning.engine.retry import MAX_ATTEMPTS
from storage.runs import RunStatus, StepStatus
from tests.provisioning.engine.conftest import Behaviour, Bench, Params, abc_plan


def transient(service: str = "Microsoft Graph", retry_after: float | None = None) -> Behaviour:
    """A behaviour: the outside system fails transiently."""

    async def fail(ctx: StepContext[Params, object]) -> Outcome:
        raise StepError(service, "503 Service Unavailable", transient=True, retry_after=retry_after)

    return fail


def permanent(message: str = "Insufficient privileges") -> Behaviour:
    """A behaviour: the outside system refuses for good."""

    async def fail(ctx: StepContext[Params, object]) -> Outcome:
        raise StepError("the Teams admin API", message, transient=False)

    return fail


def wait(seconds: float, reason: str = "waiting") -> Behaviour:
    """A behaviour: the step asks to be woken later."""

    async def later(ctx: StepContext[Params, object]) -> Outcome:
        return Wait(ctx.clock.now() + seconds, reason)

    return later


def give_up_after(seconds: float) -> Behaviour:
    """A behaviour: wait until ``seconds`` have passed since the step first started, then fail."""

    async def poll(ctx: StepContext[Params, object]) -> Outcome:
        if ctx.elapsed() > seconds:
            return Failed("gave up", "retry")
        return Wait(ctx.clock.now() + 3600, "still waiting")

    return poll


async def test_steps_run_in_dependency_order_and_the_run_succeeds(bench: Bench) -> None:
    """a → b → c, each once; the run ends succeeded with a milestone for b and for the end."""
    run_id = bench.start()
    await bench.runner().drain()
    assert bench.status(run_id) == RunStatus.SUCCEEDED
    assert bench.script.calls == ["a", "b", "c"]
    milestones = [
        json.loads(e.data)["milestone"] for e in bench.store.events(run_id) if e.kind == "milestone"
    ]
    assert milestones == ["b_done", "run_succeeded"]


async def test_a_long_wait_parks_the_run_on_a_durable_timer(bench: Bench) -> None:
    """The lease is given up; no runner takes the run before its time, any runner after."""
    bench.script.then("b", wait(600))
    run_id = bench.start()
    await bench.runner().drain()
    run = bench.store.run(run_id)
    assert run is not None
    assert (run.status, run.lease_owner) == (RunStatus.WAITING, None)
    assert run.next_wake_at is not None
    assert 599 < run.next_wake_at - bench.clock.now() <= 600
    assert bench.store.claim("someone", bench.clock.now(), 30) is None
    bench.clock.advance(601)
    await bench.runner(owner="another").drain()
    assert bench.status(run_id) == RunStatus.SUCCEEDED


async def test_retry_after_is_honoured_with_a_little_jitter(bench: Bench) -> None:
    """Each 429 with ``Retry-After: 120`` comes back after 120 s to 144 s, not before, and not
    after the same time every time (throttled runs must not return in step)."""
    throttled_at: list[float] = []

    async def throttled(ctx: StepContext[Params, object]) -> Outcome:
        throttled_at.append(ctx.clock.now())
        raise StepError("Microsoft Graph", "429 Too Many Requests", transient=True, retry_after=120)

    bench.script.then("a", *[throttled] * 8)
    run_id = bench.start()
    runner = bench.runner()  # one runner, as in production: its random source runs on
    waits: list[float] = []
    for _ in range(8):
        await runner.drain()
        step = bench.store.steps(run_id)["a"]
        assert step.status == StepStatus.WAITING
        assert step.wait_until is not None
        assert "Microsoft Graph is busy or failing" in (step.wait_reason or "")
        waits.append(step.wait_until - throttled_at[-1])
        bench.clock.advance(145)
    assert all(120 <= w <= 144.1 for w in waits)
    assert max(waits) - min(waits) > 2  # spread by the jitter, not by the clock's reading
    await runner.drain()
    assert bench.status(run_id) == RunStatus.SUCCEEDED


async def test_consecutive_transient_failures_exhaust_the_budget(bench: Bench) -> None:
    """Twelve failures in a row end the run with the system's text and a hint."""
    bench.script.then("a", *[transient() for _ in range(MAX_ATTEMPTS)])
    run_id = bench.start()
    for _ in range(MAX_ATTEMPTS + 2):
        await bench.runner().drain()
        bench.clock.advance(120)
    run = bench.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.FAILED
    assert run.error == "503 Service Unavailable"
    assert bench.script.calls.count("a") == MAX_ATTEMPTS


async def test_blips_between_good_polls_never_add_up(bench: Bench) -> None:
    """A long wait with a failure after every poll: each failure window is one attempt long."""
    behaviours = []
    for _ in range(3 * MAX_ATTEMPTS):
        behaviours += [transient(), wait(600)]
    bench.script.then("b", *behaviours)
    run_id = bench.start()
    for _ in range(8 * MAX_ATTEMPTS):
        await bench.runner().drain()
        bench.clock.advance(601)
        if bench.status(run_id) != RunStatus.WAITING:
            break
    assert bench.status(run_id) == RunStatus.SUCCEEDED
    assert bench.script.calls.count("b") == 6 * MAX_ATTEMPTS + 1


async def test_throttling_does_not_count_as_failed_attempts(bench: Bench) -> None:
    """Thirty 429s a minute apart are Microsoft asking us to slow down, not failing."""
    bench.script.then("a", *[transient(retry_after=60.0) for _ in range(30)])
    run_id = bench.start()
    for _ in range(32):
        await bench.runner().drain()
        bench.clock.advance(75)
    assert bench.status(run_id) == RunStatus.SUCCEEDED
    assert bench.script.calls.count("a") == 31


async def test_throttling_for_over_two_hours_ends_the_run(bench: Bench) -> None:
    """Throttled without a break for longer than the budget: the admin is told."""
    bench.script.then("a", *[transient(retry_after=1800.0) for _ in range(10)])
    run_id = bench.start()
    for _ in range(10):
        await bench.runner().drain()
        bench.clock.advance(2200)
    run = bench.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.FAILED
    assert bench.script.calls.count("a") == 5


async def test_a_permanent_failure_ends_the_run_with_the_text_and_the_plan_s_hint(
    bench: Bench,
) -> None:
    """Not retried; the run's error is the system's text, its hint what the plan says."""
    bench.script.then("b", permanent())
    run_id = bench.start()
    await bench.runner().drain()
    run = bench.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.FAILED
    assert run.error == "Insufficient privileges"
    assert run.hint is not None
    assert run.hint.startswith("hint for the Teams admin API")
    assert bench.script.calls == ["a", "b"]
    kinds = [(e.kind, json.loads(e.data).get("milestone")) for e in bench.store.events(run_id)][-2:]
    assert kinds == [("milestone", "b_done"), ("milestone", "run_failed")]


async def test_a_retry_starts_the_give_up_clocks_afresh(bench: Bench) -> None:
    """After a give-up, Retry waits again instead of failing at once with the old clock."""
    bench.script.then("a", give_up_after(48 * 3600), give_up_after(48 * 3600))
    run_id = bench.start()
    await bench.runner().drain()
    bench.clock.advance(49 * 3600)
    await bench.runner().drain()
    assert bench.status(run_id) == RunStatus.FAILED
    assert bench.store.retry(run_id, bench.clock.now())
    bench.script.then("a", give_up_after(48 * 3600))
    await bench.runner().drain()
    assert bench.status(run_id) == RunStatus.WAITING
    assert bench.store.steps(run_id)["a"].wait_reason == "still waiting"


async def test_a_failed_run_retried_keeps_what_was_done(bench: Bench) -> None:
    """Failed steps start over; done steps are not run again."""
    bench.script.then("b", permanent())
    run_id = bench.start()
    await bench.runner().drain()
    assert bench.store.retry(run_id, bench.clock.now())
    await bench.runner().drain()
    assert bench.status(run_id) == RunStatus.SUCCEEDED
    assert bench.script.calls == ["a", "b", "b", "c"]


async def test_a_step_over_its_time_limit_counts_as_a_transient_failure(bench: Bench) -> None:
    """A hung attempt is cut off at the step's timeout and tried again later."""

    async def hang(ctx: StepContext[Params, object]) -> Outcome:
        await asyncio.sleep(30)
        return Done()

    script = bench.script
    plan = abc_plan(script)
    quick = dataclasses.replace(plan.steps[0], timeout=0.2)
    bench.book = PlanBook([dataclasses.replace(plan, steps=(quick, *plan.steps[1:]))])
    script.then("a", hang)
    run_id = bench.start()
    await bench.runner().drain()
    step = bench.store.steps(run_id)["a"]
    assert step.status == StepStatus.WAITING
    assert "longer than 0.2 s" in (step.wait_reason or "")
    assert step.attempts == 1


async def test_a_step_s_dependents_wait_until_its_completion_is_saved(bench: Bench) -> None:
    """While ``a``'s "done" is being written, ``b`` (which needs it) does not start; if the
    write fails, ``b`` has not run at all."""
    import time

    from tests.support.clocks import SkewedStore

    class SlowDisk(SkewedStore):
        def save_step(self, lease, record, now, emits=(), created=(), removed=()):  # type: ignore[no-untyped-def]
            if record.name == "a" and record.status == StepStatus.DONE:
                time.sleep(0.3)
                raise RuntimeError("disk full")
            super().save_step(lease, record, now, emits, created, removed)

    async def quick(ctx: StepContext[Params, None]) -> Outcome:
        return Done()

    plan = abc_plan(bench.script)
    sibling = dataclasses.replace(plan.steps[0], name="x", run=quick, title="X")
    bench.book = PlanBook(
        [dataclasses.replace(plan, steps=(plan.steps[0], sibling, *plan.steps[1:]))]
    )
    bench.store = SlowDisk(bench.store.engine, bench.clock)
    run_id = bench.start()
    await bench.runner().drain()
    assert bench.script.calls == ["a"]
    assert bench.store.steps(run_id)["b"].status == StepStatus.PENDING
