"""The provider's zone: immutable versions of its records, and authoritative answers from them.

Each successful update commits a new version with its own SOA serial. The primary serves the
newest version; a secondary serves the newest version older than the propagation delay, the way
secondaries lag behind a primary until NOTIFY and transfer have run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.rdtypes.ANY.SOA
import dns.rrset

Node = Mapping[int, dns.rdataset.Rdataset]  # rdtype -> rdataset
Records = Mapping[dns.name.Name, Node]

MAX_CNAME_CHAIN = 8


@dataclass(frozen=True)
class ZoneVersion:
    """One committed state of the zone."""

    origin: dns.name.Name
    records: Records
    committed_at: float

    @property
    def soa(self) -> dns.rdataset.Rdataset:
        """The apex SOA rdataset."""
        return self.records[self.origin][dns.rdatatype.SOA]

    @property
    def serial(self) -> int:
        """The SOA serial of this version."""
        rdata = self.soa[0]
        assert isinstance(rdata, dns.rdtypes.ANY.SOA.SOA)
        return int(rdata.serial)

    def negative_ttl(self) -> int:
        """RFC 2308 §3: negative answers carry the SOA with TTL min(SOA TTL, MINIMUM)."""
        rdata = self.soa[0]
        assert isinstance(rdata, dns.rdtypes.ANY.SOA.SOA)
        return int(min(self.soa.ttl, rdata.minimum))

    def rdataset(self, name: dns.name.Name, rdtype: int) -> dns.rdataset.Rdataset | None:
        """The RRset of ``name`` and ``rdtype``, if any."""
        node = self.records.get(name)
        return node.get(rdtype) if node is not None else None

    def name_in_use(self, name: dns.name.Name) -> bool:
        """Whether ``name`` owns at least one RRset."""
        return bool(self.records.get(name))

    def _is_empty_non_terminal(self, name: dns.name.Name) -> bool:
        return any(other != name and other.is_subdomain(name) for other in self.records)

    def rrsets(self) -> Iterable[dns.rrset.RRset]:
        """Every RRset, for zone dumps."""
        for name in sorted(self.records):
            for rdtype in sorted(self.records[name]):
                rds = self.records[name][rdtype]
                yield _rrset(name, rds)


def _rrset(
    name: dns.name.Name, rds: dns.rdataset.Rdataset, ttl: int | None = None
) -> dns.rrset.RRset:
    rrset = dns.rrset.RRset(name, rds.rdclass, rds.rdtype)
    rrset.update(rds)  # type: ignore[no-untyped-call]
    if ttl is not None:
        rrset.ttl = ttl
    return rrset


def answer_query(version: ZoneVersion, query: dns.message.Message) -> dns.message.Message:
    """An authoritative answer to a standard query (AA set; REFUSED outside the zone)."""
    response = dns.message.make_response(query)
    if len(query.question) != 1:
        response.set_rcode(dns.rcode.FORMERR)
        return response
    question = query.question[0]
    qname, qtype = question.name, question.rdtype
    if question.rdclass != dns.rdataclass.IN or not qname.is_subdomain(version.origin):
        response.set_rcode(dns.rcode.REFUSED)
        return response
    if qtype in (dns.rdatatype.AXFR, dns.rdatatype.IXFR):
        response.set_rcode(dns.rcode.REFUSED)  # Transfers are not offered to clients.
        return response
    response.flags |= dns.flags.AA
    name = qname
    for _ in range(MAX_CNAME_CHAIN):
        node = version.records.get(name)
        if node is None:
            if not version._is_empty_non_terminal(name):
                if name == qname:
                    response.set_rcode(dns.rcode.NXDOMAIN)
                _add_soa(response, version)
                return response
            _add_soa(response, version)
            return response
        if qtype == dns.rdatatype.ANY:
            for each in node.values():
                response.answer.append(_rrset(name, each))
            return response
        if qtype in node:
            response.answer.append(_rrset(name, node[qtype]))
            if qtype == dns.rdatatype.NS and name == version.origin:
                _add_glue(response, version, node[qtype])
            return response
        if dns.rdatatype.CNAME not in node:
            _add_soa(response, version)
            return response
        cname = node[dns.rdatatype.CNAME]
        response.answer.append(_rrset(name, cname))
        target: dns.name.Name = cname[0].target
        if not target.is_subdomain(version.origin):
            return response
        name = target
    return response


def _add_soa(response: dns.message.Message, version: ZoneVersion) -> None:
    response.authority.append(_rrset(version.origin, version.soa, version.negative_ttl()))


def _add_glue(
    response: dns.message.Message, version: ZoneVersion, ns: dns.rdataset.Rdataset
) -> None:
    for rdata in ns:
        target: dns.name.Name = rdata.target
        for rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
            glue = version.rdataset(target, rdtype)
            if glue is not None:
                response.additional.append(_rrset(target, glue))
