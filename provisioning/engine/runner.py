"""The runner: claims due runs by lease, executes their ready steps concurrently, records every
outcome, and parks a run on a durable timer when all that is left is waiting.

Only the runner sleeps, retries, persists, leases and emits progress (DESIGN.md, the engine).
Every database call runs in a worker thread, so a runner can share its event loop with a web
server without stalling it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, ParamSpec, Protocol, TypeVar

from i18n.text import N_, t
from provisioning import metrics
from provisioning.engine.clock import Clock
from provisioning.engine.contract import (
    Done,
    Failed,
    Ledger,
    LedgerEntryView,
    LedgerItem,
    Outcome,
    Step,
    StepContext,
    Wait,
)
from provisioning.engine.errors import LeaseLost, StepError
from provisioning.engine.plans import RUN_END, Plan, PlanBook
from provisioning.engine.retry import backoff, exhausted
from provisioning.engine.store import Emit, Lease, RunStore
from provisioning.log_context import about
from storage.ledger import LedgerStatus
from storage.runs import RunRecord, RunStatus, StepRecord, StepStatus

_log = logging.getLogger(__name__)
R = TypeVar("R")
A = ParamSpec("A")
MAX_INTERNAL_ERRORS = 5
# The system that failed when the failure is the bot's own (an admin reads it in hints).
THE_BOT = N_("the bot")


class PortsFactory(Protocol):
    """Opens the outside systems of a tenant for the time a run executes."""

    def open(self, tenant_id: str) -> AbstractAsyncContextManager[Any]:
        """The tenant's ports, closed when the block ends."""
        ...


@dataclass
class _Execution:
    """One run as a runner holds it while executing: its records, and its tenant's ledger.

    The ledger is read once and then kept in step with every write this runner makes (only
    one run acts on a tenant at a time), so no attempt reads it again.
    """

    run: RunRecord
    lease: Lease
    plan: Plan[Any, Any]
    params: Any
    records: dict[str, StepRecord]
    ports: Any
    ledger: dict[tuple[str, str], LedgerEntryView] = field(default_factory=dict)

    def note(self, item: LedgerItem, status: LedgerStatus) -> None:
        """The ledger as it is after a write of ``item`` with ``status``."""
        key = (item.kind, item.key)
        old = self.ledger.get(key)
        data = {**(old.data if old else {}), **item.data}
        self.ledger[key] = LedgerEntryView(item.kind, item.key, status.value, data)

    def forget(self, item: LedgerItem) -> None:
        """An intent taken back."""
        entry = self.ledger.get((item.kind, item.key))
        if entry is not None and entry.status == LedgerStatus.INTENDED.value:
            del self.ledger[(item.kind, item.key)]


def _copy(record: StepRecord) -> StepRecord:
    """A detached copy to change and save, leaving the loop's view as it was until then."""
    return StepRecord(**record.model_dump())


def _outcome(outcome: Outcome | None) -> str:
    """The attempt's outcome as metrics name it: done, wait, failed, or error (transient)."""
    if outcome is None:
        return "error"
    if isinstance(outcome, Done):
        return "done"
    return "wait" if isinstance(outcome, Wait) else "failed"


def default_owner() -> str:
    """A runner's identity: host, process and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Runner:
    """Executes runs; any number of runners may share one database."""

    def __init__(
        self,
        store: RunStore,
        book: PlanBook,
        ports: PortsFactory,
        clock: Clock,
        *,
        owner: str | None = None,
        lease_seconds: float = 30.0,
        concurrency: int = 100,
        idle_poll_seconds: float = 1.0,
        hold_seconds: float = 3.0,
        seed: int | None = None,
    ) -> None:
        self.store = store
        self.book = book
        self.ports = ports
        self.clock = clock
        self.owner = owner or default_owner()
        self.lease = lease_seconds
        self.concurrency = concurrency
        self.idle_poll = idle_poll_seconds
        # Waits this short are slept in place (recorded when they begin, not when repeated).
        self.hold = hold_seconds
        # Runs asleep in such a wait: they do no work, so they leave their slot to another run
        # (a hundred activations each watching a number operation must not queue behind each
        # other), up to this many in all.
        self._asleep = 0
        self._max_held = concurrency * 10
        self._rng = random.Random(seed)

    def reached(self, point: str, step: str) -> None:
        """Called at ``after_intent``, ``before_record`` and ``after_record`` of each step.

        Does nothing here; a subclass may watch the runner's progress.
        """

    async def _db(self, call: Callable[A, R], *args: A.args, **kwargs: A.kwargs) -> R:
        return await asyncio.to_thread(call, *args, **kwargs)

    # -------------------------------------------------------------------------------- loop

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Claim and execute runs until ``stop`` is set; then let go of every lease held."""
        tasks: set[asyncio.Task[None]] = set()
        try:
            while not stop.is_set():
                while (
                    room := min(
                        self.concurrency - (len(tasks) - self._asleep),
                        self._max_held - len(tasks),
                    )
                ) > 0:
                    claimed = await self._db(
                        self.store.claim_many, self.owner, self.clock.now(), self.lease, room
                    )
                    for run, lease in claimed:
                        task = asyncio.create_task(self.execute(run, lease), name=f"run-{run.id}")
                        tasks.add(task)
                    if len(claimed) < room:
                        break
                stopper = asyncio.create_task(stop.wait())
                done, _ = await asyncio.wait(
                    {*tasks, stopper}, timeout=self.idle_poll, return_when=asyncio.FIRST_COMPLETED
                )
                stopper.cancel()
                tasks -= done
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def drain(self, max_seconds: float = 60.0) -> None:
        """Execute runs until none is due and none is in flight (for tests and tools)."""
        deadline = self.clock.now() + max_seconds
        while True:
            claimed = await self._db(self.store.claim, self.owner, self.clock.now(), self.lease)
            if claimed is None:
                return
            await self.execute(*claimed)
            if self.clock.now() > deadline:
                return

    # ----------------------------------------------------------------------------- a run

    async def execute(self, run: RunRecord, lease: Lease) -> None:
        """Work on one claimed run until it ends, waits long, or the lease is lost."""
        with about(run_id=run.id, tenant_id=run.tenant_id):
            await self._execute_claimed(run, lease)

    async def _execute_claimed(self, run: RunRecord, lease: Lease) -> None:
        work = asyncio.create_task(self._execute(run, lease))
        heartbeat = asyncio.create_task(self._heartbeat(lease))
        try:
            await asyncio.wait({work, heartbeat}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            # Stopping: end the steps, then let go so another runner can go on at once.
            work.cancel()
            await asyncio.gather(work, return_exceptions=True)
            await self._let_go(lease)
            raise
        finally:
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)
        if not work.done():
            # The heartbeat ended: the lease is gone. No step may go on acting alone.
            _log.warning("lost the lease of run %s: stopping its steps", run.id)
            work.cancel()
            await asyncio.gather(work, return_exceptions=True)
            await self._let_go(lease)
            return
        error = work.exception()
        if error is None:
            return
        if isinstance(error, LeaseLost):
            _log.warning("run %s was cancelled or taken over: stopping", run.id)
            await self._let_go(lease)
            return
        _log.error("run %s stopped on an unexpected error", run.id, exc_info=error)
        with contextlib.suppress(LeaseLost):
            await self._internal_error(run, lease, error)

    async def _let_go(self, lease: Lease) -> None:
        try:
            await self._db(self.store.relinquish, lease, self.clock.now())
        except Exception:
            _log.exception("could not let go of run %s (its lease will expire)", lease.run_id)

    async def _internal_error(self, run: RunRecord, lease: Lease, error: BaseException) -> None:
        current = await self._db(self.store.run, run.id)
        count = (current.internal_errors if current else 0) + 1
        now = self.clock.now()
        if count >= MAX_INTERNAL_ERRORS:
            plan = self.book.version(run.kind, run.plan_version)
            # Stored in English (the runner has no language); the bot says it in the admin's.
            what = f"{type(error).__name__}: {error}"  # the developer's words: data
            message = t("The bot itself failed {count} times: {error}", count=count, error=what)
            hint = t("Report this to the provider with the run id; retry once it is fixed.")
            await self._db(
                self.store.finish,
                lease,
                RunStatus.FAILED,
                now,
                plan.on_finish,
                [Emit.milestone(RUN_END[RunStatus.FAILED], message, hint=hint)],
                message,
                hint,
            )
            return
        retry_at = now + min(300.0, 5.0 * 2 ** (count - 1))
        await self._db(self.store.count_internal_error, lease, now, retry_at)

    async def _heartbeat(self, lease: Lease) -> None:
        """Renew the lease until it cannot be renewed (returns then)."""
        interval = min(self.lease / 3, 2.0)
        loop = asyncio.get_running_loop()
        renewed = loop.time()
        while True:
            await asyncio.sleep(interval)
            try:
                if not await self._db(self.store.renew, lease, self.lease):
                    return
                renewed = loop.time()
            except Exception:
                _log.exception("renewing the lease of run %s failed", lease.run_id)
                if loop.time() - renewed > self.lease * 0.8:
                    return  # it has lapsed (or is about to): act as if lost

    async def _execute(self, run: RunRecord, lease: Lease) -> None:
        plan = self.book.version(run.kind, run.plan_version)
        params = plan.load(json.loads(run.plan))
        records = await self._db(self.store.steps, run.id)
        missing = [s.name for s in plan.steps if s.name not in records]
        if missing:
            await self._db(self.store.add_missing_steps, lease, missing)
            records = await self._db(self.store.steps, run.id)
        await self._db(self.store.start_run, lease, self.clock.now(), plan.on_start)
        ledger = await self._db(self.store.ledger, run.tenant_id)
        running: dict[str, asyncio.Task[None]] = {}
        try:
            async with self.ports.open(run.tenant_id) as ports:
                mine = {s.name: records[s.name] for s in plan.steps}
                execution = _Execution(run, lease, plan, params, mine, ports)
                execution.ledger = {(e.kind, e.key): e for e in ledger}
                await self._steps_loop(execution, running)
        finally:
            for task in running.values():
                task.cancel()
            await asyncio.gather(*running.values(), return_exceptions=True)

    async def _steps_loop(
        self, execution: _Execution, running: dict[str, asyncio.Task[None]]
    ) -> None:
        plan, lease, mine = execution.plan, execution.lease, execution.records
        while True:
            now = self.clock.now()
            for step in self._ready(plan, mine, running, now):
                running[step.name] = asyncio.create_task(self._attempt(execution, step))
            if running:
                done, _ = await asyncio.wait(running.values(), return_when=asyncio.FIRST_COMPLETED)
                for name in [n for n, t in running.items() if t in done]:
                    running.pop(name).result()
                continue
            states = {r.status for r in mine.values()}
            if StepStatus.FAILED.value in states:
                await self._finish_failed(lease, plan, mine)
                return
            if states == {StepStatus.DONE.value}:
                await self._db(
                    self.store.finish,
                    lease,
                    RunStatus.SUCCEEDED,
                    self.clock.now(),
                    plan.on_finish,
                    [Emit.milestone(RUN_END[RunStatus.SUCCEEDED], f"{plan.kind} done")],
                )
                return
            waiting = [r for r in mine.values() if r.status == StepStatus.WAITING.value]
            wake = min((r.wait_until or now for r in waiting), default=now)
            if wake - now <= self.hold:
                self._asleep += 1
                try:
                    await asyncio.sleep(max(0.0, wake - self.clock.now()))
                finally:
                    self._asleep -= 1
                continue
            reason = "; ".join(r.wait_reason for r in waiting if r.wait_reason)
            await self._db(self.store.release, lease, wake, now, reason)
            return

    @staticmethod
    def _ready(
        plan: Plan[Any, Any],
        records: dict[str, StepRecord],
        running: dict[str, asyncio.Task[None]],
        now: float,
    ) -> list[Step[Any, Any]]:
        if any(r.status == StepStatus.FAILED.value for r in records.values()):
            return []  # a permanent failure ends the run: start nothing new
        ready = []
        for step in plan.steps:
            record = records[step.name]
            if step.name in running or record.status == StepStatus.DONE.value:
                continue
            if any(records[n].status != StepStatus.DONE.value for n in step.needs):
                continue
            if record.status == StepStatus.WAITING.value and (record.wait_until or 0) > now:
                continue
            ready.append(step)
        return ready

    # ---------------------------------------------------------------------------- a step

    async def _attempt(self, execution: _Execution, step: Step[Any, Any]) -> None:
        lease, records = execution.lease, execution.records
        record = _copy(records[step.name])
        now = self.clock.now()
        if record.started_at is None:
            # The first attempt is recorded (its start is the give-up clocks' origin); later
            # attempts after a wait are not, to keep the critical path free of writes.
            record.started_at = now
            record.status, record.executed_by = StepStatus.RUNNING.value, self.owner
            started = Emit("step_started", step.title, step.name, {"owner": self.owner})
            await self._db(self.store.save_step, lease, record, now, [started])
            records[step.name] = record

        async def intend(item: LedgerItem) -> None:
            await self._db(self.store.intend, lease, item, self.clock.now())
            execution.note(item, LedgerStatus.INTENDED)
            self.reached("after_intent", step.name)

        async def withdraw(item: LedgerItem) -> None:
            await self._db(self.store.withdraw, lease, item)
            execution.forget(item)

        async def checkpoint(data: Mapping[str, Any]) -> None:
            await self._db(self.store.checkpoint, lease, step.name, data, self.clock.now())
            current = records[step.name]
            current.data = json.dumps({**json.loads(current.data), **data}, sort_keys=True)

        outputs = {
            name: json.loads(r.data)
            for name, r in records.items()
            if r.status == StepStatus.DONE.value
        }
        ctx: StepContext[Any, Any] = StepContext(
            params=execution.params,
            ports=execution.ports,
            clock=self.clock,
            ledger=Ledger(list(execution.ledger.values())),
            intend=intend,
            withdraw=withdraw,
            checkpoint=checkpoint,
            started_at=record.started_at,
            data=json.loads(record.data),
            outputs=outputs,
        )
        outcome: Outcome | None = None
        error: StepError | None = None
        clocked = time.perf_counter()
        try:
            async with asyncio.timeout(step.timeout):
                outcome = await step.run(ctx)
        except StepError as exc:
            error = exc
            if not exc.transient:
                outcome = Failed(exc.message, execution.plan.explain(exc))
        except TimeoutError:
            limit = f"{step.timeout:g}"
            error = StepError(
                THE_BOT,
                t("one attempt took longer than {seconds} s", seconds=limit),
                transient=True,
            )
        except LeaseLost:
            raise
        except Exception as exc:
            _log.exception("step %s of run %s raised", step.name, execution.run.id)
            error = StepError(THE_BOT, f"{type(exc).__name__}: {exc}", transient=True)
        seconds = time.perf_counter() - clocked
        metrics.step_attempt(execution.plan.kind, step.name, _outcome(outcome), seconds)
        self.reached("before_record", step.name)
        await self._record(execution, step, outcome, error)
        self.reached("after_record", step.name)

    async def _record(
        self,
        execution: _Execution,
        step: Step[Any, Any],
        outcome: Outcome | None,
        error: StepError | None,
    ) -> None:
        """Persist the attempt's outcome; only then does the loop see it.

        Steps that depend on this one must not start before its completion is durable: a
        crash in between would leave them done and it not.
        """
        record = _copy(execution.records[step.name])
        done = await self._persist(execution.lease, execution.plan, step, record, outcome, error)
        if done is not None:
            for item in done.created:
                execution.note(item, LedgerStatus.CREATED)
            for item in done.removed:
                execution.note(item, LedgerStatus.REMOVED)
        execution.records[step.name] = record

    async def _persist(
        self,
        lease: Lease,
        plan: Plan[Any, Any],
        step: Step[Any, Any],
        record: StepRecord,
        outcome: Outcome | None,
        error: StepError | None,
    ) -> Done | None:
        """Save the step's new state; the outcome when it was done."""
        now = self.clock.now()
        # Waiting as before, nothing failing: a poll that found nothing new.
        unchanged = (
            record.status == StepStatus.WAITING.value
            and not record.attempts
            and record.failing_since is None
        )
        if outcome is None:
            assert error is not None
            record.failing_since = record.failing_since or now
            if not error.throttled:
                record.attempts += 1
            if exhausted(record.attempts, now - record.failing_since):
                # The attempts stay on record: how hard we tried is part of the story.
                outcome = Failed(error.message, plan.explain(error))
            else:
                delay = backoff(max(record.attempts, 1), error.retry_after, self._rng)
                after = f"{delay:.0f}"
                reason = t(
                    "{service} is busy or failing ({message}); trying again in {seconds} s",
                    service=error.service,
                    message=error.message,
                    seconds=after,
                )
                await self._save_wait(lease, step, record, Wait(now + delay, reason), now)
                return None
        else:
            record.attempts, record.failing_since = 0, None
        if isinstance(outcome, Done):
            data = {**json.loads(record.data), **outcome.outputs}
            record.data = json.dumps(data, sort_keys=True, default=str)
            record.status, record.finished_at = StepStatus.DONE.value, now
            record.wait_until = record.wait_reason = record.error = record.hint = None
            emits = [
                Emit("step_done", outcome.note or step.title, step.name, {"owner": self.owner})
            ]
            milestone = plan.milestone_of(step.name)
            if milestone is not None:
                emits.append(Emit.milestone(milestone.name, milestone.reached, step.name))
            await self._db(
                self.store.save_step,
                lease,
                record,
                now,
                emits,
                outcome.created,
                outcome.removed,
            )
            return outcome
        if isinstance(outcome, Wait):
            if unchanged and outcome.reason == record.wait_reason and self._held(outcome, now):
                # Nothing to keep: the wait is held in memory, and a run taken over after a
                # crash attempts the step again at once (its stored wait is already over).
                record.wait_until = outcome.until
                return None
            await self._save_wait(lease, step, record, outcome, now)
        else:
            record.status, record.finished_at = StepStatus.FAILED.value, now
            record.error, record.hint = outcome.message, outcome.hint
            emits = [Emit("step_failed", outcome.message, step.name, {"hint": outcome.hint})]
            milestone = plan.milestone_of(step.name)
            if milestone is not None:
                emits.append(
                    Emit.milestone(
                        milestone.name,
                        milestone.failed,
                        step.name,
                        outcome="failed",
                        error=outcome.message,
                        hint=outcome.hint,
                    )
                )
            await self._db(self.store.save_step, lease, record, now, emits)
        return None

    def _held(self, wait: Wait, now: float) -> bool:
        """Whether the run sleeps through ``wait`` here rather than giving its lease up."""
        return wait.until - now <= self.hold

    async def _save_wait(
        self, lease: Lease, step: Step[Any, Any], record: StepRecord, wait: Wait, now: float
    ) -> None:
        emits = []
        if wait.reason != record.wait_reason:
            emits.append(Emit("step_waiting", wait.reason, step.name, {"until": wait.until}))
        record.status, record.wait_until = StepStatus.WAITING.value, wait.until
        record.wait_reason = wait.reason
        await self._db(self.store.save_step, lease, record, now, emits)

    async def _finish_failed(
        self, lease: Lease, plan: Plan[Any, Any], records: dict[str, StepRecord]
    ) -> None:
        failed = next(
            records[s.name] for s in plan.steps if records[s.name].status == StepStatus.FAILED.value
        )
        await self._db(
            self.store.finish,
            lease,
            RunStatus.FAILED,
            self.clock.now(),
            plan.on_finish,
            [
                Emit.milestone(
                    RUN_END[RunStatus.FAILED], failed.error or "", failed.name, hint=failed.hint
                )
            ],
            failed.error,
            failed.hint,
        )
