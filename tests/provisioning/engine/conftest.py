"""A tiny plan of test steps, to exercise the engine's machinery without any domain."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from provisioning.engine.contract import Done, Outcome, Step, StepContext
from provisioning.engine.plans import Milestone, Plan, PlanBook
from provisioning.engine.runner import Runner
from storage.database import make_engine, migrate
from storage.tenants import TenantRecord
from tests.support.clocks import OffsetClock, SkewedOutbox, SkewedStore

TENANT = "t-1"


@dataclass(frozen=True)
class Params:
    """What a test run is planned with."""

    name: str
    size: int = 1


Behaviour = Callable[[StepContext[Params, Any]], Awaitable[Outcome]]


@dataclass
class Script:
    """What each test step does when it runs: a queue of behaviours per step name."""

    behaviours: dict[str, list[Callable[[StepContext[Params, Any]], Awaitable[Outcome]]]] = field(
        default_factory=dict
    )
    calls: list[str] = field(default_factory=list)
    started: asyncio.Event = field(default_factory=asyncio.Event)

    def then(
        self, step: str, *behaviours: Callable[[StepContext[Params, Any]], Awaitable[Outcome]]
    ) -> None:
        """Queue what ``step`` does on its next attempts (after the last: Done)."""
        self.behaviours.setdefault(step, []).extend(behaviours)

    def step(self, name: str) -> Callable[[StepContext[Params, Any]], Awaitable[Outcome]]:
        """The step function the plan calls."""

        async def run(ctx: StepContext[Params, Any]) -> Outcome:
            self.calls.append(name)
            queue = self.behaviours.get(name, [])
            if queue:
                return await queue.pop(0)(ctx)
            return Done()

        return run


class NoPorts:
    """Test steps use no outside system."""

    @asynccontextmanager
    async def open(self, tenant_id: str) -> AsyncIterator[None]:
        """Nothing."""
        yield None


def abc_plan(
    script: Script, version: int = 1, names: tuple[str, ...] = ("a", "b", "c")
) -> Plan[Params, None]:
    """``a`` → ``b`` → ``c`` (each needing the one before), ``b`` a milestone."""
    steps = tuple(
        Step(name, (names[i - 1],) if i else (), script.step(name), f"Step {name}")
        for i, name in enumerate(names)
    )
    return Plan(
        kind="test",
        version=version,
        steps=steps,
        params=Params,
        milestones=(Milestone("b_done", "b", "B is done.", "B failed."),) if "b" in names else (),
        explain=lambda exc: f"hint for {exc}",
    )


@dataclass
class Bench:
    """A store, a clock and a script, with a runner factory."""

    clock: OffsetClock
    store: SkewedStore
    outbox: SkewedOutbox
    script: Script
    book: PlanBook

    def runner(self, **options: Any) -> Runner:
        """A runner for the test plans."""
        runner_class = options.pop("runner_class", Runner)
        options.setdefault("hold_seconds", 0.2)
        options.setdefault("seed", 1)
        runner: Runner = runner_class(self.store, self.book, NoPorts(), self.clock, **options)
        return runner

    def start(self, subscriber: str | None = None, version: int | None = None) -> str:
        """A new run of the test plan."""
        plan = self.book.version("test", version) if version else self.book.current("test")
        return self.store.create_run(
            TENANT, plan, Params("x"), "tester", self.clock.now(), subscriber
        )

    def status(self, run_id: str) -> str:
        """A run's status."""
        run = self.store.run(run_id)
        assert run is not None
        return run.status


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    """A migrated database with one tenant, and the a → b → c plan."""
    engine = make_engine(f"sqlite:///{tmp_path / 'engine.db'}")
    migrate(engine)
    from sqlmodel import Session

    with Session(engine) as session:
        session.add(TenantRecord(id=TENANT, created_at=0, updated_at=0))
        session.commit()
    clock = OffsetClock()
    script = Script()
    return Bench(
        clock,
        SkewedStore(engine, clock),
        SkewedOutbox(engine, clock, progress_interval=0.0),
        script,
        PlanBook([abc_plan(script)]),
    )
