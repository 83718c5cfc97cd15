"""RFC 2136 dynamic updates: zone check, prerequisites (§2.4, §3.2), update section (§3.4).

Everything is decided against one zone version and either produces the next version's records
or changes nothing: an update is atomic.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.rdtypes.ANY.SOA
import dns.rrset
import dns.update

from sandbox.dns.zone import Node, Records, ZoneVersion

ANY = dns.rdataclass.ANY
NONE = dns.rdataclass.NONE
_META_TYPES = {
    dns.rdatatype.ANY,
    dns.rdatatype.AXFR,
    dns.rdatatype.IXFR,
    dns.rdatatype.MAILA,
    dns.rdatatype.MAILB,
}


@dataclass(frozen=True)
class UpdateResult:
    """The rcode to answer, and the new records when something changed."""

    rcode: dns.rcode.Rcode
    records: Records | None = None


def _check_prerequisites(version: ZoneVersion, update: dns.update.UpdateMessage) -> dns.rcode.Rcode:
    """§3.2: the first failing prerequisite decides the rcode."""
    exact: dict[tuple[dns.name.Name, int], list[dns.rrset.RRset]] = defaultdict(list)
    for rrset in update.prerequisite:
        if rrset.ttl != 0:
            return dns.rcode.FORMERR
        if not rrset.name.is_subdomain(version.origin):
            return dns.rcode.NOTZONE
        if rrset.deleting == ANY:
            if len(rrset):
                return dns.rcode.FORMERR
            if rrset.rdtype == dns.rdatatype.ANY:
                if not version.name_in_use(rrset.name):
                    return dns.rcode.NXDOMAIN
            elif version.rdataset(rrset.name, rrset.rdtype) is None:
                return dns.rcode.NXRRSET
        elif rrset.deleting == NONE:
            if len(rrset):
                return dns.rcode.FORMERR
            if rrset.rdtype == dns.rdatatype.ANY:
                if version.name_in_use(rrset.name):
                    return dns.rcode.YXDOMAIN
            elif version.rdataset(rrset.name, rrset.rdtype) is not None:
                return dns.rcode.YXRRSET
        else:
            exact[(rrset.name, rrset.rdtype)].append(rrset)
    for (name, rdtype), rrsets in exact.items():
        wanted = {rdata for rrset in rrsets for rdata in rrset}
        present = version.rdataset(name, rdtype)
        if present is None or set(present) != wanted:
            return dns.rcode.NXRRSET
    return dns.rcode.NOERROR


def _prescan(version: ZoneVersion, update: dns.update.UpdateMessage) -> dns.rcode.Rcode:
    """§3.4.1: reject the whole update before changing anything."""
    for rrset in update.update:
        if not rrset.name.is_subdomain(version.origin):
            return dns.rcode.NOTZONE
        if rrset.deleting is None:
            if rrset.rdtype in _META_TYPES:
                return dns.rcode.FORMERR
        elif rrset.deleting == ANY:
            if rrset.ttl != 0 or len(rrset) or rrset.rdtype in _META_TYPES - {dns.rdatatype.ANY}:
                return dns.rcode.FORMERR
        elif rrset.deleting == NONE:
            if rrset.ttl != 0 or rrset.rdtype in _META_TYPES:
                return dns.rcode.FORMERR
        else:
            return dns.rcode.FORMERR
    return dns.rcode.NOERROR


class _Draft:
    """Copy-on-write records: nodes are copied only when an update touches them."""

    def __init__(self, records: Records) -> None:
        self.records: dict[dns.name.Name, Node] = dict(records)
        self._owned: set[dns.name.Name] = set()
        self.changed = False

    def node(self, name: dns.name.Name) -> dict[int, dns.rdataset.Rdataset]:
        if name not in self._owned:
            self.records[name] = dict(self.records.get(name, {}))
            self._owned.add(name)
        node = self.records[name]
        assert isinstance(node, dict)
        return node

    def prune(self, name: dns.name.Name) -> None:
        if not self.records.get(name):
            self.records.pop(name, None)
            self._owned.discard(name)


def _apply(version: ZoneVersion, update: dns.update.UpdateMessage) -> _Draft:
    draft = _Draft(version.records)
    origin = version.origin
    for rrset in update.update:
        name, rdtype = rrset.name, rrset.rdtype
        apex = name == origin
        if rrset.deleting is None:
            if rdtype == dns.rdatatype.SOA:
                continue  # The serial is ours to manage.
            existing = draft.records.get(name, {})
            if rdtype == dns.rdatatype.CNAME and any(t != dns.rdatatype.CNAME for t in existing):
                continue
            if rdtype != dns.rdatatype.CNAME and dns.rdatatype.CNAME in existing:
                continue
            node = draft.node(name)
            rds = dns.rdataset.Rdataset(rrset.rdclass, rdtype)
            if rdtype in node and rdtype != dns.rdatatype.CNAME:
                rds.update(node[rdtype])  # type: ignore[no-untyped-call]
            before = set(rds)
            rds.update_ttl(rrset.ttl)
            for rdata in rrset:
                rds.add(rdata, rrset.ttl)
            rds.ttl = rrset.ttl
            if rdtype not in node or set(rds) != before or node[rdtype].ttl != rrset.ttl:
                node[rdtype] = rds
                draft.changed = True
        elif rrset.deleting == ANY:
            if name not in draft.records:
                continue
            node = draft.node(name)
            doomed = list(node) if rdtype == dns.rdatatype.ANY else [rdtype]
            for t in doomed:
                if apex and t in (dns.rdatatype.SOA, dns.rdatatype.NS):
                    continue
                if node.pop(t, None) is not None:
                    draft.changed = True
            draft.prune(name)
        else:  # NONE: delete the listed records from the RRset.
            if apex and rdtype == dns.rdatatype.SOA:
                continue
            present = draft.records.get(name, {}).get(rdtype)
            if present is None:
                continue
            remaining = dns.rdataset.Rdataset(present.rdclass, rdtype)
            remaining.update(present)  # type: ignore[no-untyped-call]
            for rdata in rrset:
                if rdata in remaining:
                    remaining.discard(rdata)  # type: ignore[no-untyped-call]
            if apex and rdtype == dns.rdatatype.NS and not remaining:
                continue  # The last apex NS record stays.
            if set(remaining) != set(present):
                node = draft.node(name)
                if remaining:
                    node[rdtype] = remaining
                else:
                    del node[rdtype]
                draft.changed = True
                draft.prune(name)
    return draft


def _bump_serial(draft: _Draft, origin: dns.name.Name) -> None:
    node = draft.node(origin)
    soa_set = node[dns.rdatatype.SOA]
    soa = soa_set[0]
    assert isinstance(soa, dns.rdtypes.ANY.SOA.SOA)
    bumped = dns.rdataset.Rdataset(soa_set.rdclass, dns.rdatatype.SOA)
    bumped.add(soa.replace(serial=(soa.serial + 1) % 2**32), soa_set.ttl)
    node[dns.rdatatype.SOA] = bumped


def apply_update(version: ZoneVersion, update: dns.update.UpdateMessage) -> UpdateResult:
    """Decide an UPDATE against ``version``: NOTAUTH for another zone, then §3.2 and §3.4."""
    zone = update.zone
    if len(zone) != 1 or zone[0].rdtype != dns.rdatatype.SOA:
        return UpdateResult(dns.rcode.FORMERR)
    if zone[0].name != version.origin:
        return UpdateResult(dns.rcode.NOTAUTH)
    rcode = _check_prerequisites(version, update)
    if rcode != dns.rcode.NOERROR:
        return UpdateResult(rcode)
    rcode = _prescan(version, update)
    if rcode != dns.rcode.NOERROR:
        return UpdateResult(rcode)
    draft = _apply(version, update)
    if not draft.changed:
        return UpdateResult(dns.rcode.NOERROR)
    _bump_serial(draft, version.origin)
    return UpdateResult(dns.rcode.NOERROR, draft.records)
