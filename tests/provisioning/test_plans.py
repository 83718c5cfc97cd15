"""Whole provisioning and removal runs on the fakes: every object made once and recorded,
milestones in order, the voice part done while DNS propagates, removal leaving nothing."""

from __future__ import annotations

import json

from provisioning.microsoft.errors import ErrorKind
from storage.ledger import LedgerStatus
from storage.runs import RunKind, RunStatus
from storage.tenants import TenantState
from tests.support.fake_engine import FakeEngine


def _milestones(fx: FakeEngine, run_id: str) -> list[str]:
    return [
        json.loads(e.data)["milestone"] for e in fx.store.events(run_id) if e.kind == "milestone"
    ]


async def test_a_provisioning_run_creates_and_records_every_object(fx: FakeEngine) -> None:
    """Every step done, the tenant integrated, each object of ours in the ledger once."""
    run_id = fx.start()
    await fx.runner().drain()
    run = fx.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.SUCCEEDED, run.error
    tenant = fx.tenants.get(fx.params.tenant_id)
    assert tenant is not None
    assert (tenant.state, tenant.sbc_domain) == (TenantState.INTEGRATED, fx.params.sbc_domain)
    entries = fx.store.ledger(fx.params.tenant_id)
    assert {(e.kind, e.status) for e in entries} == {
        (kind, LedgerStatus.CREATED)
        for kind in (
            "dns_records",
            "domain",
            "user",
            "licence",
            "dial_plan",
            "pstn_usage",
            "routing_policy",
            "gateway",
            "voice_route",
        )
    }
    w = fx.microsoft
    for create in ("add_domain", "create_user", "assign_licence", "create_Gateway"):
        assert w.count(create) == 1, create
    assert w.routes["Callroute-E164"].gateways == (fx.params.sbc_domain,)


async def test_milestones_arrive_in_order(fx: FakeEngine) -> None:
    """Domain verified, then the gateway accepted, then the run's end."""
    run_id = fx.start()
    await fx.runner().drain()
    assert _milestones(fx, run_id) == ["domain_verified", "gateway_accepted", "run_succeeded"]


async def test_voice_steps_run_while_dns_propagates(fx: FakeEngine) -> None:
    """Steps that do not need the domain finish before DNS has propagated."""
    fx.dns.lag = 60.0
    run_id = fx.start()
    await fx.runner().drain()
    assert fx.store.run(run_id).status == RunStatus.WAITING  # type: ignore[union-attr]
    steps = fx.store.steps(run_id)
    assert {n for n, s in steps.items() if s.status == "done"} >= {
        "dial_plan",
        "pstn_usage",
        "routing_policy",
        "dns_subdomain",
        "txt_record",
        "choose_licence",
    }
    assert steps["dns_propagated"].status == "waiting"
    fx.clock.advance(61)
    await fx.runner().drain()
    assert fx.store.run(run_id).status == RunStatus.SUCCEEDED  # type: ignore[union-attr]
    assert fx.microsoft.count("verify_domain") == 1


async def test_the_gateway_waits_out_direct_routing_activation(fx: FakeEngine) -> None:
    """With a 24-hour activation, the run parks and picks up again once Microsoft is ready."""
    fx.microsoft.activation_seconds = 24 * 3600
    run_id = fx.start()
    await fx.runner().drain()
    steps = fx.store.steps(run_id)
    assert steps["pstn_gateway"].status == "waiting"
    assert "up to 24 hours" in (steps["pstn_gateway"].wait_reason or "")
    for _ in range(40):
        fx.clock.advance(3600)
        await fx.runner().drain()
    assert fx.store.run(run_id).status == RunStatus.SUCCEEDED  # type: ignore[union-attr]


async def test_a_permanent_error_stops_the_run_naming_the_system(fx: FakeEngine) -> None:
    """DENIED is not retried; the hint says which system refused and what to do."""
    fx.microsoft.fail("create_DialPlan", ErrorKind.DENIED)
    run_id = fx.start()
    await fx.runner().drain()
    run = fx.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.FAILED
    assert run.error == "injected denied in create_DialPlan"
    assert "role" in (run.hint or "")
    tenant = fx.tenants.get(fx.params.tenant_id)
    assert tenant is not None
    assert tenant.state == TenantState.PROVISIONING_FAILED


async def test_removal_undoes_everything_and_forgets_the_sign_ins(fx: FakeEngine) -> None:
    """Provision, then remove: nothing of ours is left; another provider's usage stays."""
    fx.microsoft.usages.append("OtherProvider")
    fx.start()
    await fx.runner().drain()
    remove_id = fx.start(RunKind.REMOVE)
    await fx.runner().drain()
    run = fx.store.run(remove_id)
    assert run is not None
    assert run.status == RunStatus.SUCCEEDED, run.error
    w = fx.microsoft
    assert (w.domains, w.dial_plans, w.policies, w.gateways, w.routes) == ({}, {}, {}, {}, {})
    assert w.usages == ["OtherProvider"]
    assert not w.users
    assert fx.dns.records() == {}
    assert w.forgotten == 1
    assert {e.status for e in fx.store.ledger(fx.params.tenant_id)} == {LedgerStatus.REMOVED}
    tenant = fx.tenants.get(fx.params.tenant_id)
    assert tenant is not None
    assert tenant.state == TenantState.REMOVED


async def test_removal_of_a_tenant_never_integrated_only_forgets_the_sign_ins(
    fx: FakeEngine,
) -> None:
    """An empty ledger: nothing is deleted in the tenant; the credentials still go."""
    run_id = fx.start(RunKind.REMOVE)
    await fx.runner().drain()
    assert fx.store.run(run_id).status == RunStatus.SUCCEEDED  # type: ignore[union-attr]
    deleting = [c for c in fx.microsoft.calls if c.startswith(("delete", "remove", "grant"))]
    assert deleting == []
    assert fx.microsoft.forgotten == 1
