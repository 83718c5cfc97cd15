"""The runner: claims due runs by lease, executes their ready steps concurrently, records every
outcome, and parks a run on a durable timer when all that is left is waiting.

Only the runner sleeps, retries, persists, leases and emits progress (DESIGN.md, the engine).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import signal
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from provisioning.errors import ErrorKind, ServiceError
from provisioning.hints import hint_for
from provisioning.ports.clock import Clock
from provisioning.runner.plans import PLANS
from provisioning.runner.ports_factory import PortsFactory, TenantPorts
from provisioning.runner.retry import MAX_ATTEMPTS, backoff
from provisioning.runner.store import LeaseLost, RunStore
from provisioning.steps.contract import (
    Done,
    Failed,
    IntegrationPlan,
    Ledger,
    LedgerItem,
    Outcome,
    Step,
    StepContext,
    Wait,
)
from storage.ledger import LedgerStatus
from storage.runs import RunKind, RunRecord, RunStatus, StepRecord, StepStatus
from storage.tenants import TenantState

_log = logging.getLogger(__name__)
CRASH_POINTS = ("after_intent", "before_record", "after_record")


@dataclass(frozen=True)
class CrashPoint:
    """Chaos testing: SIGKILL this process at a point of one step (``when`` in CRASH_POINTS)."""

    step: str
    when: str

    def __post_init__(self) -> None:
        if self.when not in CRASH_POINTS:
            raise ValueError(f"when must be one of {', '.join(CRASH_POINTS)}")

    def fire(self, step: str, when: str) -> None:
        """Die now if this is the point."""
        if step == self.step and when == self.when:
            _log.warning("crash point %s/%s reached: killing this process", step, when)
            os.kill(os.getpid(), signal.SIGKILL)


def default_owner() -> str:
    """A runner's identity: host, process and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Runner:
    """Executes runs; any number of runners may share one database."""

    def __init__(
        self,
        store: RunStore,
        ports: PortsFactory,
        clock: Clock,
        *,
        owner: str | None = None,
        lease_seconds: float = 30.0,
        concurrency: int = 20,
        idle_poll_seconds: float = 1.0,
        hold_seconds: float = 3.0,
        forget_credentials: Callable[[str], Awaitable[int]] | None = None,
        crash: CrashPoint | None = None,
        seed: int | None = None,
    ) -> None:
        self.store = store
        self.ports = ports
        self.clock = clock
        self.owner = owner or default_owner()
        self.lease = lease_seconds
        self.concurrency = concurrency
        self.idle_poll = idle_poll_seconds
        # Waits this short are slept in place (the timer is recorded all the same).
        self.hold = hold_seconds
        self.forget_credentials = forget_credentials
        self.crash = crash
        self._rng = random.Random(seed)

    # -------------------------------------------------------------------------------- loop

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Claim and execute runs until ``stop`` is set."""
        tasks: set[asyncio.Task[None]] = set()
        while not stop.is_set():
            while len(tasks) < self.concurrency:
                run = self.store.claim(self.owner, self.clock.now(), self.lease)
                if run is None:
                    break
                tasks.add(asyncio.create_task(self.execute(run), name=f"run-{run.id}"))
            stopper = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait(
                {*tasks, stopper}, timeout=self.idle_poll, return_when=asyncio.FIRST_COMPLETED
            )
            stopper.cancel()
            tasks -= done
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def drain(self, max_seconds: float = 60.0) -> None:
        """Execute runs until none is due and none is in flight (for tests and tools)."""
        deadline = self.clock.now() + max_seconds
        while True:
            run = self.store.claim(self.owner, self.clock.now(), self.lease)
            if run is None:
                return
            await self.execute(run)
            if self.clock.now() > deadline:
                return

    # ----------------------------------------------------------------------------- a run

    async def execute(self, run: RunRecord) -> None:
        """Work on one claimed run until it ends, waits long, or the lease is lost."""
        heartbeat = asyncio.create_task(self._heartbeat(run.id))
        try:
            await self._execute(run)
        except LeaseLost:
            _log.warning("lost the lease of run %s (cancelled, or another runner has it)", run.id)
            self.store.relinquish(run.id, self.owner)
        except Exception:
            _log.exception("run %s stopped on an unexpected error", run.id)
            with contextlib.suppress(LeaseLost):
                # Let another attempt (or runner) pick it up a little later.
                self.store.release(
                    run.id, self.owner, self.clock.now() + 5.0, self.clock.now(), "internal error"
                )
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat

    async def _heartbeat(self, run_id: str) -> None:
        while True:
            await asyncio.sleep(self.lease / 3)
            if not self.store.renew(run_id, self.owner, self.clock.now(), self.lease):
                return

    async def _execute(self, run: RunRecord) -> None:
        kind = RunKind(run.kind)
        steps = PLANS[kind]
        plan = IntegrationPlan(**json.loads(run.plan))
        records = self.store.steps(run.id)
        self.store.set_tenant_state(
            run.tenant_id,
            TenantState.INTEGRATING if kind == RunKind.PROVISION else TenantState.REMOVING,
            self.clock.now(),
        )
        running: dict[str, asyncio.Task[None]] = {}
        try:
            async with self.ports.open(run.tenant_id) as ports:
                await self._steps_loop(run, kind, steps, plan, records, ports, running)
        finally:
            # A lost lease or an error ends the run here: no step may go on acting alone.
            for task in running.values():
                task.cancel()
            await asyncio.gather(*running.values(), return_exceptions=True)

    async def _steps_loop(
        self,
        run: RunRecord,
        kind: RunKind,
        steps: tuple[Step, ...],
        plan: IntegrationPlan,
        records: dict[str, StepRecord],
        ports: TenantPorts,
        running: dict[str, asyncio.Task[None]],
    ) -> None:
        while True:
            now = self.clock.now()
            for step in self._ready(steps, records, running, now):
                running[step.name] = asyncio.create_task(
                    self._attempt(run, plan, step, records[step.name], ports)
                )
            if running:
                done, _ = await asyncio.wait(running.values(), return_when=asyncio.FIRST_COMPLETED)
                for name in [n for n, t in running.items() if t in done]:
                    running.pop(name).result()
                continue
            states = {r.status for r in records.values()}
            if StepStatus.FAILED.value in states:
                await self._finish_failed(run, steps, records)
                return
            if states == {StepStatus.DONE.value}:
                await self._finish_succeeded(run, kind, plan)
                return
            wake = min(
                r.wait_until or now
                for r in records.values()
                if r.status == StepStatus.WAITING.value
            )
            if wake - now <= self.hold:
                await asyncio.sleep(max(0.0, wake - self.clock.now()))
                continue
            reasons = [
                r.wait_reason
                for r in records.values()
                if r.wait_reason and r.status == StepStatus.WAITING.value
            ]
            self.store.release(run.id, self.owner, wake, now, "; ".join(reasons))
            self.store.progress(
                run.tenant_id, run.id, "run_waiting", now, "; ".join(reasons), wake_at=wake
            )
            return

    @staticmethod
    def _ready(
        steps: tuple[Step, ...],
        records: dict[str, StepRecord],
        running: dict[str, asyncio.Task[None]],
        now: float,
    ) -> list[Step]:
        ready = []
        for step in steps:
            record = records[step.name]
            if step.name in running or record.status in (
                StepStatus.DONE.value,
                StepStatus.FAILED.value,
            ):
                continue
            if any(records[n].status != StepStatus.DONE.value for n in step.needs):
                continue
            if record.status == StepStatus.WAITING.value and (record.wait_until or 0) > now:
                continue
            ready.append(step)
        return ready

    # ---------------------------------------------------------------------------- a step

    async def _attempt(
        self,
        run: RunRecord,
        plan: IntegrationPlan,
        step: Step,
        record: StepRecord,
        ports: TenantPorts,
    ) -> None:
        now = self.clock.now()
        if record.started_at is None:
            record.started_at = now
            self.store.progress(
                run.tenant_id,
                run.id,
                "step_started",
                now,
                step.title,
                step=step.name,
                owner=self.owner,
            )
        record.status, record.executed_by = StepStatus.RUNNING.value, self.owner
        self.store.save_step(run.id, self.owner, record)

        async def intend(item: LedgerItem) -> None:
            self.store.record(run.tenant_id, item, LedgerStatus.INTENDED, self.clock.now())
            if self.crash:
                self.crash.fire(step.name, "after_intent")

        forget = None
        if self.forget_credentials is not None:
            forget_fn = self.forget_credentials

            async def forget() -> int:
                count = await forget_fn(run.tenant_id)
                self.store.audit(
                    run.tenant_id, "runner", "credentials_deleted", self.clock.now(), count=count
                )
                return count

        ctx = StepContext(
            plan=plan,
            graph=ports.graph,
            teams=ports.teams,
            zone=ports.zone,
            probe=ports.probe,
            clock=self.clock,
            ledger=Ledger(self.store.ledger(run.tenant_id)),
            intend=intend,
            first_started_at=record.started_at,
            forget_credentials=forget,
        )
        outcome: Outcome | None
        try:
            outcome = await step.run(ctx)
        except ServiceError as exc:
            outcome = None if exc.transient else Failed(exc.message, hint_for(exc))
            error: ServiceError | None = exc
        except Exception as exc:
            _log.exception("step %s of run %s raised", step.name, run.id)
            outcome, error = None, ServiceError("runner", ErrorKind.TRANSIENT, repr(exc))
        else:
            error = None
        if self.crash:
            self.crash.fire(step.name, "before_record")
        self._record(run, step, record, outcome, error)
        if self.crash:
            self.crash.fire(step.name, "after_record")

    def _record(
        self,
        run: RunRecord,
        step: Step,
        record: StepRecord,
        outcome: Outcome | None,
        error: ServiceError | None,
    ) -> None:
        now = self.clock.now()
        if outcome is None:
            assert error is not None
            record.attempts += 1
            if record.attempts >= MAX_ATTEMPTS:
                outcome = Failed(error.message, hint_for(error))
            else:
                delay = backoff(record.attempts, error.retry_after, self._rng)
                outcome = Wait(
                    now + delay,
                    f"{error.service} is busy or failing "
                    f"({error.message}); trying again in {delay:.0f} s",
                )
        if isinstance(outcome, Done):
            for item in outcome.created:
                self.store.record(run.tenant_id, item, LedgerStatus.CREATED, now)
            for item in outcome.removed:
                self.store.record(run.tenant_id, item, LedgerStatus.REMOVED, now)
            record.status, record.finished_at = StepStatus.DONE.value, now
            record.wait_until = record.wait_reason = record.error = record.hint = None
            self.store.save_step(run.id, self.owner, record)
            self.store.progress(
                run.tenant_id,
                run.id,
                "step_done",
                now,
                outcome.note or step.title,
                step=step.name,
                owner=self.owner,
            )
        elif isinstance(outcome, Wait):
            changed = outcome.reason != record.wait_reason
            record.status, record.wait_until = StepStatus.WAITING.value, outcome.until
            record.wait_reason = outcome.reason
            self.store.save_step(run.id, self.owner, record)
            if changed:
                self.store.progress(
                    run.tenant_id,
                    run.id,
                    "step_waiting",
                    now,
                    outcome.reason,
                    step=step.name,
                    until=outcome.until,
                )
        else:
            record.status, record.error, record.hint = (
                StepStatus.FAILED.value,
                outcome.message,
                outcome.hint,
            )
            record.finished_at = now
            self.store.save_step(run.id, self.owner, record)
            self.store.progress(
                run.tenant_id,
                run.id,
                "step_failed",
                now,
                outcome.message,
                step=step.name,
                hint=outcome.hint,
            )

    # ------------------------------------------------------------------------------- end

    async def _finish_succeeded(self, run: RunRecord, kind: RunKind, plan: IntegrationPlan) -> None:
        now = self.clock.now()
        self.store.finish(run.id, self.owner, RunStatus.SUCCEEDED, now)
        if kind == RunKind.PROVISION:
            self.store.set_tenant_state(
                run.tenant_id,
                TenantState.INTEGRATED,
                now,
                sbc_domain=plan.sbc_domain,
                region=plan.region,
            )
        else:
            self.store.set_tenant_state(run.tenant_id, TenantState.REMOVED, now, sbc_domain=None)
        self.store.progress(run.tenant_id, run.id, "run_succeeded", now, f"{kind.value} done")

    async def _finish_failed(
        self, run: RunRecord, steps: tuple[Step, ...], records: dict[str, StepRecord]
    ) -> None:
        now = self.clock.now()
        failed = next(
            records[s.name] for s in steps if records[s.name].status == StepStatus.FAILED.value
        )
        self.store.finish(run.id, self.owner, RunStatus.FAILED, now, failed.error, failed.hint)
        self.store.set_tenant_state(run.tenant_id, TenantState.FAILED, now)
        self.store.progress(
            run.tenant_id,
            run.id,
            "run_failed",
            now,
            failed.error or "",
            step=failed.name,
            hint=failed.hint,
        )
