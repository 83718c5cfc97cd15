"""A release that changes a plan lets runs in flight finish (M10): a run keeps the version it
was created with; a retired version runs on the newest one; stored parameters load with the
defaults of fields added since."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from provisioning.engine.plans import Plan, PlanBook, load_dataclass
from provisioning.microsoft.catalog import MCOSTANDARD_PLAN
from provisioning.plans import PROVISION_PLAN, REMOVAL_PLAN
from storage.runs import RunStatus, StepStatus
from storage.tenants import TenantState
from tests.provisioning.engine.conftest import Bench, abc_plan
from tests.support.fake_engine import FakeEngine


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


def test_a_parameter_renamed_since_loads_from_the_name_it_was_stored_under() -> None:
    """A plan that declares the rename loads what an earlier release stored; a value stored
    under today's name wins."""
    plan: Plan[Later, None] = Plan("x", 1, (), Later, renamed={"label": "name"})
    assert plan.load({"label": "x", "size": 2}) == Later("x", 2)
    assert plan.load({"label": "old", "name": "new"}) == Later("new")


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


# ------------------------------------------------------------ the real plan's first version

# The steps of PROVISIONING_V1: the first release's list, before ``choose_licence``.
FIRST_RELEASE_STEPS = (
    "dns_subdomain",
    "tenant_domain",
    "txt_record",
    "dns_propagated",
    "domain_verified",
    "gateway_user",
    "gateway_licence",
    "dial_plan",
    "pstn_usage",
    "routing_policy",
    "pstn_gateway",
    "voice_route",
)


def _stored_by_the_first_release(fx: FakeEngine) -> str:
    """A provisioning run as the first release wrote it (752090a, before plan versions):
    its parameters with the brand as ``names_brand``, and pending records of its steps.

    Only the columns that release had are written; the migrations' defaults fill the rest
    (``plan_version`` 1 among them), as they did for runs in flight at the upgrade.
    """
    p = fx.params
    plan = {
        "tenant_id": p.tenant_id,
        "initial_domain": p.initial_domain,
        "region": p.region,
        "sbc_domain": p.sbc_domain,
        "sbc_addresses": list(p.sbc_addresses),
        "zone": p.zone,
        "dns_ttl": p.dns_ttl,
        "names_brand": p.brand,
        "usage_location": p.usage_location,
        "country_code": p.country_code,
        "sip_port": p.sip_port,
        "max_concurrent_sessions": None,
    }
    now = fx.clock.now()
    fx.tenants.upsert(p.tenant_id, "Contoso", p.initial_domain, now)
    run_id = uuid.uuid4().hex
    with fx.store.engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO runs (id, tenant_id, kind, status, requested_by, created_at,"
                " updated_at, next_wake_at, plan) VALUES (:id, :tenant, 'provision',"
                " 'pending', 'admin', :now, :now, :now, :plan)"
            ),
            {"id": run_id, "tenant": p.tenant_id, "now": now, "plan": json.dumps(plan)},
        )
        for name in FIRST_RELEASE_STEPS:
            db.execute(
                text(
                    "INSERT INTO steps (run_id, name, status, attempts)"
                    " VALUES (:run, :name, 'pending', 0)"
                ),
                {"run": run_id, "name": name},
            )
    return run_id


def _integrated(fx: FakeEngine) -> None:
    """The tenant as the sandbox's fakes show it: integrated under the names it was planned
    with, its gateway user licensed and accepted by Microsoft."""
    p, w = fx.params, fx.microsoft
    tenant = fx.tenants.get(p.tenant_id)
    assert tenant is not None
    assert (tenant.state, tenant.sbc_domain, tenant.region) == (
        TenantState.INTEGRATED,
        p.sbc_domain,
        p.region,
    )
    assert w.domains == {p.sbc_domain: True}
    user = w.user_by_upn(f"callroute.teams@{p.sbc_domain}")
    assert user is not None
    assert MCOSTANDARD_PLAN in user.plans
    assert set(w.gateways) == {p.sbc_domain}
    assert set(w.dial_plans) == {"Callroute-E164"}
    assert w.routes


async def test_a_provisioning_stored_by_the_first_release_finishes_on_its_own_steps(
    fx: FakeEngine,
) -> None:
    """Version 1 is still in the book: the run executes its own list, the licence step
    choosing the licence itself, and the tenant ends integrated."""
    run_id = _stored_by_the_first_release(fx)
    assert fx.store.run(run_id).plan_version == 1  # type: ignore[union-attr]
    await fx.runner().drain()
    assert fx.store.run(run_id).status == RunStatus.SUCCEEDED  # type: ignore[union-attr]
    steps = fx.store.steps(run_id)
    assert set(steps) == set(FIRST_RELEASE_STEPS)
    assert {s.status for s in steps.values()} == {StepStatus.DONE}
    _integrated(fx)


async def test_a_provisioning_of_the_first_release_finishes_on_today_s_steps_once_retired(
    fx: FakeEngine,
) -> None:
    """A release without version 1: the run goes on with today's list, the step added since
    (``choose_licence``) recorded and run, and the tenant ends integrated."""
    run_id = _stored_by_the_first_release(fx)
    fx.book = PlanBook([PROVISION_PLAN, REMOVAL_PLAN])
    await fx.runner().drain()
    assert fx.store.run(run_id).status == RunStatus.SUCCEEDED  # type: ignore[union-attr]
    steps = fx.store.steps(run_id)
    assert set(steps) == {*FIRST_RELEASE_STEPS, "choose_licence"}
    assert steps["choose_licence"].status == StepStatus.DONE
    _integrated(fx)
