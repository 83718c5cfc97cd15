"""The provider's authoritative zone: queries over UDP and TCP, RFC 2136 updates with TSIG,
prerequisites, and secondaries that lag the primary (issue "sandbox, part 2"; RFC 2136, RFC 8945,
RFC 2308)."""

from __future__ import annotations

import socket
import uuid

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.update
import pytest

from tests.support.harness import Harness
from tests.support.provider_dns import ProviderDns


def test_the_apex_has_soa_and_one_ns_per_server(zone: ProviderDns) -> None:
    """SOA and NS at the apex; every server is listed, with its address as glue."""
    soa = zone.query(zone.zone, "SOA")
    assert soa.flags & dns.flags.AA
    assert soa.answer[0].rdtype == dns.rdatatype.SOA
    ns = zone.query(zone.zone, "NS", server=1)
    assert len(ns.answer[0]) == len(zone.servers)
    assert len(ns.additional) == len(zone.servers)


def test_configured_sbc_targets_answer_a_and_aaaa(zone: ProviderDns) -> None:
    """The regions' SBC targets come from the configuration."""
    a = zone.query(zone.fqdn("sbc.gbr-lon-tgw"), "A")
    assert a.answer[0][0].to_text() == "192.0.2.10"
    aaaa = zone.query(zone.fqdn("sbc.gbr-lon-tgw"), "AAAA", tcp=True)
    assert aaaa.answer[0][0].to_text() == "2001:db8::10"


def test_a_signed_update_is_applied_on_the_primary(zone: ProviderDns, label: str) -> None:
    """RFC 2136 with TSIG (HMAC-SHA256): NOERROR, signed answer, record served."""
    response = zone.update(lambda u: u.replace(zone.fqdn(label), 300, "TXT", '"MS=ms12345678"'))
    assert response.rcode() == dns.rcode.NOERROR
    assert response.had_tsig
    assert zone.txt(zone.fqdn(label)) == ["MS=ms12345678"]


def test_cname_answers_follow_the_chain_inside_the_zone(zone: ProviderDns, label: str) -> None:
    """A tenant's SBC name is a CNAME to its region's target; A queries chase it."""
    zone.update(lambda u: u.replace(zone.fqdn(label), 300, "CNAME", zone.fqdn("sbc.gbr-lon-tgw")))
    response = zone.query(zone.fqdn(label), "A")
    assert [r.rdtype for r in response.answer] == [dns.rdatatype.CNAME, dns.rdatatype.A]


def test_each_change_bumps_the_serial_and_no_op_updates_do_not(
    zone: ProviderDns, label: str
) -> None:
    """The SOA serial moves with every applied change."""

    def serial() -> int:
        return int(zone.query(zone.zone, "SOA").answer[0][0].serial)

    before = serial()
    zone.update(lambda u: u.add(zone.fqdn(label), 300, "TXT", '"one"'))
    assert serial() == before + 1
    zone.update(lambda u: u.add(zone.fqdn(label), 300, "TXT", '"one"'))
    assert serial() == before + 1


def test_nxdomain_carries_the_soa_with_the_negative_ttl(zone: ProviderDns) -> None:
    """RFC 2308 §3: the authority SOA's TTL is min(SOA TTL, MINIMUM) = 300 here."""
    response = zone.query(zone.fqdn(f"nope-{uuid.uuid4().hex}"), "TXT")
    assert response.rcode() == dns.rcode.NXDOMAIN
    soa = response.authority[0]
    assert soa.rdtype == dns.rdatatype.SOA
    assert soa.ttl == min(3600, soa[0].minimum) == 300


def test_nodata_for_an_existing_name_has_the_soa_too(zone: ProviderDns) -> None:
    """A name that exists without the asked type answers NOERROR with no records."""
    response = zone.query(zone.fqdn("sbc.gbr-lon-tgw"), "TXT")
    assert response.rcode() == dns.rcode.NOERROR
    assert response.answer == []
    assert response.authority[0].rdtype == dns.rdatatype.SOA


def test_names_outside_the_zone_are_refused(zone: ProviderDns) -> None:
    """An authoritative-only server refuses other zones."""
    assert zone.query("example.com.", "A").rcode() == dns.rcode.REFUSED


def test_an_unsigned_update_is_refused(zone: ProviderDns, label: str) -> None:
    """Updates must be signed with the zone's key."""
    response = zone.update(lambda u: u.replace(zone.fqdn(label), 300, "TXT", '"x"'), keyring=None)
    assert response.rcode() == dns.rcode.REFUSED
    assert zone.txt(zone.fqdn(label)) == []


def test_updates_sent_to_a_secondary_are_refused(zone: ProviderDns, label: str) -> None:
    """Updates go to the primary."""
    response = zone.update(lambda u: u.replace(zone.fqdn(label), 300, "TXT", '"x"'), server=1)
    assert response.rcode() == dns.rcode.REFUSED


def test_an_update_for_another_zone_is_notauth(sb: Harness) -> None:
    """RFC 2136 §3.1.1: the server is not authoritative for the zone named."""
    other = ProviderDns(sb.endpoints)
    other.zone = "example.org"
    response = other.update(lambda u: u.replace("x.example.org.", 300, "TXT", '"x"'))
    assert response.rcode() == dns.rcode.NOTAUTH


def test_prerequisite_name_in_use_is_honoured(zone: ProviderDns, label: str) -> None:
    """RFC 2136 §2.4.4: "name is in use", else NXDOMAIN; nothing is changed."""

    def build(u: dns.update.UpdateMessage) -> None:
        u.present(zone.fqdn(label))
        u.add(zone.fqdn(label), 300, "TXT", '"x"')

    assert zone.update(build).rcode() == dns.rcode.NXDOMAIN
    assert zone.txt(zone.fqdn(label)) == []


def test_prerequisite_name_not_in_use_is_honoured(zone: ProviderDns, label: str) -> None:
    """RFC 2136 §2.4.5: "name is not in use", else YXDOMAIN."""
    zone.update(lambda u: u.add(zone.fqdn(label), 300, "TXT", '"first"'))

    def build(u: dns.update.UpdateMessage) -> None:
        u.absent(zone.fqdn(label))
        u.add(zone.fqdn(label), 300, "TXT", '"second"')

    assert zone.update(build).rcode() == dns.rcode.YXDOMAIN
    assert zone.txt(zone.fqdn(label)) == ["first"]


def test_prerequisite_rrset_exists_is_honoured(zone: ProviderDns, label: str) -> None:
    """RFC 2136 §2.4.1 (value independent), else NXRRSET."""

    def build(u: dns.update.UpdateMessage) -> None:
        u.present(zone.fqdn(label), "TXT")
        u.add(zone.fqdn(label), 300, "A", "192.0.2.1")

    assert zone.update(build).rcode() == dns.rcode.NXRRSET


def test_prerequisite_rrset_does_not_exist_is_honoured(zone: ProviderDns, label: str) -> None:
    """RFC 2136 §2.4.3: "RRset does not exist", else YXRRSET."""
    zone.update(lambda u: u.add(zone.fqdn(label), 300, "TXT", '"x"'))

    def build(u: dns.update.UpdateMessage) -> None:
        u.absent(zone.fqdn(label), "TXT")
        u.add(zone.fqdn(label), 300, "TXT", '"y"')

    assert zone.update(build).rcode() == dns.rcode.YXRRSET
    assert zone.txt(zone.fqdn(label)) == ["x"]


def test_prerequisite_rrset_with_values_is_honoured(zone: ProviderDns, label: str) -> None:
    """RFC 2136 §2.4.2 (value dependent): the RRset must match exactly, else NXRRSET."""
    zone.update(lambda u: u.add(zone.fqdn(label), 300, "TXT", '"x"'))

    def replace_if(expected: str) -> int:
        def build(u: dns.update.UpdateMessage) -> None:
            u.present(zone.fqdn(label), "TXT", f'"{expected}"')
            u.replace(zone.fqdn(label), 300, "TXT", '"z"')

        return int(zone.update(build).rcode())

    assert replace_if("wrong") == dns.rcode.NXRRSET
    assert replace_if("x") == dns.rcode.NOERROR
    assert zone.txt(zone.fqdn(label)) == ["z"]


def test_deleting_a_name_removes_all_its_records(zone: ProviderDns, label: str) -> None:
    """RFC 2136 §2.5.3: delete all RRsets from a name."""

    def add_two(u: dns.update.UpdateMessage) -> None:
        u.add(zone.fqdn(label), 300, "TXT", '"x"')
        u.add(zone.fqdn(label), 300, "A", "192.0.2.9")

    zone.update(add_two)
    zone.update(lambda u: u.delete(zone.fqdn(label)))
    assert zone.query(zone.fqdn(label), "A").rcode() == dns.rcode.NXDOMAIN


def test_secondaries_serve_changes_after_the_propagation_delay(private_sandbox: Harness) -> None:
    """Secondaries apply the primary's updates after the configured delay."""
    sb = private_sandbox
    zone = ProviderDns(sb.endpoints)
    sb.control.patch("/knobs", json={"dns_propagation_seconds": 120})
    zone.update(lambda u: u.replace(zone.fqdn("lagging"), 300, "TXT", '"v1"'))
    assert zone.txt(zone.fqdn("lagging"), server=0) == ["v1"]
    assert all(zone.txt(zone.fqdn("lagging"), server=i) == [] for i in range(1, len(zone.servers)))
    sb.advance_clock(119)
    assert zone.txt(zone.fqdn("lagging"), server=1) == []
    sb.advance_clock(1)
    assert all(zone.txt(zone.fqdn("lagging"), server=i) == ["v1"] for i in range(len(zone.servers)))
    dump = sb.control.get("/dns/zone").json()
    assert dump["primary"]["serial"] == dump["secondary"]["serial"]


def test_a_response_sent_to_a_server_is_not_answered(zone: ProviderDns) -> None:
    """RFC 1035 §4.1.1: a message with QR set is a response; answering it could loop."""
    stray = dns.message.make_response(dns.message.make_query(zone.zone, "SOA"))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(0.5)
        udp.sendto(stray.to_wire(), zone.servers[0])
        with pytest.raises(TimeoutError):
            udp.recv(65535)
    assert zone.query(zone.zone, "SOA").rcode() == dns.rcode.NOERROR
