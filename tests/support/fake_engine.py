"""The engine on fakes: a migrated SQLite database, fake Microsoft and DNS, a runner."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from provisioning.fakes.dns import FakeDnsWorld, FakeProbe, FakeZone
from provisioning.fakes.microsoft import FakeGraph, FakeMicrosoft, FakeTeams
from provisioning.ports.clock import OffsetClock
from provisioning.runner.ports_factory import TenantPorts
from provisioning.runner.runner import Runner
from provisioning.runner.store import RunStore
from provisioning.steps.contract import IntegrationPlan, Ledger, LedgerItem, StepContext
from storage.database import make_engine, migrate
from storage.runs import RunKind

ZONE = "callroute.test"


def make_plan(
    tenant_id: str = "00000000-0000-4000-8000-000000000001",
    initial_domain: str = "contoso.onmicrosoft.com",
) -> IntegrationPlan:
    """The plan of a Contoso integration in region gbr-lon-tgw."""
    prefix = initial_domain.split(".")[0]
    return IntegrationPlan(
        tenant_id=tenant_id,
        initial_domain=initial_domain,
        region="gbr-lon-tgw",
        sbc_domain=f"{prefix}.gbr-lon-tgw.{ZONE}",
        sbc_addresses=("192.0.2.10",),
        zone=ZONE,
        dns_ttl=300,
        names_brand="Callroute",
        usage_location="GB",
        country_code="44",
        sip_port=5061,
    )


class FakePortsFactory:
    """Hands every run the same fake tenant and zone."""

    def __init__(self, microsoft: FakeMicrosoft, dns: FakeDnsWorld) -> None:
        self.microsoft = microsoft
        self.dns = dns

    @asynccontextmanager
    async def open(self, tenant_id: str) -> AsyncIterator[TenantPorts]:
        """The fakes."""
        yield TenantPorts(
            FakeGraph(self.microsoft),
            FakeTeams(self.microsoft),
            FakeZone(self.dns),
            FakeProbe(self.dns),
        )


@dataclass
class FakeEngine:
    """Everything a unit test of the engine needs."""

    clock: OffsetClock
    dns: FakeDnsWorld
    microsoft: FakeMicrosoft
    store: RunStore
    plan: IntegrationPlan
    forgotten: list[str] = field(default_factory=list)

    def runner(self, **options: Any) -> Runner:
        """A runner over the fakes (short lease, short in-place waits)."""

        async def forget(tenant_id: str) -> int:
            self.forgotten.append(tenant_id)
            return 2

        options.setdefault("lease_seconds", 30.0)
        options.setdefault("hold_seconds", 0.5)
        return Runner(
            self.store,
            FakePortsFactory(self.microsoft, self.dns),
            self.clock,
            forget_credentials=forget,
            seed=1,
            **options,
        )

    def start(self, kind: RunKind = RunKind.PROVISION) -> str:
        """Create a run for the plan's tenant."""
        from provisioning.runner.plans import PLANS

        self.store.upsert_tenant(
            self.plan.tenant_id, "Contoso", self.plan.initial_domain, self.clock.now()
        )
        return self.store.create_run(
            self.plan.tenant_id,
            kind,
            [s.name for s in PLANS[kind]],
            self.plan,
            "admin",
            self.clock.now(),
        )

    def context(
        self, ledger: list[tuple[str, str, str, dict[str, Any]]] | None = None
    ) -> tuple[StepContext, list[LedgerItem]]:
        """A step context on the fakes; ``intend`` calls are collected in the list."""
        intended: list[LedgerItem] = []

        async def intend(item: LedgerItem) -> None:
            intended.append(item)

        ctx = StepContext(
            plan=self.plan,
            graph=FakeGraph(self.microsoft),
            teams=FakeTeams(self.microsoft),
            zone=FakeZone(self.dns),
            probe=FakeProbe(self.dns),
            clock=self.clock,
            ledger=Ledger(ledger or []),
            intend=intend,
            first_started_at=self.clock.now(),
        )
        return ctx, intended


def fake_engine(tmp: Path) -> FakeEngine:
    """A fresh engine with its own SQLite database."""
    clock = OffsetClock()
    dns = FakeDnsWorld(ZONE, clock)
    engine = make_engine(f"sqlite:///{tmp / 'engine.db'}")
    migrate(engine)
    return FakeEngine(clock, dns, FakeMicrosoft(clock, dns), RunStore(engine), make_plan())
