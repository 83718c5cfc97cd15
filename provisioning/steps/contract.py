"""The step contract: a name, the steps it needs, and ``run(ctx)`` returning an outcome.

Steps decide; the runner does the machinery (persisting, retrying, waiting, leases, progress).
A step records what it is about to create through ``ctx.intend`` *before* creating it, so a
crash between the call and the bookkeeping leaves a trace that re-runs and removal honour.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from provisioning.ports.clock import Clock
from provisioning.ports.dns import DnsProbePort, DnsZonePort
from provisioning.ports.graph import GraphPort
from provisioning.ports.teams import TeamsAdminPort


@dataclass(frozen=True)
class LedgerItem:
    """An object of ours: kind (``domain``, ``voice_route``…), key (its identity), details."""

    kind: str
    key: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Done:
    """The step's part of the world is as it should be."""

    created: tuple[LedgerItem, ...] = ()
    removed: tuple[LedgerItem, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Wait:
    """Come back at ``until``; ``reason`` is what the admin reads meanwhile."""

    until: float
    reason: str


@dataclass(frozen=True)
class Failed:
    """The step cannot succeed as things stand: Microsoft's text and what the admin can do."""

    message: str
    hint: str


Outcome = Done | Wait | Failed


@dataclass(frozen=True)
class IntegrationPlan:
    """Everything a run needs to know about the tenant and the provider, fixed at its start."""

    tenant_id: str
    initial_domain: str
    region: str
    sbc_domain: str
    sbc_addresses: tuple[str, ...]
    zone: str
    dns_ttl: int
    names_brand: str
    usage_location: str
    country_code: str
    sip_port: int
    max_concurrent_sessions: int | None = None


class Ledger:
    """What the ledger says about a tenant's objects, as a step reads it."""

    def __init__(self, entries: list[tuple[str, str, str, dict[str, Any]]]) -> None:
        self._entries = entries  # (kind, key, status, data)

    def items(self, kind: str, include_removed: bool = False) -> list[LedgerItem]:
        """Our objects of ``kind`` (intended or created)."""
        return [
            LedgerItem(k, key, data)
            for k, key, status, data in self._entries
            if k == kind and (include_removed or status != "removed")
        ]

    def has(self, kind: str, key: str) -> bool:
        """Whether ``kind``/``key`` is ours (intended or created, not yet removed)."""
        return any(
            k == kind and kk == key and status != "removed" for k, kk, status, _ in self._entries
        )


@dataclass
class StepContext:
    """What a step may use: the plan, the ports, the clock, the ledger and ``intend``."""

    plan: IntegrationPlan
    graph: GraphPort
    teams: TeamsAdminPort
    zone: DnsZonePort
    probe: DnsProbePort
    clock: Clock
    ledger: Ledger
    intend: Callable[[LedgerItem], Awaitable[None]]
    # When this step first started (for polling that slows down, and for giving up).
    first_started_at: float = 0.0
    # Deletes the tenant's stored credentials (the last act of a removal).
    forget_credentials: Callable[[], Awaitable[int]] | None = None

    def elapsed(self) -> float:
        """Seconds since this step first started."""
        return self.clock.now() - self.first_started_at


@dataclass(frozen=True)
class Step:
    """One step of a plan."""

    name: str
    needs: tuple[str, ...]
    run: Callable[[StepContext], Awaitable[Outcome]]
    title: str  # what the admin reads in the progress card
