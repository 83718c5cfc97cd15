"""The runner on fakes: runs complete, wait durably, retry, fail with hints, stay exclusive."""

from __future__ import annotations

import pytest

from provisioning.errors import ErrorKind
from provisioning.runner.store import ActiveRunExists, LeaseLost
from storage.ledger import LedgerStatus
from storage.runs import RunKind, RunStatus, StepRecord
from storage.tenants import TenantState
from tests.support.fake_engine import FakeEngine


async def test_a_provisioning_run_completes_and_records_every_object(fx: FakeEngine) -> None:
    """Every step done, the tenant integrated, every object of ours in the ledger."""
    run_id = fx.start()
    await fx.runner().drain()
    run = fx.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.SUCCEEDED
    tenant = fx.store.tenant(fx.plan.tenant_id)
    assert tenant is not None
    assert tenant.state == TenantState.INTEGRATED
    assert tenant.sbc_domain == fx.plan.sbc_domain
    kinds = {(kind, status) for kind, _, status, _ in fx.store.ledger(fx.plan.tenant_id)}
    assert {k for k, _ in kinds} == {
        "dns_records",
        "domain",
        "user",
        "licence",
        "dial_plan",
        "pstn_usage",
        "routing_policy",
        "gateway",
        "voice_route",
    }
    assert {s for _, s in kinds} == {LedgerStatus.CREATED}
    assert fx.microsoft.routes["Callroute-E164"].gateways == (fx.plan.sbc_domain,)


async def test_voice_steps_run_while_dns_propagates(fx: FakeEngine) -> None:
    """Steps that do not need the domain finish before DNS has propagated."""
    fx.dns.lag = 60.0
    run_id = fx.start()
    await fx.runner().drain()
    run = fx.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.WAITING
    steps = fx.store.steps(run_id)
    assert {n for n, s in steps.items() if s.status == "done"} >= {
        "dial_plan",
        "pstn_usage",
        "routing_policy",
        "dns_subdomain",
        "txt_record",
    }
    assert steps["dns_propagated"].status == "waiting"
    assert "1 of 3 name servers" in (steps["dns_propagated"].wait_reason or "")


async def test_a_long_wait_is_a_durable_timer(fx: FakeEngine) -> None:
    """A waiting run gives up its lease with a wake time; any runner picks it up then."""
    fx.dns.lag = 60.0
    run_id = fx.start()
    await fx.runner().drain()
    run = fx.store.run(run_id)
    assert run is not None
    assert run.lease_owner is None
    assert run.next_wake_at is not None
    assert run.next_wake_at > fx.clock.now()
    assert fx.store.claim("someone", fx.clock.now(), 30) is None
    fx.clock.advance(61)
    await fx.runner(owner="another").drain()
    run = fx.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.SUCCEEDED
    assert fx.microsoft.verify_calls == 1


async def test_verify_is_asked_only_once_dns_is_everywhere(fx: FakeEngine) -> None:
    """No verify call fails: verification waits for every name server."""
    fx.dns.lag = 30.0
    fx.start()
    await fx.runner().drain()
    fx.clock.advance(31)
    await fx.runner().drain()
    assert fx.microsoft.verify_calls == 1
    assert fx.microsoft.calls.count("verify_domain") == 1


async def test_transient_errors_are_retried_after_retry_after(fx: FakeEngine) -> None:
    """A 429 with ``Retry-After`` waits that long, then the step succeeds."""
    fx.microsoft.failures.append(("add_domain", ErrorKind.TRANSIENT, 120.0))
    run_id = fx.start()
    await fx.runner().drain()
    step = fx.store.steps(run_id)["tenant_domain"]
    assert step.status == "waiting"
    assert step.attempts == 1
    assert step.wait_until is not None
    assert 119 < step.wait_until - fx.clock.now() <= 120
    fx.clock.advance(121)
    await fx.runner().drain()
    run = fx.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.SUCCEEDED


async def test_a_permanent_error_stops_the_run_with_microsoft_s_text_and_a_hint(
    fx: FakeEngine,
) -> None:
    """DENIED is not retried: the run fails, the admin reads what to do."""
    fx.microsoft.failures.append(("put_dial_plan", ErrorKind.DENIED, None))
    run_id = fx.start()
    await fx.runner().drain()
    run = fx.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.FAILED
    assert run.error == "injected denied in put_dial_plan"
    assert "role" in (run.hint or "")
    tenant = fx.store.tenant(fx.plan.tenant_id)
    assert tenant is not None
    assert tenant.state == TenantState.FAILED
    kinds = [e.kind for e in fx.store.events(run_id)]
    assert "step_failed" in kinds
    assert kinds[-1] == "run_failed"


async def test_a_failed_run_can_be_retried(fx: FakeEngine) -> None:
    """The admin retries from the card: failed steps start over, done steps stay done."""
    fx.microsoft.failures.append(("put_dial_plan", ErrorKind.DENIED, None))
    run_id = fx.start()
    await fx.runner().drain()
    fx.store.retry(run_id, fx.clock.now())
    await fx.runner().drain()
    run = fx.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.SUCCEEDED
    assert fx.microsoft.calls.count("add_domain") == 1


async def test_one_active_run_per_tenant(fx: FakeEngine) -> None:
    """A second run is refused while the first is active."""
    fx.start()
    with pytest.raises(ActiveRunExists):
        fx.start(RunKind.REMOVE)


async def test_a_leased_run_is_not_claimed_by_another_runner(fx: FakeEngine) -> None:
    """Claims take a lease; others see the run again only when it expires."""
    run_id = fx.start()
    assert fx.store.claim("a", fx.clock.now(), 30) is not None
    assert fx.store.claim("b", fx.clock.now(), 30) is None
    fx.clock.advance(31)
    claimed = fx.store.claim("b", fx.clock.now(), 30)
    assert claimed is not None
    assert claimed.id == run_id


async def test_writes_after_a_lost_lease_are_refused(fx: FakeEngine) -> None:
    """Fencing: the runner that lost its lease cannot overwrite its successor's work."""
    run_id = fx.start()
    fx.store.claim("a", fx.clock.now(), 30)
    fx.clock.advance(31)
    fx.store.claim("b", fx.clock.now(), 30)
    with pytest.raises(LeaseLost):
        fx.store.save_step(run_id, "a", StepRecord(run_id=run_id, name="dial_plan"))


async def test_a_cancelled_run_s_runner_stops_at_its_next_write(fx: FakeEngine) -> None:
    """Cancelling fences the run: its runner can neither write nor renew its lease."""
    run_id = fx.start()
    fx.store.claim("a", fx.clock.now(), 30)
    assert fx.store.cancel_active(fx.plan.tenant_id, RunKind.PROVISION, fx.clock.now(), "x")
    with pytest.raises(LeaseLost):
        fx.store.save_step(run_id, "a", StepRecord(run_id=run_id, name="dial_plan"))
    assert not fx.store.renew(run_id, "a", fx.clock.now(), 30)


async def test_a_tenant_s_next_run_waits_for_the_cancelled_one_to_let_go(fx: FakeEngine) -> None:
    """While a cancelled run is still leased, no other run of its tenant is claimed."""
    run_id = fx.start()
    fx.store.claim("a", fx.clock.now(), 30)
    fx.store.cancel_active(fx.plan.tenant_id, RunKind.PROVISION, fx.clock.now(), "x")
    removal = fx.start(RunKind.REMOVE)
    assert fx.store.claim("b", fx.clock.now(), 30) is None
    fx.store.relinquish(run_id, "a")
    claimed = fx.store.claim("b", fx.clock.now(), 30)
    assert claimed is not None
    assert claimed.id == removal


async def test_removal_after_a_cancelled_provisioning_removes_what_it_created(
    fx: FakeEngine,
) -> None:
    """A provisioning cut short (waiting on DNS) and superseded leaves nothing behind."""
    fx.dns.lag = 600.0
    run_id = fx.start()
    await fx.runner().drain()
    assert fx.microsoft.policies
    fx.store.cancel_active(fx.plan.tenant_id, RunKind.PROVISION, fx.clock.now(), "x")
    run = fx.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.CANCELLED
    remove_id = fx.start(RunKind.REMOVE)
    await fx.runner().drain()
    removal = fx.store.run(remove_id)
    assert removal is not None
    assert removal.status == RunStatus.SUCCEEDED, removal.error
    w = fx.microsoft
    assert (w.domains, w.dial_plans, w.policies, w.gateways, w.routes) == ({}, {}, {}, {}, {})
    assert fx.dns.records() == {}


async def test_removal_undoes_everything_and_forgets_credentials(fx: FakeEngine) -> None:
    """Provision, then remove: the tenant has nothing of ours; the tokens are gone."""
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
    assert fx.forgotten == [fx.plan.tenant_id]
    assert {s for *_, s, _ in fx.store.ledger(fx.plan.tenant_id)} == {LedgerStatus.REMOVED}
    tenant = fx.store.tenant(fx.plan.tenant_id)
    assert tenant is not None
    assert tenant.state == TenantState.REMOVED


async def test_removal_of_a_tenant_never_integrated_succeeds(fx: FakeEngine) -> None:
    """Removal with an empty ledger has nothing to do, and says so."""
    run_id = fx.start(RunKind.REMOVE)
    await fx.runner().drain()
    run = fx.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.SUCCEEDED


async def test_progress_events_tell_the_story_in_order(fx: FakeEngine) -> None:
    """The notifier reads step_started/step_done events, ending with run_succeeded."""
    run_id = fx.start()
    await fx.runner().drain()
    events = fx.store.events(run_id)
    assert events[0].kind == "run_created"
    assert events[-1].kind == "run_succeeded"
    done = [e.step for e in events if e.kind == "step_done"]
    assert done.index("domain_verified") < done.index("gateway_user") < done.index("voice_route")
