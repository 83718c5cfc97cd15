"""Plans as data: which steps a run executes, the milestones it reaches, its lifecycle hooks.

A run keeps the plan version it was created with. A release may add, rename or remove steps in
a new version; runs of older versions still in flight finish on the version they started.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlmodel import Session

from i18n.text import t
from provisioning.engine.contract import P, Step, T
from storage.runs import RunRecord, RunStatus

D = TypeVar("D")

# Every plan reaches one of these when its run ends.
RUN_SUCCEEDED = "run_succeeded"
RUN_FAILED = "run_failed"
RUN_CANCELLED = "run_cancelled"
RUN_END = {
    RunStatus.SUCCEEDED: RUN_SUCCEEDED,
    RunStatus.FAILED: RUN_FAILED,
    RunStatus.CANCELLED: RUN_CANCELLED,
}


@dataclass(frozen=True)
class Milestone:
    """A moment the admin hears about: a step done (``reached``) or failed for good."""

    name: str
    step: str
    reached: str  # what the admin reads when the step is done
    failed: str  # what the admin reads when it has failed for good


# Called in the same transaction as the run's own change, so the domain's state never
# disagrees with the run's: (session, run, status the run moves to).
LifecycleHook = Callable[[Session, RunRecord, RunStatus], None]


def _no_hook(session: Session, run: RunRecord, status: RunStatus) -> None:
    return None


@dataclass(frozen=True)
class Plan(Generic[P, T]):
    """A kind of run at one version."""

    kind: str
    version: int
    steps: tuple[Step[P, T], ...]
    params: type[P]
    milestones: tuple[Milestone, ...] = ()
    on_start: LifecycleHook = _no_hook
    on_finish: LifecycleHook = _no_hook
    # Turns a permanent outside failure into what the admin can do about it.
    explain: Callable[[Exception], str] = field(default=lambda exc: t("Retry later."))
    # Parameters an earlier release stored under another name: {old name: name now}. Runs it
    # created are still in flight after the upgrade, and loading must not refuse them.
    renamed: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_order(self.steps)
        names = {s.name for s in self.steps}
        for milestone in self.milestones:
            if milestone.step not in names:
                raise ValueError(f"milestone {milestone.name} names unknown step {milestone.step}")

    def step(self, name: str) -> Step[P, T] | None:
        """A step by name."""
        return next((s for s in self.steps if s.name == name), None)

    def milestone_of(self, step: str) -> Milestone | None:
        """The milestone a step stands for, if any."""
        return next((m for m in self.milestones if m.step == step), None)

    def load(self, data: Mapping[str, Any]) -> P:
        """The parameters from what was stored (tolerant of fields added, dropped or renamed
        since)."""
        moved = {new: data[old] for old, new in self.renamed.items() if old in data}
        return load_dataclass(self.params, {**moved, **data})


def check_order(steps: tuple[Step[Any, Any], ...]) -> None:
    """A plan is a DAG over its own step names, listed in an order that respects it."""
    seen: set[str] = set()
    for step in steps:
        unknown = set(step.needs) - seen
        if unknown:
            raise ValueError(f"step {step.name} needs {sorted(unknown)} before it")
        if step.name in seen:
            raise ValueError(f"step {step.name} appears twice")
        seen.add(step.name)


def load_dataclass(cls: type[D], data: Mapping[str, Any]) -> D:
    """``cls`` from stored fields: unknown ones are dropped, missing ones take their defaults."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    known = {f.name: f for f in dataclasses.fields(cls)}
    values = {k: v for k, v in data.items() if k in known}
    for name, spec in known.items():
        if name in values:
            if isinstance(values[name], list):
                values[name] = tuple(values[name])
            continue
        no_default = (
            spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
        )
        if no_default:
            raise ValueError(f"stored plan lacks {name!r}, which has no default")
    return cls(**values)


def dump_dataclass(value: Any) -> dict[str, Any]:
    """The stored form of a plan's parameters."""
    result: dict[str, Any] = dataclasses.asdict(value)
    return result


class PlanBook:
    """Every plan version this release can execute, by kind."""

    def __init__(self, plans: list[Plan[Any, Any]]) -> None:
        self._plans: dict[str, dict[int, Plan[Any, Any]]] = {}
        for plan in plans:
            versions = self._plans.setdefault(plan.kind, {})
            if plan.version in versions:
                raise ValueError(f"{plan.kind} v{plan.version} is in the book twice")
            versions[plan.version] = plan

    def current(self, kind: str) -> Plan[Any, Any]:
        """The newest version of a kind (what new runs are created with)."""
        versions = self._plans[kind]
        return versions[max(versions)]

    def version(self, kind: str, version: int) -> Plan[Any, Any]:
        """The plan a run was created with, or the newest when that version was retired."""
        return self._plans[kind].get(version) or self.current(kind)

    def kinds(self) -> list[str]:
        """Every kind of run."""
        return sorted(self._plans)
