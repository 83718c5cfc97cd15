"""The engine's entry points: readiness, starting a provisioning or a removal."""

from __future__ import annotations

from provisioning.naming import sbc_domain
from provisioning.ports.clock import Clock
from provisioning.readiness import Check, evaluate, observe
from provisioning.runner.plans import PLANS
from provisioning.runner.ports_factory import PortsFactory
from provisioning.runner.store import RunStore
from provisioning.settings import Settings
from provisioning.steps.contract import IntegrationPlan
from storage.runs import RunKind
from storage.tenants import TenantRecord, TenantState


class UnknownTenant(Exception):  # noqa: N818 - a refusal the caller explains
    """Nobody has signed in for this tenant yet."""


class UnknownRegion(Exception):  # noqa: N818 - a refusal the caller explains
    """The region is not configured."""


class Integrations:
    """What the bot (or the command line) asks of the engine."""

    def __init__(
        self, settings: Settings, store: RunStore, clock: Clock, ports: PortsFactory
    ) -> None:
        self._settings = settings
        self._store = store
        self._clock = clock
        self._ports = ports

    def sbc_domain_for(self, initial_domain: str, region: str | None = None) -> str:
        """The SBC domain a tenant gets in ``region``."""
        return sbc_domain(
            initial_domain, region or self._settings.default_region, self._settings.provider_zone
        )

    def plan(self, tenant: TenantRecord, region: str | None = None) -> IntegrationPlan:
        """The plan of a run for ``tenant``, from the settings of today."""
        s = self._settings
        region = region or tenant.region or s.default_region
        if region not in s.regions:
            raise UnknownRegion(
                f"{region!r} is not a configured region ({', '.join(sorted(s.regions))})"
            )
        domain = tenant.sbc_domain or self.sbc_domain_for(tenant.initial_domain, region)
        return IntegrationPlan(
            tenant_id=tenant.id,
            initial_domain=tenant.initial_domain,
            region=region,
            sbc_domain=domain,
            sbc_addresses=tuple(s.regions[region]),
            zone=s.provider_zone,
            dns_ttl=s.dns_ttl,
            names_brand=s.brand,
            usage_location=s.gateway_usage_location,
            country_code=s.dial_plan_country_code,
            sip_port=s.sip_signaling_port,
            max_concurrent_sessions=s.max_concurrent_sessions,
        )

    def _tenant(self, tenant_id: str) -> TenantRecord:
        tenant = self._store.tenant(tenant_id)
        if tenant is None:
            raise UnknownTenant(tenant_id)
        return tenant

    async def readiness(self, tenant_id: str, region: str | None = None) -> list[Check]:
        """The checklist (SPEC step 2)."""
        tenant = self._tenant(tenant_id)
        integrated = tenant.state in (TenantState.INTEGRATED, TenantState.INTEGRATING)
        async with self._ports.open(tenant_id) as ports:
            obs = await observe(
                ports.graph,
                ports.zone,
                lambda initial: self.sbc_domain_for(initial, region),
                integrated,
            )
        return evaluate(obs)

    def start(
        self, tenant_id: str, kind: RunKind, requested_by: str, region: str | None = None
    ) -> str:
        """Create a provisioning or removal run (one active run per tenant).

        A removal supersedes an unfinished provisioning (stuck, failing, or interrupted): the
        admin who asks to remove everything wants that, not the rest of the setup first.
        """
        tenant = self._tenant(tenant_id)
        plan = self.plan(tenant, region)
        if kind == RunKind.REMOVE:
            self._store.cancel_active(
                tenant_id,
                RunKind.PROVISION,
                self._clock.now(),
                f"superseded by removal ({requested_by})",
            )
        run_id = self._store.create_run(
            tenant_id, kind, [s.name for s in PLANS[kind]], plan, requested_by, self._clock.now()
        )
        self._store.audit(
            tenant_id,
            requested_by,
            f"{kind.value}_requested",
            self._clock.now(),
            run_id=run_id,
            sbc_domain=plan.sbc_domain,
        )
        return run_id
