"""The facade the bot and the command line use: the only part of ``provisioning`` they import.

Every call is safe to await from an aiohttp handler: database, msal and DNS work runs in worker
threads or on the event loop without blocking it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from dataclasses import dataclass
from typing import Any

import phonenumbers

from i18n.text import N_, t
from provisioning.customers import (
    CUSTOMER_STATES,
    AuditEntry,
    CustomerDetails,
    CustomerPage,
    Customers,
    CustomerView,
    LastRun,
    customer_report,
    customers_table,
    utc,
)
from provisioning.engine.clock import Clock
from provisioning.engine.contract import Ledger
from provisioning.engine.errors import ActiveRunExists, RunNotFound, StepError
from provisioning.engine.outbox import Deliver, DeliveryFailed, Notification, Notifier, Outbox
from provisioning.engine.plans import PlanBook
from provisioning.engine.store import RunStore
from provisioning.engine.views import MilestoneView, RunView, StepView, build_view
from provisioning.identity.flows import SignInBinding, browser_hash
from provisioning.identity.scopes import Purpose
from provisioning.identity.sign_in import SignedIn, SignIn, SignInError, StartedSignIn
from provisioning.log_context import about
from provisioning.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from provisioning.metrics import Metrics, StateCollector, StateSources
from provisioning.microsoft.catalog import GLOBAL_ADMINISTRATOR
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.ports.tenant import TenantPortsFactory
from provisioning.microsoft.settings import ProviderDnsSettings
from provisioning.naming import Names, sbc_domain
from provisioning.params import IntegrationParams, RemovalParams
from provisioning.preflight import name_clashes
from provisioning.readiness import (
    ROLE_GROUPS,
    Check,
    Status,
    blocking,
    evaluate,
    missing_roles,
    observe,
)
from provisioning.settings import ProvisioningSettings
from provisioning.sync.activations import ActivationRefused, Activations
from provisioning.sync.facade import SyncRunning, TenantUsers, UserPage, UserView
from provisioning.sync.status import UserStatus
from provisioning.sync.store import SyncSummary
from provisioning.tenants import TenantStore
from storage.audit import AuditLog
from storage.runs import RunKind
from storage.tenants import TenantState
from storage.vault import TokenVault

__all__ = [
    "CUSTOMER_STATES",
    "METRICS_CONTENT_TYPE",
    "ActivationRefused",
    "Activations",
    "AdminCheck",
    "AuditEntry",
    "CancelResult",
    "Check",
    "CustomerDetails",
    "CustomerPage",
    "CustomerView",
    "DeliveryFailed",
    "Integrations",
    "LastRun",
    "MilestoneView",
    "Notification",
    "Purpose",
    "Refused",
    "RunKind",
    "RunNotFound",
    "RunView",
    "SignInBinding",
    "SignInError",
    "SignedIn",
    "StartedSignIn",
    "Status",
    "StepView",
    "SyncRunning",
    "SyncSummary",
    "TenantState",
    "TenantUsers",
    "TenantView",
    "UserPage",
    "UserStatus",
    "UserView",
    "about",
    "customer_report",
    "customers_table",
    "utc",
]

# What the integration created, in words, one template a kind (``{key}``: the object's name).
_OBJECT_WORDS = {
    "dns_records": N_("the DNS record {key} in the provider's zone"),
    "domain": N_("the domain {key}"),
    "user": N_("the gateway user {key}"),
    "licence": N_("its licence ({key})"),
    "dial_plan": N_("the dial plan {key}"),
    "pstn_usage": N_("the PSTN usage {key}"),
    "routing_policy": N_("the voice routing policy {key}"),
    "gateway": N_("the PSTN gateway {key}"),
    "voice_route": N_("the voice route {key}"),
}
# The same as a removal deletes them, where it takes them from somewhere besides deleting them.
_REMOVED_FROM = {
    "pstn_usage": N_("the PSTN usage {key} (from the tenant's usage list)"),
    "routing_policy": N_("the voice routing policy {key} (from every user holding it)"),
}
# A run already under way, by its kind (the integration's own runs only).
_ACTIVE_RUN = {
    RunKind.PROVISION.value: N_("A provision is already running."),
    RunKind.REMOVE.value: N_("A remove is already running."),
}


class Refused(Exception):  # noqa: N818 - a refusal the caller shows the admin
    """The request cannot go ahead; ``reason`` says what the admin can do about it."""

    def __init__(
        self, code: str, reason: str, checks: list[Check] | None = None, run_id: str | None = None
    ) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.checks = checks or []
        self.run_id = run_id


@dataclass(frozen=True)
class TenantView:
    """Where a tenant stands, as a status card shows it."""

    tenant_id: str
    display_name: str
    initial_domain: str
    state: str
    sbc_domain: str | None
    region: str | None
    signed_in: tuple[str, ...]  # purposes with stored credentials
    signed_in_as: dict[str, str]  # purpose -> the account that signed in last
    active_run: str | None
    last_run: str | None


@dataclass(frozen=True)
class AdminCheck:
    """Whether a user may change the integration of their tenant, and what they hold."""

    is_admin: bool
    roles: tuple[str, ...]
    # Why nobody can tell yet (no sign-in stored to read roles with), if so.
    unknown: str = ""


@dataclass(frozen=True)
class CancelResult:
    """Whether the run's runner has let go (``stopped``) or is still stopping."""

    run_id: str
    cancelled: bool
    stopped: bool


class Integrations:
    """What the bot (or the command line) asks of the engine."""

    def __init__(
        self,
        settings: ProvisioningSettings,
        dns: ProviderDnsSettings,
        store: RunStore,
        tenants: TenantStore,
        audit: AuditLog,
        vault: TokenVault,
        book: PlanBook,
        ports: TenantPortsFactory,
        clock: Clock,
        outbox: Outbox,
        sign_in: SignIn | None = None,
        users: TenantUsers | None = None,
    ) -> None:
        self._settings = settings
        self._dns = dns
        self._store = store
        self._tenants = tenants
        self._audit = audit
        self._vault = vault
        self._book = book
        self._ports = ports
        self._clock = clock
        self._outbox = outbox
        self._sign_in = sign_in
        self._users = users
        self._activations = (
            Activations(settings, users, store, tenants, book, clock) if users else None
        )
        state = StateSources(
            runs=store.counts,
            outbox_pending=outbox.pending,
            outbox_oldest=outbox.oldest_pending,
            now=clock.now,
            users=users.counts_of_all_tenants if users else None,
        )
        self._metrics = Metrics(StateCollector(state))
        self._customers = Customers(store.engine, audit, book, settings.provider_tenant_id)

    # ---------------------------------------------------------------------------- metrics

    async def metrics(self) -> bytes:
        """Prometheus' text exposition of this process and of the database's state (in
        :data:`METRICS_CONTENT_TYPE`): no tenant, user or secret appears in it."""
        return await asyncio.to_thread(self._metrics.render)

    # ------------------------------------------------------------------------------ users

    @property
    def users(self) -> TenantUsers:
        """The tenant's users: sync, list, look up, export (SPEC step 4)."""
        if self._users is None:
            raise RuntimeError("this process was wired without user sync")
        return self._users

    @property
    def activations(self) -> Activations:
        """Activating and deactivating users, as runs (SPEC step 4)."""
        if self._activations is None:
            raise RuntimeError("this process was wired without user sync")
        return self._activations

    # ---------------------------------------------------------------------------- tenants

    async def tenant(self, tenant_id: str) -> TenantView | None:
        """Where a tenant stands (``None`` if nobody has signed in for it)."""

        def read() -> TenantView | None:
            record = self._tenants.get(tenant_id)
            if record is None:
                return None
            active = self._store.active_run(tenant_id)
            purposes = tuple(self._vault.purposes(tenant_id))
            who: dict[str, str] = {}
            for event in self._audit.of_tenant(tenant_id, limit=200):
                if event.action == "sign_in_completed":
                    purpose = json.loads(event.detail).get("purpose", "")
                    if purpose in purposes:
                        who.setdefault(purpose, event.actor)
            return TenantView(
                tenant_id=record.id,
                display_name=record.display_name,
                initial_domain=record.initial_domain,
                state=record.state,
                sbc_domain=record.sbc_domain,
                region=record.region,
                signed_in=purposes,
                signed_in_as=who,
                active_run=active.id if active else None,
                last_run=record.last_run_id,
            )

        return await asyncio.to_thread(read)

    # -------------------------------------------------------------- the provider's view

    def is_provider(self, tenant_id: str) -> bool:
        """Whether ``tenant_id`` is the provider's own tenant (PROVIDER_TENANT_ID), whose admins
        may see every customer; never true while the setting is empty."""
        own = self._settings.provider_tenant_id
        return bool(own) and tenant_id.strip().lower() == own

    async def customers(
        self, state: str | None = None, offset: int = 0, limit: int | None = 20
    ) -> CustomerPage:
        """Every customer tenant (or those in ``state``, one of :data:`CUSTOMER_STATES`) by
        name: where each stands, its last run, what it waits for or why it failed; the
        provider's own tenant is none of them. For the provider's operators only: the caller
        decides who that is (:meth:`is_provider`)."""
        return await asyncio.to_thread(self._customers.page, state, offset, limit)

    async def find_customers(self, query: str) -> list[CustomerView]:
        """Customers by tenant id, domain or name (exact matches first, else partial ones)."""
        return await asyncio.to_thread(self._customers.find, query)

    async def customer(
        self, tenant_id: str, audit_offset: int = 0, audit_limit: int = 10
    ) -> CustomerDetails | None:
        """One customer: its status, who signed in, a page of its audit history (newest
        first); ``None`` if the bot does not know the tenant."""
        view = await asyncio.to_thread(self._customers.one, tenant_id)
        tenant = await self.tenant(tenant_id)
        if view is None or tenant is None:
            return None
        audit, total = await asyncio.to_thread(
            self._customers.audit, tenant_id, audit_offset, audit_limit
        )
        return CustomerDetails(
            view,
            tenant.signed_in,
            tenant.signed_in_as,
            tuple(audit),
            max(0, audit_offset),
            total,
        )

    async def admin_check(self, tenant_id: str, user_object_id: str) -> AdminCheck:
        """Whether the user holds roles that may integrate or remove (read with the stored
        Graph sign-in of the tenant)."""
        purposes = await asyncio.to_thread(self._vault.purposes, tenant_id)
        if Purpose.GRAPH.value not in purposes:
            return AdminCheck(False, (), t("nobody of this organization has signed in yet"))
        try:
            async with self._ports.open(tenant_id) as ports:
                roles = await ports.directory.roles_of(user_object_id)
        except ServiceError as exc:
            if exc.kind == ErrorKind.NOT_FOUND:
                return AdminCheck(False, ())  # not a user of this organization (a guest's id)
            return AdminCheck(False, (), _could_not_tell(exc))
        except StepError as exc:
            return AdminCheck(False, (), _could_not_tell(exc))
        names = tuple(sorted(r.name or r.template_id for r in roles))
        return AdminCheck(not missing_roles({r.template_id for r in roles}), names)

    async def integration_objects(self, tenant_id: str, removal: bool = False) -> list[str]:
        """What the integration created in the tenant and the provider's zone, in words; with
        ``removal``, worded as what a removal deletes."""
        entries = await asyncio.to_thread(self._store.ledger, tenant_id)
        out = []
        for entry in entries:
            if entry.status == "removed" or entry.kind not in _OBJECT_WORDS:
                continue
            key = entry.key.split("|")[0] if entry.kind in ("dns_records", "licence") else entry.key
            if removal and entry.kind in _REMOVED_FROM:
                line = t(_REMOVED_FROM[entry.kind], key=key)
            else:
                line = t(_OBJECT_WORDS[entry.kind], key=key)
            if line not in out:
                out.append(line)
        return out

    def sbc_domain_for(self, initial_domain: str, region: str | None = None) -> str:
        """The SBC domain a tenant gets in ``region``."""
        return sbc_domain(
            initial_domain, region or self._settings.default_region, self._dns.provider_zone
        )

    # -------------------------------------------------------------------------- sign-ins

    async def begin_sign_in(
        self, binding: SignInBinding, login_hint: str | None = None, browser: str | None = None
    ) -> StartedSignIn:
        """Start step 1 or step 3; the admin's browser goes to ``auth_uri``. With ``browser``
        (the browser's sign-in cookie) only that browser can finish it."""
        sign_in = self._require_sign_in()
        if browser is not None:
            binding = dataclasses.replace(binding, browser=browser_hash(browser))
        return await asyncio.to_thread(sign_in.begin, binding, login_hint)

    async def complete_sign_in(
        self, response: dict[str, str], browser: str | None = None
    ) -> SignedIn:
        """Finish a sign-in from the callback; after step 1 the tenant is known. A step 3
        account without a Teams admin role is refused (and its sign-in not kept)."""
        sign_in = self._require_sign_in()
        signed = await asyncio.to_thread(sign_in.complete, response, browser)
        if signed.purpose == Purpose.TEAMS_ADMIN:
            await self._require_teams_role(signed)
        if signed.purpose == Purpose.GRAPH:
            async with self._ports.open(signed.tenant_id) as ports:
                org = await ports.directory.organization()
            await asyncio.to_thread(
                self._tenants.upsert,
                signed.tenant_id,
                org.display_name,
                org.initial_domain,
                self._clock.now(),
            )
        return signed

    async def _require_teams_role(self, signed: SignedIn) -> None:
        """The Teams admin API answers only Teams admins: say which role the account lacks
        now, not with a 403 in the middle of the integration."""
        try:
            async with self._ports.open(signed.tenant_id) as ports:
                roles = await ports.directory.roles_of(signed.object_id)
        except StepError:
            return  # the readiness check reads the roles again and says what it finds
        held = {r.template_id for r in roles}
        teams_roles = ROLE_GROUPS[0][1]
        if GLOBAL_ADMINISTRATOR in held or held & set(teams_roles):
            return
        await asyncio.to_thread(self._vault.forget, signed.tenant_id, Purpose.TEAMS_ADMIN.value)
        who = signed.user_principal_name
        if who:
            template = N_(
                "{who} holds none of the roles the Teams admin centre needs ({wanted}, or Global "
                "Administrator). Sign in for step 3 with an account that holds one, or give it "
                "one in Microsoft Entra."
            )
        else:
            template = N_(
                "The account holds none of the roles the Teams admin centre needs ({wanted}, or "
                "Global Administrator). Sign in for step 3 with an account that holds one, or "
                "give it one in Microsoft Entra."
            )
        # The audit keeps English (read later, in whatever language); the admin reads it now.
        english = ", ".join(teams_roles.values())
        said = ", ".join(t(role) for role in teams_roles.values())
        await asyncio.to_thread(
            self._audit.record,
            signed.tenant_id,
            signed.user_principal_name,
            "sign_in_refused",
            self._clock.now(),
            purpose=Purpose.TEAMS_ADMIN.value,
            reason=template.format(who=who, wanted=english),
        )
        raise SignInError(t(template, who=who, wanted=said), signed.binding)

    def _require_sign_in(self) -> SignIn:
        if self._sign_in is None:
            raise RuntimeError("this process was wired without sign-in")
        return self._sign_in

    # ------------------------------------------------------------------------- readiness

    async def readiness(self, tenant_id: str, region: str | None = None) -> list[Check]:
        """The checklist (SPEC step 2)."""
        record = await asyncio.to_thread(self._tenants.get, tenant_id)
        if record is None:
            raise Refused("unknown_tenant", t("Nobody has signed in for this organization yet."))
        ledger = Ledger(await asyncio.to_thread(self._store.ledger, tenant_id))
        integrated = record.state in (TenantState.INTEGRATED, TenantState.INTEGRATING)
        async with self._ports.open(tenant_id) as ports:
            obs = await observe(
                ports.directory,
                ports.domains,
                ports.zone,
                lambda initial: self.sbc_domain_for(initial, region),
                Names(self._settings.brand).gateway_user,
                integrated,
                lambda name: ledger.has("domain", name),
            )
        return evaluate(obs)

    # ------------------------------------------------------------------------------ runs

    async def start(
        self,
        tenant_id: str,
        kind: RunKind,
        requested_by: str,
        subscriber: str | None = None,
        region: str | None = None,
    ) -> str:
        """Create a provisioning or a removal run; :class:`Refused` says why not.

        A removal supersedes an unfinished provisioning (stuck, failing, or interrupted): the
        admin who asks to remove everything wants that, not the rest of the setup first.
        """
        record = await asyncio.to_thread(self._tenants.get, tenant_id)
        if record is None:
            raise Refused(
                "unknown_tenant",
                t("Nobody has signed in for this organization yet. Start with step 1 (sign in)."),
            )
        purposes = set(await asyncio.to_thread(self._vault.purposes, tenant_id))
        missing = [p for p in (Purpose.GRAPH, Purpose.TEAMS_ADMIN) if p.value not in purposes]
        if len(missing) == 2:
            raise Refused(
                "signed_out",
                t(
                    "The bot needs the sign-in of step 1 (Microsoft Graph) and step 3 (Teams "
                    "admin) first."
                ),
            )
        if missing == [Purpose.GRAPH]:
            raise Refused(
                "signed_out", t("The bot needs the sign-in of step 1 (Microsoft Graph) first.")
            )
        if missing:
            raise Refused(
                "signed_out", t("The bot needs the sign-in of step 3 (Teams admin) first.")
            )
        if kind == RunKind.REMOVE:
            return await self._start_removal(tenant_id, requested_by, subscriber)
        return await self._start_provisioning(
            tenant_id, record.initial_domain, requested_by, subscriber, region
        )

    async def _start_provisioning(
        self,
        tenant_id: str,
        initial_domain: str,
        requested_by: str,
        subscriber: str | None,
        region: str | None,
    ) -> str:
        s = self._settings
        region = region or s.default_region
        if region not in s.regions:
            raise Refused(
                "unknown_region",
                t(
                    "{region} is not a region of this provider ({regions}).",
                    region=repr(region),
                    regions=", ".join(sorted(s.regions)),
                ),
            )
        active = await asyncio.to_thread(self._store.active_run, tenant_id)
        if active is not None:
            running = _ACTIVE_RUN.get(active.kind)
            reason = (
                t(running)
                if running is not None
                else t("A {kind} is already running.", kind=active.kind)
            )
            raise Refused("active_run", reason, run_id=active.id)
        checks = await self.readiness(tenant_id, region)
        failing = blocking(checks)
        if failing:
            raise Refused(
                "not_ready",
                t(
                    "The readiness check has failures: {checks}.",
                    checks="; ".join(c.title for c in failing),
                ),
                checks,
            )
        domain = self.sbc_domain_for(initial_domain, region)
        ledger = Ledger(await asyncio.to_thread(self._store.ledger, tenant_id))
        try:
            async with self._ports.open(tenant_id) as ports:
                clashes = await name_clashes(ports, s.brand, domain, ledger)
                country = (await ports.directory.organization()).country
        except StepError as exc:
            raise Refused("microsoft", f"{exc.service}: {exc.message}") from exc
        if clashes:
            raise Refused(
                "name_clash",
                t(
                    "These already exist in the tenant and the bot did not create them: "
                    "{objects}. Remove or rename them in the Teams or Microsoft 365 admin "
                    "centre, then try again.",
                    objects="; ".join(clashes),
                ),
            )
        params = IntegrationParams(
            tenant_id=tenant_id,
            initial_domain=initial_domain,
            region=region,
            sbc_domain=domain,
            sbc_addresses=tuple(s.regions[region]),
            zone=self._dns.provider_zone,
            dns_ttl=self._dns.dns_ttl,
            brand=s.brand,
            usage_location=country or s.gateway_usage_location,
            country_code=_calling_code(country) or s.dial_plan_country_code,
            sip_port=s.sip_signaling_port,
            max_concurrent_sessions=s.max_concurrent_sessions,
        )
        return await self._create(tenant_id, RunKind.PROVISION, params, requested_by, subscriber)

    async def _start_removal(
        self, tenant_id: str, requested_by: str, subscriber: str | None
    ) -> str:
        active = await asyncio.to_thread(self._store.active_run, tenant_id)
        if active is not None and active.kind == RunKind.REMOVE.value:
            raise Refused("active_run", t("A removal is already running."), run_id=active.id)
        if active is not None:
            plan = self._book.version(active.kind, active.plan_version)
            await asyncio.to_thread(
                self._store.cancel,
                active.id,
                self._clock.now(),
                # Stored as the run's error: English, said in the reader's language later.
                N_("superseded by a removal ({who})").format(who=requested_by),
                plan.on_finish,
            )
        last = await asyncio.to_thread(self._tenants.last_provisioning, tenant_id)
        recorded = json.loads(last.plan) if last else {}
        params = RemovalParams(
            tenant_id=tenant_id,
            sbc_domain=str(recorded.get("sbc_domain", "")),
            brand=str(recorded.get("brand", recorded.get("names_brand", ""))),
        )
        return await self._create(tenant_id, RunKind.REMOVE, params, requested_by, subscriber)

    async def _create(
        self,
        tenant_id: str,
        kind: RunKind,
        params: IntegrationParams | RemovalParams,
        requested_by: str,
        subscriber: str | None,
    ) -> str:
        now = self._clock.now()
        try:
            run_id = await asyncio.to_thread(
                self._store.create_run,
                tenant_id,
                self._book.current(kind.value),
                params,
                requested_by,
                now,
                subscriber,
            )
        except ActiveRunExists as exc:
            raise Refused("active_run", t("Another run of this organization is active.")) from exc
        await asyncio.to_thread(
            self._audit.record,
            tenant_id,
            requested_by,
            f"{kind.value}_requested",
            now,
            run_id=run_id,
            sbc_domain=params.sbc_domain,
        )
        return run_id

    async def view(self, run_id: str) -> RunView:
        """A run as the progress card shows it."""

        def read() -> RunView:
            run = self._store.run(run_id)
            if run is None:
                raise RunNotFound(run_id)
            plan = self._book.version(run.kind, run.plan_version)
            return build_view(
                run, plan, self._store.steps(run_id), self._store.events(run_id), self._clock.now()
            )

        return await asyncio.to_thread(read)

    async def latest_run(self, tenant_id: str) -> RunView | None:
        """The tenant's newest run, if any."""
        runs = await asyncio.to_thread(self._store.runs_of, tenant_id, 1)
        return await self.view(runs[0].id) if runs else None

    async def cancel(self, run_id: str, requested_by: str, wait: float = 5.0) -> CancelResult:
        """Cancel a run; returns once its runner has let go, or after ``wait`` seconds."""
        run = await asyncio.to_thread(self._store.run, run_id)
        if run is None:
            raise RunNotFound(run_id)
        plan = self._book.version(run.kind, run.plan_version)
        cancelled = await asyncio.to_thread(
            self._store.cancel,
            run_id,
            self._clock.now(),
            # Stored as the run's error: English, said in the reader's language later.
            N_("cancelled by {who}").format(who=requested_by),
            plan.on_finish,
        )
        if cancelled:
            await asyncio.to_thread(
                self._audit.record,
                run.tenant_id,
                requested_by,
                f"{run.kind}_cancelled",
                self._clock.now(),
                run_id=run_id,
            )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            holder = await asyncio.to_thread(self._store.lease_holder, run_id)
            if holder is None:
                return CancelResult(run_id, cancelled, True)
            if loop.time() >= deadline:
                return CancelResult(run_id, cancelled, False)
            await asyncio.sleep(0.1)

    async def retry(self, run_id: str, requested_by: str) -> bool:
        """Send a failed run back to work; its give-up clocks start afresh."""
        run = await asyncio.to_thread(self._store.run, run_id)
        if run is None:
            raise RunNotFound(run_id)
        try:
            retried = await asyncio.to_thread(self._store.retry, run_id, self._clock.now())
        except ActiveRunExists as exc:
            raise Refused("active_run", t("Another run of this organization is active.")) from exc
        if retried:
            await asyncio.to_thread(
                self._audit.record,
                run.tenant_id,
                requested_by,
                f"{run.kind}_retried",
                self._clock.now(),
                run_id=run_id,
            )
        return retried

    async def subscribe(self, run_id: str, subscriber: str) -> None:
        """Tell ``subscriber`` (opaque here) about the run's milestones and progress."""
        await asyncio.to_thread(self._store.subscribe, run_id, subscriber, self._clock.now())

    def notifier(self, deliver: Deliver, owner: str, **options: Any) -> Notifier:
        """A delivery loop for the outbox, handing each notification to ``deliver``."""
        return Notifier(self._outbox, deliver, self._clock, owner, **options)


def _could_not_tell(exc: StepError) -> str:
    """Why nobody can tell whether a user is an admin: the system and its own words."""
    return t("{service} could not tell: {message}", service=exc.service, message=exc.message)


def _calling_code(country: str | None) -> str | None:
    """The international calling code of an ISO country (``DE`` → ``49``), if known."""
    if not country:
        return None
    code = phonenumbers.country_code_for_region(country.upper())
    return str(code) if code else None
