"""The engine on fakes: a migrated SQLite database, fake Microsoft and DNS, a runner."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from provisioning.engine.contract import (
    Ledger,
    LedgerEntryView,
    LedgerItem,
    StepContext,
)
from provisioning.engine.plans import PlanBook
from provisioning.engine.runner import Runner
from provisioning.integrations import Integrations, TenantUsers
from provisioning.microsoft.fakes.dns import FakeDnsWorld
from provisioning.microsoft.fakes.ports import fake_ports
from provisioning.microsoft.fakes.world import FakeMicrosoft
from provisioning.microsoft.ports.tenant import TenantPorts
from provisioning.microsoft.settings import ProviderDnsSettings
from provisioning.params import IntegrationParams, RemovalParams
from provisioning.plans import PLANS
from provisioning.settings import ProvisioningSettings
from provisioning.tenants import TenantStore
from storage.audit import AuditLog
from storage.database import make_engine, migrate
from storage.runs import RunKind
from storage.vault import TokenVault
from tests.support.clocks import OffsetClock, SkewedOutbox, SkewedStore

ZONE = "callroute.test"
TENANT = "00000000-0000-4000-8000-000000000001"


def make_params(
    tenant_id: str = TENANT, initial_domain: str = "contoso.onmicrosoft.com"
) -> IntegrationParams:
    """The plan of a Contoso integration in region gbr-lon-tgw."""
    prefix = initial_domain.split(".")[0]
    return IntegrationParams(
        tenant_id=tenant_id,
        initial_domain=initial_domain,
        region="gbr-lon-tgw",
        sbc_domain=f"{prefix}.gbr-lon-tgw.{ZONE}",
        sbc_addresses=("192.0.2.10",),
        zone=ZONE,
        dns_ttl=300,
        brand="Callroute",
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
        yield fake_ports(self.microsoft, self.dns)


@dataclass
class StepProbe:
    """What a step did to the ledger and its kept data when run by hand."""

    intended: list[LedgerItem] = field(default_factory=list)
    withdrawn: list[LedgerItem] = field(default_factory=list)
    kept: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeEngine:
    """Everything a unit test of the engine needs."""

    clock: OffsetClock
    dns: FakeDnsWorld
    microsoft: FakeMicrosoft
    store: SkewedStore
    outbox: SkewedOutbox
    tenants: TenantStore
    params: IntegrationParams
    book: PlanBook = PLANS

    def runner(self, **options: Any) -> Runner:
        """A runner over the fakes (short in-place waits)."""
        runner_class = options.pop("runner_class", Runner)
        options.setdefault("lease_seconds", 30.0)
        options.setdefault("hold_seconds", 0.5)
        options.setdefault("seed", 1)
        runner: Runner = runner_class(
            self.store,
            self.book,
            FakePortsFactory(self.microsoft, self.dns),
            self.clock,
            **options,
        )
        return runner

    def start(self, kind: RunKind = RunKind.PROVISION, subscriber: str | None = None) -> str:
        """Create a run for the plan's tenant (the facade's checks left out)."""
        self.tenants.upsert(
            self.params.tenant_id, "Contoso", self.params.initial_domain, self.clock.now()
        )
        params: IntegrationParams | RemovalParams = (
            self.params
            if kind == RunKind.PROVISION
            else RemovalParams(self.params.tenant_id, self.params.sbc_domain, self.params.brand)
        )
        return self.store.create_run(
            self.params.tenant_id,
            self.book.current(kind.value),
            params,
            "admin",
            self.clock.now(),
            subscriber,
        )

    def context(
        self,
        ledger: list[tuple[str, str, str, dict[str, Any]]] | None = None,
        data: dict[str, Any] | None = None,
        outputs: Mapping[str, Mapping[str, Any]] | None = None,
        params: Any = None,
    ) -> tuple[StepContext[Any, TenantPorts], StepProbe]:
        """A step context on the fakes; what the step records lands in the probe."""
        probe = StepProbe(kept=dict(data or {}))

        async def intend(item: LedgerItem) -> None:
            probe.intended.append(item)

        async def withdraw(item: LedgerItem) -> None:
            probe.withdrawn.append(item)

        async def checkpoint(values: Mapping[str, Any]) -> None:
            probe.kept.update(json.loads(json.dumps(dict(values))))

        ctx: StepContext[Any, TenantPorts] = StepContext(
            params=params or self.params,
            ports=fake_ports(self.microsoft, self.dns),
            clock=self.clock,
            ledger=Ledger([LedgerEntryView(*entry) for entry in ledger or []]),
            intend=intend,
            withdraw=withdraw,
            checkpoint=checkpoint,
            started_at=self.clock.now(),
            data=dict(data or {}),
            outputs=outputs or {},
        )
        return ctx, probe

    def integrations(self, users: TenantUsers | None = None, **settings: Any) -> Integrations:
        """The facade over these fakes (both sign-ins stored unless told otherwise)."""
        engine = self.store.engine
        vault = TokenVault(engine, b"k" * 32)
        for purpose in ("graph", "teams_admin"):
            vault.put(self.params.tenant_id, purpose, "{}", self.clock.now())
        self.tenants.upsert(
            self.params.tenant_id, "Contoso", self.params.initial_domain, self.clock.now()
        )
        return Integrations(
            ProvisioningSettings.model_validate(settings),
            ProviderDnsSettings.model_validate({"PROVIDER_ZONE": ZONE}),
            self.store,
            self.tenants,
            AuditLog(engine),
            vault,
            self.book,
            FakePortsFactory(self.microsoft, self.dns),
            self.clock,
            self.outbox,
            users=users,
        )

    def removal_params(self) -> RemovalParams:
        """The removal of this plan's tenant."""
        return RemovalParams(self.params.tenant_id, self.params.sbc_domain, self.params.brand)


def fake_engine(tmp: Path) -> FakeEngine:
    """A fresh engine with its own SQLite database."""
    clock = OffsetClock()
    dns = FakeDnsWorld(ZONE, clock)
    engine = make_engine(f"sqlite:///{tmp / 'engine.db'}")
    migrate(engine)
    return FakeEngine(
        clock,
        dns,
        FakeMicrosoft(clock, dns),
        SkewedStore(engine, clock),
        SkewedOutbox(engine, clock),
        TenantStore(engine),
        make_params(),
    )
