"""``/metrics`` as an operator reads it: runs by kind and status, step attempts, Microsoft calls
by service and answer, the outbox's depth and delivery latency, syncs and synced users; and
nothing in it that names a tenant or a user."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from provisioning.engine.outbox import Notification, Notifier, Outbox
from provisioning.engine.store import RunStore
from provisioning.metrics import Metrics, StateCollector, StateSources
from provisioning.microsoft.adapters.http import JsonApi
from provisioning.microsoft.errors import GRAPH, TEAMS_ADMIN, ErrorKind, ServiceError
from provisioning.microsoft.fakes.world import MCOEV_PLAN, FakeUser
from provisioning.naming import Names
from provisioning.plans import PLANS
from provisioning.sync.facade import TenantUsers
from provisioning.sync.service import UserSync
from provisioning.sync.store import SyncStore
from storage.database import make_engine
from storage.notifications import NotificationStatus
from storage.runs import RunKind, RunStatus
from tests.support.fake_engine import FakeEngine, FakePortsFactory
from tests.support.metrics import Scrape

CALLS = "direct_routing_microsoft_calls_total"
ATTEMPTS = "direct_routing_step_attempt_duration_seconds_count"


async def _scrape_of(fx: FakeEngine, users: TenantUsers | None = None) -> Scrape:
    return Scrape.of(await fx.integrations(users).metrics())


def _process() -> Scrape:
    """The process's own counts (no database state)."""
    return Scrape.of(Metrics().render())


def _users(fx: FakeEngine, count: int = 3) -> TenantUsers:
    """``count`` users in the fake tenant, the first with Teams Phone; and their sync."""
    for i in range(count):
        plans = {MCOEV_PLAN} if i == 0 else set()
        user = FakeUser(f"u{i}", f"user{i}@contoso.com", "GB", plans=plans)
        fx.microsoft.users[user.id] = user
    store = SyncStore(fx.store.engine, Names("Callroute").e164)
    ports = FakePortsFactory(fx.microsoft, fx.dns)
    return TenantUsers(UserSync(store, ports, fx.clock), store)


def _api(service: str, handler: httpx.MockTransport) -> JsonApi:
    async def token() -> str:
        return "token"

    return JsonApi(service, httpx.AsyncClient(transport=handler), "https://api.test", token)


# ------------------------------------------------------------------------------- runs


async def test_a_run_that_finished_shows_by_kind_and_status(fx: FakeEngine) -> None:
    fx.start()
    await fx.runner().drain()

    scrape = await _scrape_of(fx)

    assert scrape.value("direct_routing_runs", kind="provision", status="succeeded") == 1
    assert scrape.value("direct_routing_runs", kind="provision", status="pending") == 0


async def test_a_run_not_yet_claimed_shows_as_pending(fx: FakeEngine) -> None:
    fx.start()

    scrape = await _scrape_of(fx)

    assert scrape.value("direct_routing_runs", kind="provision", status="pending") == 1


async def test_every_kind_and_status_is_exposed_even_at_zero(fx: FakeEngine) -> None:
    scrape = await _scrape_of(fx)

    series = scrape.series("direct_routing_runs")
    expected = {
        frozenset({("kind", k.value), ("status", s.value)}) for k in RunKind for s in RunStatus
    }
    assert set(series) == expected
    assert set(series.values()) == {0.0}


# ------------------------------------------------------------------------------ steps


async def test_each_step_attempt_is_timed_by_kind_step_and_outcome(fx: FakeEngine) -> None:
    before = _process()
    fx.start()
    await fx.runner().drain()

    after = _process()

    for step in PLANS.current("provision").steps:
        done = after.since(before, ATTEMPTS, kind="provision", step=step.name, outcome="done")
        assert done == 1, step.name


async def test_a_transient_failure_is_an_error_attempt(fx: FakeEngine) -> None:
    fx.microsoft.fail("create_DialPlan", ErrorKind.TRANSIENT, times=1)
    before = _process()
    fx.start()
    await fx.runner().drain()

    after = _process()

    assert after.since(before, ATTEMPTS, kind="provision", step="dial_plan", outcome="error") == 1


async def test_a_permanent_failure_is_a_failed_attempt(fx: FakeEngine) -> None:
    fx.microsoft.fail("create_DialPlan", ErrorKind.DENIED)
    before = _process()
    fx.start()
    await fx.runner().drain()

    after = _process()

    assert after.since(before, ATTEMPTS, kind="provision", step="dial_plan", outcome="failed") == 1


async def test_a_step_that_waits_is_a_wait_attempt(fx: FakeEngine) -> None:
    fx.microsoft.activation_seconds = 24 * 3600  # the gateway waits for Direct Routing
    before = _process()
    fx.start()
    await fx.runner().drain()

    after = _process()

    assert after.since(before, ATTEMPTS, kind="provision", step="pstn_gateway", outcome="wait") == 1


# -------------------------------------------------------------------- Microsoft calls


async def test_a_graph_call_is_counted_by_service_and_status() -> None:
    api = _api(GRAPH, httpx.MockTransport(lambda request: httpx.Response(200, json={})))
    before = _process()

    await api.json("GET", "/organization")

    after = _process()
    assert after.since(before, CALLS, service="graph", status="200") == 1
    assert (
        after.since(before, "direct_routing_microsoft_call_duration_seconds_count", service="graph")
        == 1
    )


async def test_a_refusal_is_counted_with_its_status() -> None:
    api = _api(TEAMS_ADMIN, httpx.MockTransport(lambda request: httpx.Response(429, json={})))
    before = _process()

    with pytest.raises(ServiceError):
        await api.json("GET", "/Skype.Policy/configurations/TenantDialPlan")

    assert _process().since(before, CALLS, service="teams_admin", status="429") == 1


async def test_a_call_that_got_no_answer_is_counted_as_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    api = _api(GRAPH, httpx.MockTransport(refuse))
    before = _process()

    with pytest.raises(ServiceError):
        await api.json("GET", "/organization")

    assert _process().since(before, CALLS, service="graph", status="error") == 1


# ----------------------------------------------------------------------------- outbox


async def test_the_outbox_depth_counts_the_notifications_waiting(fx: FakeEngine) -> None:
    run_id = fx.start(subscriber="conversation-1")
    await fx.runner().drain()
    waiting = [r for r in fx.outbox.of_run(run_id) if r.status == NotificationStatus.PENDING]

    scrape = await _scrape_of(fx)

    assert waiting
    assert scrape.value("direct_routing_outbox_pending") == len(waiting)


async def test_the_oldest_waiting_notification_shows_its_age(fx: FakeEngine) -> None:
    fx.start(subscriber="conversation-1")
    await fx.runner().drain()
    fx.clock.advance(600)

    scrape = await _scrape_of(fx)

    assert scrape.value("direct_routing_outbox_oldest_pending_age_seconds") >= 600


async def test_an_empty_outbox_is_zero_deep_and_ageless(fx: FakeEngine) -> None:
    scrape = await _scrape_of(fx)

    assert scrape.value("direct_routing_outbox_pending") == 0
    assert scrape.value("direct_routing_outbox_oldest_pending_age_seconds") == 0


async def test_a_delivery_is_timed_from_the_notification_s_creation(fx: FakeEngine) -> None:
    fx.start(subscriber="conversation-1")
    await fx.runner().drain()
    fx.clock.advance(120)
    delivered: list[Notification] = []

    async def deliver(note: Notification) -> None:
        delivered.append(note)

    notifier = Notifier(fx.outbox, deliver, fx.clock, "n1", seed=1)
    before = _process()
    while await notifier.drain_once():
        fx.clock.advance(5)  # progress goes out at most once a second

    after = _process()
    name = "direct_routing_notification_delivery_latency_seconds"
    milestones = [n for n in delivered if n.category == "milestone"]
    assert after.since(before, f"{name}_count", category="milestone") == len(milestones)
    assert after.since(before, f"{name}_sum", category="milestone") >= 120 * len(milestones)
    assert (await _scrape_of(fx)).value("direct_routing_outbox_pending") == 0


# ------------------------------------------------------------------------------- sync


async def test_a_sync_counts_its_pages_and_users_by_cursor(fx: FakeEngine) -> None:
    users = _users(fx, 3)
    before = _process()

    await users.sync(fx.params.tenant_id)

    after = _process()
    assert after.since(before, "direct_routing_sync_pages_total", cursor="directory") == 1
    assert after.since(before, "direct_routing_sync_users_total", cursor="directory") == 3
    assert after.since(before, "direct_routing_sync_pages_total", cursor="voice") == 1
    assert after.since(before, "direct_routing_syncs_total", kind="full", outcome="finished") == 1


async def test_a_sync_that_fails_is_counted_as_failed(fx: FakeEngine) -> None:
    users = _users(fx, 3)
    fx.microsoft.fail("sync_directory_page", ErrorKind.TRANSIENT)
    before = _process()

    with pytest.raises(ServiceError):
        await users.sync(fx.params.tenant_id)

    assert (
        _process().since(before, "direct_routing_syncs_total", kind="full", outcome="failed") == 1
    )


async def test_synced_users_show_by_status(fx: FakeEngine) -> None:
    users = _users(fx, 3)
    await users.sync(fx.params.tenant_id)

    scrape = await _scrape_of(fx, users)

    assert scrape.value("direct_routing_tenant_users", status="inactive") == 1
    assert scrape.value("direct_routing_tenant_users", status="unlicensed") == 2


# ------------------------------------------------------------------------ exposition


async def test_nothing_names_a_tenant_or_a_user(fx: FakeEngine) -> None:
    users = _users(fx, 3)
    await users.sync(fx.params.tenant_id)
    fx.start(subscriber="conversation-1")
    await fx.runner().drain()

    text = (await fx.integrations(users).metrics()).decode()

    for private in (fx.params.tenant_id, "contoso", "user0", "conversation-1", "Callroute"):
        assert private not in text


async def test_a_database_that_cannot_be_read_is_reported_not_a_failed_scrape(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'not-migrated.db'}")
    outbox = Outbox(engine)
    sources = StateSources(
        RunStore(engine).counts, outbox.pending, outbox.oldest_pending, time.time
    )

    scrape = Scrape.of(Metrics(StateCollector(sources)).render())

    assert scrape.value("direct_routing_database_readable") == 0
    assert not scrape.has("direct_routing_outbox_pending")
    assert scrape.types["direct_routing_microsoft_calls"] == "counter"


async def test_a_readable_database_says_so(fx: FakeEngine) -> None:
    scrape = await _scrape_of(fx)

    assert scrape.value("direct_routing_database_readable") == 1
