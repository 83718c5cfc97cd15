"""A caching resolver in front of the authoritative servers of delegated zones.

Graph's domain verification looks the TXT record up through it. Like public resolvers it caches
negative answers (NXDOMAIN and NODATA) for ``min(SOA TTL, SOA MINIMUM)`` (RFC 2308 §5), so a
verify attempted before the record is visible keeps failing until that time has passed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import dns.asyncquery
import dns.exception
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype

from sandbox.clock import Clock


class ResolutionError(Exception):
    """No authoritative server gave a usable answer (timeout, SERVFAIL, REFUSED...)."""


@dataclass(frozen=True)
class Answer:
    """The record texts found (empty for a negative answer) and whether they came from cache."""

    records: tuple[str, ...]
    negative: bool
    cached: bool


@dataclass
class _Entry:
    records: tuple[str, ...]
    negative: bool
    expires_at: float


class CachingResolver:
    """Resolves names in delegated zones by asking one of their servers at random."""

    def __init__(self, clock: Clock, timeout: float = 2.0) -> None:
        self._clock = clock
        self._timeout = timeout
        self._delegations: dict[dns.name.Name, list[tuple[str, int]]] = {}
        self._cache: dict[tuple[str, int], _Entry] = {}
        self._rng = random.Random()
        self.queries_sent = 0

    def delegate(self, zone: str, servers: list[tuple[str, int]]) -> None:
        """Declare the authoritative servers of ``zone`` (as its NS records would)."""
        if not servers:
            raise ValueError("a delegation needs at least one server")
        self._delegations[dns.name.from_text(zone)] = list(servers)

    def undelegate(self, zone: str) -> None:
        """Forget a delegation."""
        self._delegations.pop(dns.name.from_text(zone), None)

    def delegations(self) -> dict[str, list[str]]:
        """Every delegation, for the control API."""
        return {
            z.to_text(omit_final_dot=True): [f"{h}:{p}" for h, p in servers]
            for z, servers in self._delegations.items()
        }

    def flush(self) -> None:
        """Empty the cache."""
        self._cache.clear()

    def reset(self) -> None:
        """Forget delegations and cache."""
        self._delegations.clear()
        self._cache.clear()

    def _servers_for(self, name: dns.name.Name) -> list[tuple[str, int]] | None:
        best: dns.name.Name | None = None
        for zone in self._delegations:
            if name.is_subdomain(zone) and (best is None or len(zone) > len(best)):
                best = zone
        return self._delegations[best] if best is not None else None

    async def query(self, qname: str, rdtype: str = "TXT") -> Answer:
        """Look ``qname`` up, from cache when an earlier answer is still fresh."""
        name = dns.name.from_text(qname)
        rtype = dns.rdatatype.from_text(rdtype)
        key = (name.to_text().lower(), int(rtype))
        now = self._clock.now()
        entry = self._cache.get(key)
        if entry is not None and entry.expires_at > now:
            return Answer(entry.records, entry.negative, cached=True)
        servers = self._servers_for(name)
        if servers is None:
            # Nobody is authoritative: the name does not exist anywhere we can see.
            return Answer((), negative=True, cached=False)
        host, port = self._rng.choice(servers)
        request = dns.message.make_query(name, rtype)
        self.queries_sent += 1
        try:
            response, _ = await dns.asyncquery.udp_with_fallback(
                request, host, port=port, timeout=self._timeout
            )
        except (dns.exception.DNSException, OSError) as exc:
            raise ResolutionError(f"no answer from {host}:{port} for {qname}: {exc}") from exc
        rcode = response.rcode()
        if rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            raise ResolutionError(f"{host}:{port} answered {dns.rcode.to_text(rcode)} for {qname}")
        records: list[str] = []
        ttl: int | None = None
        for rrset in response.answer:
            if rrset.rdtype == rtype and rrset.name == name:
                ttl = rrset.ttl if ttl is None else min(ttl, rrset.ttl)
                records.extend(_text(rdata) for rdata in rrset)
        if records:
            assert ttl is not None
            self._cache[key] = _Entry(tuple(records), False, now + ttl)
            return Answer(tuple(records), negative=False, cached=False)
        negative_ttl = _negative_ttl(response)
        if negative_ttl is not None:
            self._cache[key] = _Entry((), True, now + negative_ttl)
        return Answer((), negative=True, cached=False)


def _text(rdata: object) -> str:
    strings = getattr(rdata, "strings", None)
    if strings is not None:
        return "".join(s.decode("utf-8", "replace") for s in strings)
    return str(rdata)


def _negative_ttl(response: dns.message.Message) -> int | None:
    """RFC 2308 §5: a negative answer lives for the lesser of the SOA's TTL and MINIMUM."""
    for rrset in response.authority:
        if rrset.rdtype == dns.rdatatype.SOA:
            soa = rrset[0]
            return int(min(rrset.ttl, soa.minimum))
    return None  # Without an SOA a negative answer must not be cached.
