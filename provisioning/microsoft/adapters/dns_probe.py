"""``DnsProbePort`` with dnspython: ask every authoritative server of the zone directly."""

from __future__ import annotations

import asyncio

import dns.asyncquery
import dns.asyncresolver
import dns.exception
import dns.message
import dns.rcode
import dns.rdatatype

from provisioning import metrics
from provisioning.microsoft.errors import PROVIDER_DNS as SERVICE
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.ports.zone import ServerAnswer

# What resolvers cache a negative answer for when no server tells us the zone's own value.
DEFAULT_NEGATIVE_TTL = 300


def _text(rdata: object) -> str:
    strings = getattr(rdata, "strings", None)
    if strings is not None:
        return "".join(s.decode("utf-8", "replace") for s in strings)
    return str(rdata)


class DnsProbeAdapter:
    """Queries the configured servers, or the zone's NS found through the system resolver."""

    def __init__(self, zone: str, servers: list[tuple[str, int]], timeout: float = 3.0) -> None:
        self._zone = zone.rstrip(".") + "."
        self._servers = servers
        self._timeout = timeout

    async def _server_list(self) -> list[tuple[str, int]]:
        if self._servers:
            return self._servers
        try:
            ns = await dns.asyncresolver.resolve(self._zone, "NS")
            found: list[tuple[str, int]] = []
            for record in ns:
                for answer in await dns.asyncresolver.resolve(str(record.target), "A"):
                    found.append((str(answer), 53))
        except dns.exception.DNSException as exc:
            raise ServiceError(
                SERVICE, ErrorKind.TRANSIENT, f"Cannot find the name servers of {self._zone}: {exc}"
            ) from exc
        self._servers = found
        return found

    async def _ask(self, server: tuple[str, int], name: str, rdtype: str) -> ServerAnswer:
        """One server's answer; a server that times out or fails is silent, not an error:
        while a record propagates that only means "not visible there yet"."""
        host, port = server
        where = f"{host}:{port}"
        query = dns.message.make_query(name, rdtype)
        try:
            with metrics.microsoft_call("dns") as call:
                response, _ = await dns.asyncquery.udp_with_fallback(
                    query, host, port=port, timeout=self._timeout
                )
                call.answered(dns.rcode.to_text(response.rcode()))
        except (dns.exception.DNSException, OSError) as exc:
            return ServerAnswer(where, (), silent=f"no answer ({type(exc).__name__})")
        if response.rcode() not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            return ServerAnswer(where, (), silent=f"answered {dns.rcode.to_text(response.rcode())}")
        wanted = dns.rdatatype.from_text(rdtype)
        records = tuple(
            _text(r) for rrset in response.answer if rrset.rdtype == wanted for r in rrset
        )
        return ServerAnswer(where, records)

    async def everywhere(self, name: str, rdtype: str) -> list[ServerAnswer]:
        """Every server's answer, asked in parallel."""
        servers = await self._server_list()
        return list(await asyncio.gather(*(self._ask(s, name, rdtype) for s in servers)))

    async def negative_ttl(self) -> int:
        """min(SOA TTL, SOA MINIMUM) as the first server that answers gives it (RFC 2308 §5)."""
        for host, port in await self._server_list():
            query = dns.message.make_query(self._zone, "SOA")
            try:
                response, _ = await dns.asyncquery.udp_with_fallback(
                    query, host, port=port, timeout=self._timeout
                )
            except (dns.exception.DNSException, OSError):
                continue
            for rrset in response.answer:
                if rrset.rdtype == dns.rdatatype.SOA:
                    return int(min(rrset.ttl, rrset[0].minimum))
        return DEFAULT_NEGATIVE_TTL
