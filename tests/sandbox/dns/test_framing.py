"""EDNS and answer sizes on the provider zone's servers: the DO bit (RFC 3225 §3), unknown EDNS
versions (RFC 6891 §6.1.3), UDP limits and truncation (RFC 1035 §4.2.1, RFC 2181 §9)."""

from __future__ import annotations

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.update

from tests.sandbox.dns.conftest import exchange, unverified
from tests.support.provider_dns import ProviderDns


def _many_txt(zone: ProviderDns, label: str) -> None:
    """Twelve 64-byte TXT records: about 900 bytes of answer."""

    def add_many(u: dns.update.UpdateMessage) -> None:
        for i in range(12):
            u.add(zone.fqdn(label), 300, "TXT", f'"{i:03d}{"x" * 60}"')

    zone.update(add_many)


def test_the_do_bit_of_the_query_is_copied_into_the_answer(zone: ProviderDns) -> None:
    """RFC 3225 §3: "the DO bit of the query MUST be copied in the response"."""
    for server in range(len(zone.servers)):
        answer = zone.query(zone.zone, "SOA", server=server, want_dnssec=True)
        assert answer.ednsflags & dns.flags.DO


def test_without_the_do_bit_the_answer_has_none(zone: ProviderDns) -> None:
    """The bit is copied, not invented."""
    answer = zone.query(zone.zone, "SOA", use_edns=0)
    assert answer.edns == 0
    assert not answer.ednsflags & dns.flags.DO


def test_an_edns_version_above_zero_gets_badvers_with_version_zero(zone: ProviderDns) -> None:
    """RFC 6891 §6.1.3: RCODE=BADVERS, and the OPT record names the version we implement."""
    answer = zone.query(zone.zone, "SOA", use_edns=1)
    assert answer.rcode() == dns.rcode.BADVERS
    assert answer.edns == 0
    assert answer.answer == []


def test_an_update_with_edns_version_one_is_badvers_and_not_applied(
    zone: ProviderDns, label: str
) -> None:
    """The version is checked before the message is acted on."""
    update = dns.update.UpdateMessage(zone.zone, keyring=zone.keyring, keyalgorithm=zone.algorithm)
    update.use_edns(1)
    update.replace(zone.fqdn(label), 300, "TXT", '"x"')
    answer = unverified(exchange(zone.servers[0], update.to_wire(), tcp=True))
    assert answer.rcode() == dns.rcode.BADVERS
    assert zone.txt(zone.fqdn(label)) == []


def test_a_truncated_answer_keeps_the_authoritative_bit(zone: ProviderDns, label: str) -> None:
    """Beyond 512 bytes plain UDP gets TC, with AA and the question as in the full answer."""
    _many_txt(zone, label)
    answer = zone.query(zone.fqdn(label), "TXT", use_edns=False)
    assert answer.flags & dns.flags.TC
    assert answer.flags & dns.flags.AA
    assert answer.rcode() == dns.rcode.NOERROR
    assert answer.answer == []
    assert answer.question[0].name.to_text() == zone.fqdn(label)


def test_a_small_edns_size_truncates_too_and_keeps_the_opt_record(
    zone: ProviderDns, label: str
) -> None:
    """RFC 6891 §6.2.5: the client's advertised size bounds the UDP answer."""
    _many_txt(zone, label)
    answer = zone.query(zone.fqdn(label), "TXT", use_edns=0, payload=512, want_dnssec=True)
    assert answer.flags & dns.flags.TC
    assert answer.flags & dns.flags.AA
    assert answer.edns == 0
    assert answer.ednsflags & dns.flags.DO


def test_a_large_edns_size_gets_the_whole_answer_over_udp(zone: ProviderDns, label: str) -> None:
    """With 4096 bytes advertised the same answer fits in one datagram."""
    _many_txt(zone, label)
    answer = zone.query(zone.fqdn(label), "TXT", use_edns=0, payload=4096)
    assert not answer.flags & dns.flags.TC
    assert len(answer.answer[0]) == 12


def test_tcp_carries_the_whole_answer(zone: ProviderDns, label: str) -> None:
    """TCP answers are not limited to a datagram."""
    _many_txt(zone, label)
    answer = zone.query(zone.fqdn(label), "TXT", tcp=True, use_edns=False)
    assert len(answer.answer[0]) == 12


def test_a_signed_truncated_answer_is_still_signed(zone: ProviderDns, label: str) -> None:
    """RFC 8945 §5.3: every answer to a signed request is signed, truncated ones included."""
    _many_txt(zone, label)
    query = dns.message.make_query(zone.fqdn(label), "TXT", use_edns=False)
    query.use_tsig(zone.keyring, algorithm=zone.algorithm)
    host, port = zone.servers[0]
    answer = dns.query.udp(query, host, port=port, timeout=5)
    assert answer.flags & dns.flags.TC
    assert answer.had_tsig
