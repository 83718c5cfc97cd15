"""A release that changes a plan lets runs in flight finish (M10): a run keeps the version it
was created with; a retired version runs on the newest one; stored parameters load with the
defaults of fields added since."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from provisioning.engine.plans import PlanBook, load_dataclass
from storage.runs import RunStatus
from tests.provisioning.engine.conftest import Bench, abc_plan


async def test_a_run_finishes_on_the_plan_version_it_was_created_with(bench: Bench) -> None:
    """v2 renamed ``b`` to ``b2``; a v1 run in flight still runs ``b``."""
    v1 = abc_plan(bench.script, version=1)
    run_id = bench.start(version=1)
    bench.book = PlanBook([v1, abc_plan(bench.script, version=2, names=("a", "b2", "c"))])
    await bench.runner().drain()
    assert bench.status(run_id) == RunStatus.SUCCEEDED
    assert bench.script.calls == ["a", "b", "c"]


async def test_a_run_of_a_retired_version_finishes_on_the_newest(bench: Bench) -> None:
    """v1 is gone from the release: missing steps are added, unknown ones are left alone."""
    run_id = bench.start(version=1)
    bench.book = PlanBook([abc_plan(bench.script, version=3, names=("a", "new", "c"))])
    await bench.runner().drain()
    assert bench.status(run_id) == RunStatus.SUCCEEDED
    assert bench.script.calls == ["a", "new", "c"]
    assert set(bench.store.steps(run_id)) == {"a", "b", "c", "new"}


@dataclass(frozen=True)
class Later:
    """Parameters after a release added ``region`` (with a default) and dropped ``old``."""

    name: str
    size: int = 1
    region: str = "default-region"


def test_stored_parameters_load_with_defaults_for_fields_added_since() -> None:
    """Unknown stored fields are dropped; new ones take their defaults."""
    assert load_dataclass(Later, {"name": "x", "old": True, "size": 2}) == Later("x", 2)


def test_a_field_added_without_a_default_is_refused_clearly() -> None:
    """A release must give new fields defaults; otherwise loading says which field."""

    @dataclass(frozen=True)
    class Strict:
        name: str
        added: str

    with pytest.raises(ValueError, match="added"):
        load_dataclass(Strict, {"name": "x"})


def test_a_plan_lists_each_step_after_what_it_needs() -> None:
    """Plans are checked when they are made."""
    with pytest.raises(ValueError, match="needs"):
        abc_plan_out_of_order()


def abc_plan_out_of_order() -> object:
    from provisioning.engine.contract import Done, Step
    from provisioning.engine.plans import Plan

    async def run(ctx: object) -> Done:
        return Done()

    return Plan(
        kind="x",
        version=1,
        steps=(Step("b", ("a",), run, "B"), Step("a", (), run, "A")),
        params=Later,
    )
