"""The provider's DNS zone: changes by RFC 2136, and a probe of its authoritative servers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ServerAnswer:
    """What one authoritative server answered; ``silent`` says why it gave no answer."""

    server: str
    records: tuple[str, ...]
    silent: str | None = None


class DnsZonePort(Protocol):
    """Writes to the provider's zone, signed with its TSIG key."""

    @property
    def zone(self) -> str:
        """The zone's name."""
        ...

    async def set_records(self, name: str, rdtype: str, values: list[str], ttl: int) -> None:
        """Replace the RRset of ``name`` and ``rdtype`` (an absolute name inside the zone)."""
        ...

    async def delete_records(self, name: str, rdtype: str | None = None) -> None:
        """Delete one RRset, or every RRset of ``name``."""
        ...

    async def check_access(self) -> None:
        """Prove the zone takes our signed updates (a no-op update), or raise."""
        ...


class DnsProbePort(Protocol):
    """Asks every authoritative server of the zone directly, bypassing caches."""

    async def everywhere(self, name: str, rdtype: str) -> list[ServerAnswer]:
        """Each server's answer; a server that does not answer is ``silent``, not an error."""
        ...

    async def negative_ttl(self) -> int:
        """How long resolvers cache a negative answer from this zone (RFC 2308)."""
        ...
