"""Which steps a run kind executes."""

from __future__ import annotations

from provisioning.steps.contract import Step
from provisioning.steps.provision import PROVISIONING
from provisioning.steps.removal import REMOVAL
from storage.runs import RunKind

PLANS: dict[RunKind, tuple[Step, ...]] = {RunKind.PROVISION: PROVISIONING, RunKind.REMOVE: REMOVAL}


def check_plan(steps: tuple[Step, ...]) -> None:
    """A plan is a DAG over its own step names, listed in an order that respects it."""
    seen: set[str] = set()
    for step in steps:
        unknown = set(step.needs) - seen
        if unknown:
            raise ValueError(f"step {step.name} needs {sorted(unknown)} before it")
        seen.add(step.name)


for _plan in PLANS.values():
    check_plan(_plan)
