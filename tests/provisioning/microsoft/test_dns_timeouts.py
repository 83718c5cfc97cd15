"""The DNS adapters against servers that take the query and never answer, so the adapters' own
timeouts end each wait: propagation treats such a server as "not visible yet" and names it (the
probe asks over UDP, TCP only after a truncated answer); an update to such a primary (always
TCP) is a transient failure of the provider's DNS, never blamed on Microsoft."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from provisioning.engine.contract import Failed, StepContext, Wait
from provisioning.hints import explain
from provisioning.microsoft.adapters.dns_probe import DnsProbeAdapter
from provisioning.microsoft.adapters.dns_update import DnsZoneAdapter
from provisioning.microsoft.errors import PROVIDER_DNS, ErrorKind, ServiceError
from provisioning.microsoft.ports.tenant import TenantPorts
from provisioning.steps import domain
from tests.support.black_hole import BlackHole, tcp_black_hole, udp_black_hole
from tests.support.fake_engine import FakeEngine
from tests.support.give_ups import DNS_GIVE_UP
from tests.support.knot import KnotServer

# Long enough for Knot on loopback to answer on a loaded CI machine (two test workers and a
# browser); the black hole's silence still ends each wait after exactly this long.
TIMEOUT = 1.0


def _probe(*servers: tuple[str, int], zone: str = "provider.test") -> DnsProbeAdapter:
    return DnsProbeAdapter(zone, list(servers), timeout=TIMEOUT)


def _zone(knot: KnotServer, primary: tuple[str, int]) -> DnsZoneAdapter:
    return DnsZoneAdapter(knot.zone, primary, knot.key_name, knot.key_secret, timeout=TIMEOUT)


async def _published_on(
    fx: FakeEngine, knot: KnotServer, label: str, hole: BlackHole
) -> StepContext[Any, TenantPorts]:
    """A propagation step for ``label`` in Knot's zone, its record published on Knot, probing
    Knot and the black hole."""
    sbc = f"{label}.gbr-lon-tgw.{knot.zone}"
    text = f"MS=ms{label}"
    # Publishing is the test's setup, not what it measures: the adapter's own default timeout.
    publisher = DnsZoneAdapter(knot.zone, (knot.host, knot.port), knot.key_name, knot.key_secret)
    await publisher.set_records(sbc + ".", "TXT", [text], 300)
    params = replace(fx.params, sbc_domain=sbc, zone=knot.zone)
    ctx, _ = fx.context(params=params, outputs={"txt_record": {"txt": text}})
    probe = _probe((knot.host, knot.port), (hole.host, hole.port), zone=knot.zone)
    return replace(ctx, ports=replace(ctx.ports, probe=probe))


async def test_a_server_that_takes_the_query_and_never_answers_is_silent() -> None:
    """The query arrives, no answer comes: after the probe's timeout the server is reported
    silent ("no answer (Timeout)"), not raised as an error."""
    async with udp_black_hole() as hole:
        answers = await _probe((hole.host, hole.port)).everywhere("x.provider.test.", "TXT")

    assert [(a.server, a.records, a.silent) for a in answers] == [
        (hole.address, (), "no answer (Timeout)")
    ]
    assert hole.received


async def test_propagation_waits_on_a_server_that_never_answers_and_names_it(
    fx: FakeEngine, knot: KnotServer
) -> None:
    """One server serves the record, the other swallows the query: not visible yet there, so
    the step waits and says which server is silent."""
    async with udp_black_hole() as hole:
        ctx = await _published_on(fx, knot, "silent1", hole)

        outcome = await domain.dns_propagated(ctx)

    assert isinstance(outcome, Wait)
    assert outcome.reason == (
        "Waiting for DNS: the record is on 1 of 2 name servers; no answer yet from "
        f"{hole.address} no answer (Timeout)"
    )


async def test_after_48_hours_a_server_that_never_answers_is_named_and_the_provider_blamed(
    fx: FakeEngine, knot: KnotServer
) -> None:
    """Still silent at the give-up: the failure names the server, the hint sends the admin to
    the provider and does not mention Microsoft."""
    async with udp_black_hole() as hole:
        ctx = await _published_on(fx, knot, "silent2", hole)
        fx.clock.advance(DNS_GIVE_UP + 1)

        outcome = await domain.dns_propagated(ctx)

    assert isinstance(outcome, Failed)
    assert f"Not answering: {hole.address} no answer (Timeout)." in outcome.message
    assert "provider" in outcome.hint
    assert "Microsoft" not in outcome.hint


async def test_the_negative_ttl_comes_from_the_next_server_when_one_never_answers(
    knot: KnotServer,
) -> None:
    """The wait before asking Microsoft again is the zone's own negative TTL (Knot's 300 s),
    read from a server that answers, not the default guessed for a silent zone."""
    async with udp_black_hole() as hole:
        probe = _probe((hole.host, hole.port), (knot.host, knot.port), zone=knot.zone)

        ttl = await probe.negative_ttl()

    assert ttl == 300
    assert hole.received


async def test_an_update_to_a_primary_that_never_answers_is_a_transient_provider_dns_failure(
    fx: FakeEngine, knot: KnotServer
) -> None:
    """The signed update reaches the primary, no answer comes: after the timeout the step's
    failure is transient (retried), names the primary, and its hint is the provider's DNS."""
    async with tcp_black_hole() as hole:
        ctx, _ = fx.context(params=replace(fx.params, zone=knot.zone))
        ctx = replace(ctx, ports=replace(ctx.ports, zone=_zone(knot, (hole.host, hole.port))))

        with pytest.raises(ServiceError) as caught:
            await domain.dns_subdomain(ctx)

    error = caught.value
    assert (error.service, error.kind, error.transient) == (
        PROVIDER_DNS,
        ErrorKind.TRANSIENT,
        True,
    )
    assert error.message.startswith(f"No answer from {hole.address}")
    assert "provider's DNS" in explain(error)
    assert "Microsoft" not in explain(error)
    assert hole.received
