"""TSIG on the provider zone's servers (RFC 8945 §5.2, §5.3): signed messages get signed answers;
a bad key or MAC gets an unsigned NOTAUTH, a bad time a signed one carrying both clocks."""

from __future__ import annotations

import time
from unittest import mock

import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.tsig
import dns.tsigkeyring
import dns.update
import pytest

from tests.sandbox.dns.conftest import exchange, mac_is_valid, tsig_of, unverified
from tests.support.provider_dns import ProviderDns

WRONG_SECRET = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTIzNDU2"


Keyring = dict[dns.name.Name, dns.tsig.Key]


def _keyring(zone: ProviderDns, name: str | None = None, secret: str | None = None) -> Keyring:
    ring: Keyring = dns.tsigkeyring.from_text(
        {name or zone.key_name: (zone.algorithm, secret or zone.secret)}
    )
    return ring


def _signed_update(zone: ProviderDns, label: str, keyring: Keyring) -> dns.update.UpdateMessage:
    update = dns.update.UpdateMessage(zone.zone, keyring=keyring, keyalgorithm=zone.algorithm)
    update.replace(zone.fqdn(label), 300, "TXT", '"x"')
    return update


def _wire(message: dns.message.Message, signed_at: int | None = None) -> bytes:
    """The message signed now, or at ``signed_at`` (dnspython signs with time.time())."""
    if signed_at is None:
        return message.to_wire()
    with mock.patch("time.time", return_value=float(signed_at)):
        return message.to_wire()


def test_a_signed_query_gets_a_signed_answer_from_every_server(zone: ProviderDns) -> None:
    """RFC 8945 §5.3: answers to signed requests are signed with the same key."""
    for server in range(len(zone.servers)):
        query = dns.message.make_query(zone.zone, "SOA")
        query.use_tsig(_keyring(zone), algorithm=zone.algorithm)
        host, port = zone.servers[server]
        # dnspython verifies the answer's TSIG against the query's key.
        answer = dns.query.udp(query, host, port=port, timeout=5)
        assert answer.rcode() == dns.rcode.NOERROR
        assert answer.had_tsig


def test_a_wrong_secret_gets_an_unsigned_notauth_badsig(zone: ProviderDns, label: str) -> None:
    """RFC 8945 §5.2.2: BADSIG, and "this response MUST be unsigned" (MAC size 0, §5.3.2)."""
    update = _signed_update(zone, label, _keyring(zone, secret=WRONG_SECRET))
    answer = unverified(exchange(zone.servers[0], _wire(update)))
    assert answer.rcode() == dns.rcode.NOTAUTH
    record = tsig_of(answer)
    assert record.error == dns.rcode.BADSIG
    assert record.mac == b""
    assert record.original_id == update.id
    assert zone.txt(zone.fqdn(label)) == []


def test_dnspython_reports_a_wrong_secret_as_badsig(zone: ProviderDns, label: str) -> None:
    """A client library sees the error the server named."""
    wrong = _keyring(zone, secret=WRONG_SECRET)
    with pytest.raises(dns.tsig.PeerBadSignature):
        zone.update(lambda u: u.replace(zone.fqdn(label), 300, "TXT", '"x"'), keyring=wrong)


def test_an_unknown_key_gets_an_unsigned_notauth_badkey(zone: ProviderDns, label: str) -> None:
    """RFC 8945 §5.2.1: BADKEY for a key the server does not know, unsigned."""
    update = _signed_update(zone, label, _keyring(zone, name="stranger.", secret=WRONG_SECRET))
    answer = unverified(exchange(zone.servers[0], _wire(update), tcp=True))
    assert answer.rcode() == dns.rcode.NOTAUTH
    record = tsig_of(answer)
    assert record.error == dns.rcode.BADKEY
    assert record.mac == b""
    assert answer.tsig is not None
    assert answer.tsig.name.to_text() == "stranger."


def test_the_right_key_name_with_another_algorithm_is_badkey(zone: ProviderDns) -> None:
    """RFC 8945 §5.2.1: a key the server has, but not for that algorithm, is BADKEY too."""
    query = dns.message.make_query(zone.zone, "SOA")
    sha512 = dns.tsigkeyring.from_text({zone.key_name: ("hmac-sha512", zone.secret)})
    query.use_tsig(sha512, algorithm="hmac-sha512")
    answer = unverified(exchange(zone.servers[1], _wire(query)))
    assert tsig_of(answer).error == dns.rcode.BADKEY


def test_a_stale_signature_gets_a_signed_badtime_with_both_clocks(
    zone: ProviderDns, label: str
) -> None:
    """RFC 8945 §5.2.3: BADTIME "MUST be signed by the same key as the request", the client's
    time in Time Signed and the server's (48 bits) in Other Data."""
    keyring = _keyring(zone)
    update = _signed_update(zone, label, keyring)
    stale = int(time.time()) - 3600
    request = _wire(update, signed_at=stale)
    request_mac = tsig_of(unverified(request)).mac
    raw = exchange(zone.servers[0], request)
    answer = unverified(raw)
    assert answer.rcode() == dns.rcode.NOTAUTH
    record = tsig_of(answer)
    assert record.error == dns.rcode.BADTIME
    assert record.time_signed == stale
    assert len(record.other) == 6
    assert abs(int.from_bytes(record.other, "big") - time.time()) < 10
    assert mac_is_valid(raw, next(iter(keyring.values())), request_mac)
    assert zone.txt(zone.fqdn(label)) == []


def test_a_stale_message_with_a_bad_mac_is_badsig_not_badtime(
    zone: ProviderDns, label: str
) -> None:
    """RFC 8945 §5.2: the MAC is checked before the time, so a forgery learns no clock."""
    update = _signed_update(zone, label, _keyring(zone, secret=WRONG_SECRET))
    answer = unverified(exchange(zone.servers[0], _wire(update, signed_at=int(time.time()) - 3600)))
    record = tsig_of(answer)
    assert record.error == dns.rcode.BADSIG
    assert record.other == b""
