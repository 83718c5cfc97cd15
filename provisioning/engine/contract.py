"""The step contract: a name, the steps it needs, and ``run(ctx)`` returning an outcome.

Steps decide; the runner does the machinery (persisting, retrying, waiting, leases, progress).
A step records what it is about to create through ``ctx.intend`` *before* creating it, so a
crash between the call and the bookkeeping leaves a trace that re-runs and removal honour.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from provisioning.engine.clock import Clock

P = TypeVar("P")  # the run's parameters, fixed when it was created
T = TypeVar("T")  # the outside systems the steps use


@dataclass(frozen=True)
class LedgerItem:
    """An object of ours: kind (``domain``, ``voice_route``…), key (its identity), details."""

    kind: str
    key: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Done:
    """The step's part of the world is as it should be.

    ``outputs`` are kept with the step and readable by later steps (``ctx.output``).
    """

    created: tuple[LedgerItem, ...] = ()
    removed: tuple[LedgerItem, ...] = ()
    note: str = ""
    outputs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Wait:
    """Come back at ``until``; ``reason`` is what the admin reads meanwhile."""

    until: float
    reason: str


@dataclass(frozen=True)
class Failed:
    """The step cannot succeed as things stand: the system's text and what the admin can do."""

    message: str
    hint: str


Outcome = Done | Wait | Failed


@dataclass(frozen=True)
class LedgerEntryView:
    """One ledger entry as a step sees it."""

    kind: str
    key: str
    status: str  # intended | created | removed
    data: Mapping[str, Any]


class Ledger:
    """What the ledger says about a tenant's objects, as a step reads it."""

    def __init__(self, entries: list[LedgerEntryView]) -> None:
        self._entries = entries

    def items(self, kind: str) -> list[LedgerItem]:
        """Our objects of ``kind`` (intended or created, not removed)."""
        return [
            LedgerItem(e.kind, e.key, e.data)
            for e in self._entries
            if e.kind == kind and e.status != "removed"
        ]

    def get(self, kind: str, key: str) -> LedgerItem | None:
        """Our object ``kind``/``key`` (intended or created), or ``None``."""
        return next(
            (i for i in self.items(kind) if i.key.lower() == key.lower()),
            None,
        )

    def has(self, kind: str, key: str) -> bool:
        """Whether ``kind``/``key`` is ours (intended or created, not yet removed)."""
        return self.get(kind, key) is not None


@dataclass
class StepContext(Generic[P, T]):
    """What a step may use: the run's parameters, the outside systems, the clock, the ledger."""

    params: P
    ports: T
    clock: Clock
    ledger: Ledger
    # Record an object as about to be created (before the call that creates it).
    intend: Callable[[LedgerItem], Awaitable[None]]
    # Take back an intent whose object turned out to belong to someone else.
    withdraw: Callable[[LedgerItem], Awaitable[None]]
    # Keep progress across attempts (merged into ``data``; fenced like every runner write).
    checkpoint: Callable[[Mapping[str, Any]], Awaitable[None]]
    # When this step first started since the run was created or retried (for give-up clocks).
    started_at: float
    # What this step kept from earlier attempts.
    data: dict[str, Any] = field(default_factory=dict)
    # What earlier steps handed on (their ``Done.outputs``), by step name.
    outputs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def elapsed(self) -> float:
        """Seconds since this step first started."""
        return self.clock.now() - self.started_at

    def output(self, step: str, key: str, default: Any = None) -> Any:
        """One value an earlier step handed on."""
        return self.outputs.get(step, {}).get(key, default)


@dataclass(frozen=True)
class Step(Generic[P, T]):
    """One step of a plan."""

    name: str
    needs: tuple[str, ...]
    run: Callable[[StepContext[P, T]], Awaitable[Outcome]]
    title: str  # what the admin reads in the progress card
    # How long one attempt may take before it counts as a transient failure (a hung call).
    timeout: float = 300.0
    # The fewest sequential round trips one attempt needs, by service: what a bound is made of.
    round_trips: Mapping[str, int] = field(default_factory=dict)
