"""The product's DNS adapters against a real Knot DNS server: RFC 2136 updates signed with
TSIG (HMAC-SHA256), and the probe that asks authoritative servers directly."""

from __future__ import annotations

import dns.message
import dns.query
import pytest

from provisioning.metrics import Metrics
from provisioning.microsoft.adapters.dns_probe import DnsProbeAdapter
from provisioning.microsoft.adapters.dns_update import DnsZoneAdapter
from provisioning.microsoft.errors import ErrorKind, ServiceError
from tests.support.knot import KnotServer
from tests.support.metrics import Scrape

WRONG = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTIzNDU2Nzg="


def _zone(knot: KnotServer, secret: str | None = None) -> DnsZoneAdapter:
    return DnsZoneAdapter(
        knot.zone, (knot.host, knot.port), knot.key_name, secret or knot.key_secret
    )


def _answer(knot: KnotServer, name: str, rdtype: str) -> list[str]:
    response = dns.query.udp(
        dns.message.make_query(name, rdtype), knot.host, port=knot.port, timeout=3
    )
    return sorted(r.to_text() for rrset in response.answer for r in rrset)


async def test_records_are_replaced_not_appended(knot: KnotServer) -> None:
    """``set_records`` replaces the RRset, so repeating it changes nothing (idempotent)."""
    zone = _zone(knot)
    name = f"contoso.gbr-lon-tgw.{knot.zone}."
    await zone.set_records(name, "A", ["192.0.2.10"], 300)
    await zone.set_records(name, "A", ["192.0.2.10"], 300)
    await zone.set_records(name, "AAAA", ["2001:db8::10"], 300)
    assert _answer(knot, name, "A") == ["192.0.2.10"]
    assert _answer(knot, name, "AAAA") == ["2001:db8::10"]


async def test_txt_values_are_quoted(knot: KnotServer) -> None:
    """Microsoft's ``MS=ms…`` text arrives as one TXT string."""
    zone = _zone(knot)
    name = f"txt.gbr-lon-tgw.{knot.zone}."
    await zone.set_records(name, "TXT", ["MS=ms12345678"], 300)
    assert _answer(knot, name, "TXT") == ['"MS=ms12345678"']


async def test_delete_removes_one_rrset_or_a_whole_name(knot: KnotServer) -> None:
    """Removal deletes exactly what the ledger names."""
    zone = _zone(knot)
    name = f"gone.gbr-lon-tgw.{knot.zone}."
    await zone.set_records(name, "A", ["192.0.2.10"], 300)
    await zone.set_records(name, "TXT", ["x"], 300)
    await zone.delete_records(name, "TXT")
    assert _answer(knot, name, "TXT") == []
    assert _answer(knot, name, "A") == ["192.0.2.10"]
    await zone.delete_records(name)
    assert _answer(knot, name, "A") == []
    await zone.delete_records(name)  # deleting what is gone is fine


async def test_check_access_proves_the_key_is_accepted(knot: KnotServer) -> None:
    """The readiness check's probe: a signed, change-free update."""
    await _zone(knot).check_access()


async def test_a_wrong_key_is_denied(knot: KnotServer) -> None:
    """Knot answers NOTAUTH/BADSIG; the adapter reports DENIED, not a retryable failure."""
    with pytest.raises(ServiceError) as caught:
        await _zone(knot, WRONG).set_records(f"x.{knot.zone}.", "A", ["192.0.2.1"], 300)
    assert caught.value.kind == ErrorKind.DENIED


async def test_an_unreachable_primary_is_transient() -> None:
    """No answer is worth retrying."""
    zone = DnsZoneAdapter("callroute.test", ("127.0.0.1", 9), "k.", WRONG, timeout=1.0)
    with pytest.raises(ServiceError) as caught:
        await zone.check_access()
    assert caught.value.kind == ErrorKind.TRANSIENT


async def test_the_probe_reads_each_server_and_the_negative_ttl(knot: KnotServer) -> None:
    """``everywhere`` asks each configured server; NXDOMAIN is an empty answer."""
    zone = _zone(knot)
    name = f"probe.gbr-lon-tgw.{knot.zone}."
    await zone.set_records(name, "TXT", ["MS=ms1"], 300)
    probe = DnsProbeAdapter(knot.zone, [(knot.host, knot.port), (knot.host, knot.port)])
    answers = await probe.everywhere(name, "TXT")
    assert [a.records for a in answers] == [("MS=ms1",), ("MS=ms1",)]
    missing = await probe.everywhere(f"nothing.{knot.zone}.", "TXT")
    assert [a.records for a in missing] == [(), ()]
    assert await probe.negative_ttl() == 300


async def test_a_server_that_does_not_answer_is_silent_not_an_error(knot: KnotServer) -> None:
    """While a record propagates, a dead secondary only means "not visible there yet"."""
    zone = _zone(knot)
    name = f"silent.gbr-lon-tgw.{knot.zone}."
    await zone.set_records(name, "TXT", ["MS=ms2"], 300)
    probe = DnsProbeAdapter(knot.zone, [(knot.host, knot.port), ("127.0.0.1", 9)], timeout=2.0)
    live, dead = await probe.everywhere(name, "TXT")
    assert (live.records, live.silent) == (("MS=ms2",), None)
    assert dead.records == ()
    assert dead.silent is not None
    assert "no answer" in dead.silent
    assert await probe.negative_ttl() == 300  # from the server that answers


async def test_each_update_is_counted_with_the_server_s_answer(knot: KnotServer) -> None:
    """/metrics: ``direct_routing_microsoft_calls_total{service="dns"}`` by rcode."""
    before = Scrape.of(Metrics().render())
    await _zone(knot).check_access()
    after = Scrape.of(Metrics().render())
    calls = "direct_routing_microsoft_calls_total"
    assert after.since(before, calls, service="dns", status="NOERROR") == 1
