"""The tenant's domains: add, prove ownership, verify, remove (research/graph-entra.md §3.4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Domain:
    """A domain of the tenant."""

    name: str
    is_verified: bool


class DomainsPort(Protocol):
    """Domains of one tenant."""

    async def get(self, name: str) -> Domain | None:
        """A domain, or ``None``."""
        ...

    async def add(self, name: str) -> Domain:
        """Register a domain (ALREADY_EXISTS when the tenant has it)."""
        ...

    async def verification_txt(self, name: str) -> str:
        """The ``MS=ms…`` text Microsoft wants published (NOT_FOUND while it replicates)."""
        ...

    async def verify(self, name: str) -> Domain:
        """Ask Microsoft to verify (INVALID while it cannot see the record)."""
        ...

    async def delete(self, name: str) -> None:
        """Remove a domain (NOT_FOUND when gone; IN_USE while objects use it)."""
        ...
