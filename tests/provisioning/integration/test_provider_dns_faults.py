"""Provisioning against a real Knot primary with two Knot secondaries when the provider's DNS
misbehaves: a secondary down for minutes, a secondary that never catches up (SERVFAIL), a
server that is not authoritative at all (REFUSED), a primary that does not answer. Waiting on a
silent server is polling, not failing; every hint blames the provider's DNS, never Microsoft."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from provisioning.engine.retry import MAX_ATTEMPTS
from storage.runs import ACTIVE, RunRecord, RunStatus
from tests.support.clocks import OffsetClock
from tests.support.harness import Harness
from tests.support.knot import KnotServer, KnotTrio, running_knot, running_knot_trio
from tests.support.product import Product, alike_tenant
from tests.support.sandbox_process import running_sandbox

ZONE = "provider.test"


@contextmanager
def _delegated_sandbox(tmp: Path, servers: list[tuple[str, int]]) -> Iterator[Harness]:
    """A sandbox whose domain verification asks the given servers for the provider zone."""
    listed = ",".join(f"{h}:{p}" for h, p in servers)
    with running_sandbox(tmp / "sandbox", "--delegate", f"{ZONE}={listed}") as (endpoints, _):
        harness = Harness(endpoints)
        try:
            yield harness
        finally:
            harness.close()


@pytest.fixture
def trio(tmp_path: Path) -> Iterator[KnotTrio]:
    """The provider's zone on three real Knot servers."""
    with running_knot_trio(tmp_path / "knot") as servers:
        yield servers


def _product(
    sb: Harness,
    trio: KnotTrio | None,
    tmp: Path,
    servers: list[tuple[str, int]],
    primary: tuple[str, int],
    key: KnotServer,
    clock: OffsetClock,
) -> Product:
    return Product.create(
        sb,
        f"sqlite:///{tmp / 'bot.db'}",
        clock=clock,
        PROVIDER_ZONE=ZONE,
        PROVIDER_DNS_PRIMARY=f"{primary[0]}:{primary[1]}",
        PROVIDER_DNS_SERVERS=",".join(f"{h}:{p}" for h, p in servers),
        TSIG_KEY_NAME=key.key_name,
        TSIG_SECRET=key.key_secret,
        PROVIDER_DNS_TIMEOUT_SECONDS="0.2",
    )


async def _drive(product: Product, clock: OffsetClock, run_id: str, until: float) -> RunRecord:
    """Run; whenever the run sleeps on a timer, move the product's clock to it (DNS servers
    keep real time), until the run ends or ``until`` seconds have passed on the clock."""
    runner = product.runner(hold_seconds=0.0)
    start = clock.now()
    while True:
        await runner.drain()
        run = product.run(run_id)
        if run.status not in {s.value for s in ACTIVE} or clock.now() - start > until:
            return run
        assert run.next_wake_at is not None
        clock.advance(max(0.0, run.next_wake_at - clock.now()) + 0.01)


async def _served_again(trio: KnotTrio, prefix: str) -> None:
    """Wait (real time) until the restarted secondary has caught up with the primary."""
    name = f"{prefix}.gbr-lon-tgw.{ZONE}."
    for _ in range(100):
        if trio.serves(1, name, "TXT"):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the secondary did not catch up")


def _waits(product: Product, run_id: str) -> list[str]:
    return [e.message for e in product.runtime.store.events(run_id) if e.kind == "step_waiting"]


async def test_a_secondary_down_for_minutes_only_delays_provisioning(
    trio: KnotTrio, tmp_path: Path
) -> None:
    """Seven minutes without an answer from one secondary: the run keeps polling (its failure
    budget untouched) and names the server; once it is back, the run finishes."""
    silent = trio.servers[2]
    trio.stop_secondary(1)
    clock = OffsetClock()
    with _delegated_sandbox(tmp_path, trio.servers) as sb:
        product = _product(sb, trio, tmp_path, trio.servers, trio.servers[0], trio.primary, clock)
        try:
            tenant = alike_tenant(sb)
            product.onboard(tenant)
            run_id = await product.start(tenant)

            run = await _drive(product, clock, run_id, until=7 * 60)

            assert run.status == RunStatus.WAITING
            step = product.runtime.store.steps(run_id)["dns_propagated"]
            assert step.attempts == 0  # polling, not failing
            assert f"{silent[0]}:{silent[1]} no answer" in (step.wait_reason or "")
            trio.start_secondary(1)
            await _served_again(trio, tenant.domain.split(".")[0])

            run = await _drive(product, clock, run_id, until=3600)

            assert run.status == RunStatus.SUCCEEDED, (run.error, run.hint)
            assert not any("busy or failing" in w for w in _waits(product, run_id))
        finally:
            product.close()


async def test_a_secondary_that_never_catches_up_fails_after_48_hours_blaming_the_provider(
    tmp_path: Path,
) -> None:
    """SERVFAIL from a secondary until the give-up: the admin is sent to the provider."""
    with running_knot_trio(tmp_path / "knot", lagging=True) as trio:
        clock = OffsetClock()
        with _delegated_sandbox(tmp_path, trio.servers) as sb:
            product = _product(
                sb, trio, tmp_path, trio.servers, trio.servers[0], trio.primary, clock
            )
            try:
                tenant = alike_tenant(sb)
                product.onboard(tenant)
                run = await _drive(product, clock, await product.start(tenant), until=50 * 3600)
                assert run.status == RunStatus.FAILED
                lagging = trio.servers[2]
                assert f"{lagging[0]}:{lagging[1]} answered SERVFAIL" in (run.error or "")
                assert "provider" in (run.hint or "")
                assert "Microsoft" not in (run.hint or "")
            finally:
                product.close()


async def test_a_server_that_refuses_the_zone_is_waited_for_and_named(
    trio: KnotTrio, tmp_path: Path
) -> None:
    """REFUSED (a name server listed for the zone that does not serve it) is not visible yet."""
    with running_knot(tmp_path / "other", zone="elsewhere.test") as stranger:
        servers = [*trio.servers, (stranger.host, stranger.port)]
        clock = OffsetClock()
        with _delegated_sandbox(tmp_path, trio.servers) as sb:
            product = _product(sb, trio, tmp_path, servers, trio.servers[0], trio.primary, clock)
            try:
                tenant = alike_tenant(sb)
                product.onboard(tenant)
                run_id = await product.start(tenant)
                run = await _drive(product, clock, run_id, until=600)
                assert run.status == RunStatus.WAITING
                reason = product.runtime.store.steps(run_id)["dns_propagated"].wait_reason or ""
                assert "3 of 4" in reason
                assert f"{stranger.port} answered REFUSED" in reason
            finally:
                product.close()


async def test_a_primary_that_never_answers_fails_with_the_provider_named(
    trio: KnotTrio, tmp_path: Path
) -> None:
    """Updates time out: retried with backoff, then the run fails; the hint names the provider's
    DNS servers, not Microsoft."""
    clock = OffsetClock()
    with _delegated_sandbox(tmp_path, trio.servers) as sb:
        product = _product(sb, trio, tmp_path, trio.servers, trio.servers[0], trio.primary, clock)
        try:
            tenant = alike_tenant(sb)
            product.onboard(tenant)
            # Readiness probes the zone too, so the run is created before the primary "fails".
            run_id = await product.start(tenant)
            product.runtime.ports._dns = product.runtime.ports._dns.model_copy(
                update={"provider_dns_primary": "127.0.0.1:9"}
            )
            run = await _drive(product, clock, run_id, until=24 * 3600)
            steps = product.runtime.store.steps(run_id)
            assert run.status == RunStatus.FAILED, {
                n: (s.status, s.wait_reason) for n, s in steps.items()
            }
            failed = {n for n, s in steps.items() if s.status == "failed"}
            assert failed <= {"dns_subdomain", "txt_record"}, failed  # the two that write DNS
            assert {steps[n].attempts for n in failed} == {MAX_ATTEMPTS}
            assert "127.0.0.1:9" in (run.error or "")
            assert "provider's DNS" in (run.hint or "")
            assert "Microsoft" not in (run.hint or "")
        finally:
            product.close()
