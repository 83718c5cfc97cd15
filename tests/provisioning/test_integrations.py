"""The facade the bot uses, on the fakes: starts refused with a reason the admin can act on,
the run view with no step names of the bot's own, cancel and retry."""

from __future__ import annotations

import asyncio
import json

import pytest

from provisioning.integrations import Integrations, Notification, Refused, RunKind
from provisioning.microsoft.catalog import TEAMS_ADMINISTRATOR
from provisioning.microsoft.ports.directory import DirectoryRole
from provisioning.microsoft.ports.voice import DialPlan
from storage.runs import RunStatus
from tests.support.fake_engine import FakeEngine


async def test_a_provisioning_starts_when_everything_is_ready(fx: FakeEngine) -> None:
    """Readiness passes, both sign-ins exist, no clash: a run with the tenant's country."""
    api = fx.integrations()
    fx.microsoft.country = "DE"
    run_id = await api.start(fx.params.tenant_id, RunKind.PROVISION, "admin@contoso", "conv-1")
    run = fx.store.run(run_id)
    assert run is not None
    assert '"country_code": "49"' in run.plan
    assert '"usage_location": "DE"' in run.plan


async def test_a_missing_sign_in_is_refused_with_the_step_to_do(fx: FakeEngine) -> None:
    """Without the Teams admin sign-in, the admin is sent to step 3."""
    api = fx.integrations()
    api._vault.delete(fx.params.tenant_id)
    with pytest.raises(Refused) as refused:
        await api.start(fx.params.tenant_id, RunKind.PROVISION, "admin")
    assert refused.value.code == "signed_out"
    assert "step 1" in refused.value.reason
    assert "step 3" in refused.value.reason


async def test_a_blocking_readiness_failure_is_refused_with_the_checklist(fx: FakeEngine) -> None:
    """Missing roles: refused before anything is written, with the failing checks."""
    fx.microsoft.roles = [DirectoryRole(TEAMS_ADMINISTRATOR, "Teams Administrator")]
    api = fx.integrations()
    with pytest.raises(Refused) as refused:
        await api.start(fx.params.tenant_id, RunKind.PROVISION, "admin")
    assert refused.value.code == "not_ready"
    assert [c.key for c in refused.value.checks if c.status == "fail"] == ["roles"]
    assert fx.store.active_run(fx.params.tenant_id) is None


async def test_a_teams_object_with_our_name_is_refused_before_any_write(fx: FakeEngine) -> None:
    """M5: someone else's ``Callroute-E164`` dial plan stops the start, not the run."""
    fx.microsoft.dial_plans["Callroute-E164"] = DialPlan("Callroute-E164", "theirs", ())
    api = fx.integrations()
    with pytest.raises(Refused) as refused:
        await api.start(fx.params.tenant_id, RunKind.PROVISION, "admin")
    assert refused.value.code == "name_clash"
    assert "the dial plan 'Callroute-E164'" in refused.value.reason
    assert fx.microsoft.domains == {}
    assert fx.dns.writes == 0


async def test_a_second_start_is_refused_while_a_run_is_active(fx: FakeEngine) -> None:
    """One run per tenant; the refusal names the active run."""
    api = fx.integrations()
    first = await api.start(fx.params.tenant_id, RunKind.PROVISION, "admin")
    with pytest.raises(Refused) as refused:
        await api.start(fx.params.tenant_id, RunKind.PROVISION, "admin")
    assert (refused.value.code, refused.value.run_id) == ("active_run", first)


async def test_the_view_lists_the_plan_s_steps_in_order(fx: FakeEngine) -> None:
    """Titles and states from the plan and the records; the waiting step says why."""
    fx.dns.lag = 600
    api = fx.integrations()
    run_id = await api.start(fx.params.tenant_id, RunKind.PROVISION, "admin")
    await fx.runner().drain()
    view = await api.view(run_id)
    assert [s.name for s in view.steps][:3] == ["dns_subdomain", "tenant_domain", "txt_record"]
    waiting = next(s for s in view.steps if s.status == "waiting")
    assert waiting.title == "DNS propagated to every name server"
    assert waiting.wait_reason == "Waiting for DNS: the record is on 1 of 3 name servers"
    assert view.status == "waiting"
    assert view.milestone is None
    fx.clock.advance(601)
    await fx.runner().drain()
    view = await api.view(run_id)
    assert view.status == "succeeded"
    assert view.milestone is not None
    assert view.milestone.name == "run_succeeded"
    assert view.done == len(view.steps)


async def test_a_removal_supersedes_an_unfinished_provisioning(fx: FakeEngine) -> None:
    """The provisioning is cancelled; the removal takes what it made away."""
    fx.dns.lag = 600
    api = fx.integrations()
    provisioning = await api.start(fx.params.tenant_id, RunKind.PROVISION, "admin")
    await fx.runner().drain()
    removal = await api.start(fx.params.tenant_id, RunKind.REMOVE, "admin")
    await fx.runner().drain()
    assert fx.store.run(provisioning).status == RunStatus.CANCELLED  # type: ignore[union-attr]
    assert fx.store.run(removal).status == RunStatus.SUCCEEDED  # type: ignore[union-attr]
    w = fx.microsoft
    assert (w.domains, w.dial_plans, w.policies) == ({}, {}, {})


async def test_cancel_returns_once_the_runner_has_let_go(fx: FakeEngine) -> None:
    """The admin is told "stopped" only when no runner works on the run any more."""
    fx.dns.lag = 20  # the runner sleeps in place, holding the lease, while DNS propagates
    api = fx.integrations()
    run_id = await api.start(fx.params.tenant_id, RunKind.PROVISION, "admin")
    runner = fx.runner(lease_seconds=1.5, hold_seconds=60)
    claimed = fx.store.claim(runner.owner, fx.clock.now(), 1.5)
    assert claimed is not None
    work = asyncio.create_task(runner.execute(*claimed))
    for _ in range(100):  # until the runner holds the run while DNS propagates
        if fx.store.steps(run_id)["dns_propagated"].status == "waiting":
            break
        await asyncio.sleep(0.05)
    assert fx.store.lease_holder(run_id) == runner.owner
    result = await api.cancel(run_id, "admin", wait=5)
    assert (result.cancelled, result.stopped) == (True, True)
    assert fx.store.lease_holder(run_id) is None
    await asyncio.wait_for(work, 1)
    assert fx.store.run(run_id).status == RunStatus.CANCELLED  # type: ignore[union-attr]


async def test_retry_after_a_failure_finishes_the_run(fx: FakeEngine) -> None:
    """The failed step starts over; the audit trail has who asked."""
    from provisioning.microsoft.errors import ErrorKind

    fx.microsoft.fail("create_DialPlan", ErrorKind.DENIED)
    api = fx.integrations()
    run_id = await api.start(fx.params.tenant_id, RunKind.PROVISION, "admin")
    await fx.runner().drain()
    assert await api.retry(run_id, "admin@contoso")
    await fx.runner().drain()
    assert fx.store.run(run_id).status == RunStatus.SUCCEEDED  # type: ignore[union-attr]
    actions = [e.action for e in api._audit.of_tenant(fx.params.tenant_id)]
    assert "provision_retried" in actions


async def test_cancel_says_stopping_while_the_runner_has_not_let_go(fx: FakeEngine) -> None:
    """A runner that keeps its lease past the wait: the answer is "cancelled, still stopping",
    and "stopped" only once it has let go."""
    api = fx.integrations()
    run_id = await api.start(fx.params.tenant_id, RunKind.PROVISION, "admin")
    # A runner that holds the run and does not react (busy, or its database calls stall).
    claimed = fx.store.claim("a-busy-runner", fx.clock.now(), 30)
    assert claimed is not None
    result = await api.cancel(run_id, "admin", wait=0.3)
    assert (result.cancelled, result.stopped) == (True, False)
    assert fx.store.run(run_id).status == RunStatus.CANCELLED  # type: ignore[union-attr]
    fx.store.relinquish(claimed[1], fx.clock.now())
    again = await api.cancel(run_id, "admin", wait=0.3)
    assert (again.cancelled, again.stopped) == (False, True)


async def _delivered_milestones(fx: FakeEngine, api: Integrations) -> list[Notification]:
    """What the subscriber hears, milestones only, in order (progress moved past as it goes)."""
    heard: list[Notification] = []

    async def deliver(note: Notification) -> None:
        heard.append(note)

    notifier = api.notifier(deliver, "notifier-1")
    for _ in range(40):  # progress goes out at most once a second: move past each pause
        await notifier.drain_once()
        fx.clock.advance(2)
    return [n for n in heard if n.category == "milestone"]


async def test_a_cancelled_run_s_subscriber_hears_the_run_cancelled_milestone(
    fx: FakeEngine,
) -> None:
    """The cancel is a milestone event of its own, with who cancelled it."""
    api = fx.integrations()
    run_id = await api.start(fx.params.tenant_id, RunKind.PROVISION, "admin", "conv-1")
    await api.cancel(run_id, "admin@contoso", wait=0)
    heard = await _delivered_milestones(fx, api)
    assert [(n.subscriber, n.name, n.message) for n in heard] == [
        ("conv-1", "run_cancelled", "cancelled by admin@contoso")
    ]
    view = await api.view(run_id)
    assert view.milestone is not None
    assert (view.milestone.name, view.milestone.failed) == ("run_cancelled", False)


async def test_domain_verification_failing_for_good_says_so_in_its_milestone(
    fx: FakeEngine,
) -> None:
    """Microsoft refuses to verify for 48 hours: the subscriber hears the domain milestone
    missed, in its own words with Microsoft's text and the hint, then the run's failure."""
    from provisioning.microsoft.errors import ErrorKind

    fx.microsoft.fail("verify_domain", ErrorKind.INVALID, times=100)
    api = fx.integrations()
    run_id = await api.start(fx.params.tenant_id, RunKind.PROVISION, "admin", "conv-1")
    await fx.runner().drain()
    fx.clock.advance(49 * 3600)
    await fx.runner().drain()
    heard = await _delivered_milestones(fx, api)
    missed = heard[0]
    assert (missed.name, missed.message) == (
        "domain_verified",
        "Microsoft could not verify the domain.",
    )
    assert missed.data["outcome"] == "failed"
    assert missed.data["error"] == "injected invalid in verify_domain"
    assert "could not verify the domain for 48 hours" in missed.data["hint"]
    assert [n.name for n in heard] == ["domain_verified", "run_failed"]
    view = await api.view(run_id)
    assert view.status == "failed"


async def test_a_removal_after_the_settings_changed_removes_what_provisioning_made(
    fx: FakeEngine,
) -> None:
    """M2: BRAND and REGIONS changed since provisioning; the removal takes away the objects
    named, placed and branded as provisioning made them, and nothing named by today's."""
    api = fx.integrations()
    run_id = await api.start(fx.params.tenant_id, RunKind.PROVISION, "admin")
    await fx.runner().drain()
    assert fx.store.run(run_id).status == RunStatus.SUCCEEDED  # type: ignore[union-attr]
    w = fx.microsoft
    domain = "contoso.gbr-lon-tgw.callroute.test"
    made = (set(w.domains), {u.upn for u in w.users.values()}, set(w.dial_plans))
    assert made == ({domain}, {f"callroute.teams@{domain}"}, {"Callroute-E164"})
    assert set(w.gateways) == {domain}
    assert w.policies
    assert w.routes
    assert w.usages
    assert any(name.rstrip(".").endswith(domain) for name, _ in fx.dns.records())
    # Today's names belong to someone else in this tenant: not ours to remove.
    theirs_domain = "contoso.deu-fra-tgw.callroute.test"
    w.domains[theirs_domain] = True
    w.dial_plans["Acme-E164"] = DialPlan("Acme-E164", "theirs", ())
    later = fx.integrations(
        BRAND="Acme", REGIONS={"deu-fra-tgw": ["198.51.100.7"]}, DEFAULT_REGION="deu-fra-tgw"
    )
    words = await later.integration_objects(fx.params.tenant_id, removal=True)
    assert f"the domain {domain}" in words
    assert "the dial plan Callroute-E164" in words
    assert not any("Acme" in line or theirs_domain in line for line in words)
    removal = await later.start(fx.params.tenant_id, RunKind.REMOVE, "admin")
    recorded = json.loads(fx.store.run(removal).plan)  # type: ignore[union-attr]
    assert (recorded["brand"], recorded["sbc_domain"]) == ("Callroute", domain)
    await fx.runner().drain()
    assert fx.store.run(removal).status == RunStatus.SUCCEEDED  # type: ignore[union-attr]
    assert set(w.domains) == {theirs_domain}
    assert w.users == {}
    assert set(w.dial_plans) == {"Acme-E164"}
    assert (w.policies, w.gateways, w.routes, w.usages) == ({}, {}, {}, [])
    assert not any(name.rstrip(".").endswith(domain) for name, _ in fx.dns.records())
    tenant = await later.tenant(fx.params.tenant_id)
    assert tenant is not None
    assert (tenant.state, tenant.sbc_domain, tenant.region) == ("removed", None, None)
    requested = next(
        e for e in later._audit.of_tenant(fx.params.tenant_id) if e.action == "remove_requested"
    )
    assert domain in requested.detail
