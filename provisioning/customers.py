"""The provider's own view of its customers: every tenant the bot knows, where each stands, its
last run, what it waits for or why it failed; one tenant with its audit history. Read-only.

The facade (``integrations.py``) runs these reads in worker threads; the bot's cards and the
``tenants`` command print the same words, made here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from provisioning.engine.plans import PlanBook
from storage.audit import AuditLog
from storage.runs import ACTIVE, RunKind, RunRecord, StepRecord, StepStatus
from storage.tenants import TenantRecord, TenantState

# Where a customer stands, in the order a list counts them.
CUSTOMER_STATES: Final = (
    "connected",
    "integrating",
    "waiting",
    "failed",
    "removing",
    "disconnected",
    "new",
)
_ACTIVE = [s.value for s in ACTIVE]
_FAILED = (TenantState.PROVISIONING_FAILED.value, TenantState.REMOVAL_FAILED.value)
_AT_REST = {
    TenantState.NEW.value: "new",
    TenantState.INTEGRATING.value: "integrating",
    TenantState.INTEGRATED.value: "connected",
    TenantState.REMOVING.value: "removing",
    TenantState.REMOVED.value: "disconnected",
    TenantState.PROVISIONING_FAILED.value: "failed",
    TenantState.REMOVAL_FAILED.value: "failed",
}
_KIND_WORDS = {
    RunKind.PROVISION.value: "Integration",
    RunKind.REMOVE.value: "Removal",
    RunKind.ACTIVATE.value: "Activation",
    RunKind.DEACTIVATE.value: "Deactivation",
}
_STATUS_WORDS = {
    "pending": "starting",
    "running": "under way",
    "waiting": "waiting",
    "succeeded": "succeeded",
    "failed": "failed",
    "cancelled": "cancelled",
}
_PURPOSES = {"graph": "step 1 (Microsoft Graph)", "teams_admin": "step 3 (Teams admin centre)"}
_RUN_NOUNS = {
    RunKind.PROVISION.value: "the integration",
    RunKind.REMOVE.value: "the removal",
    RunKind.ACTIVATE.value: "an activation",
    RunKind.DEACTIVATE.value: "a deactivation",
}
_RUN_VERBS = {"requested": "Asked for", "cancelled": "Cancelled", "retried": "Retried"}


def utc(at: float) -> str:
    """``2025-01-02 14:03 UTC``: how the operator's cards and the command line show a time."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(at))


@dataclass(frozen=True)
class LastRun:
    """A customer's newest run, of any kind."""

    run_id: str
    kind: str
    status: str
    about: str  # the user an activation is about ("" for the integration)
    created_at: float
    finished_at: float | None
    error: str | None
    hint: str | None

    @property
    def at(self) -> float:
        """When it ended, or when it was asked for while it goes on."""
        return self.finished_at if self.finished_at is not None else self.created_at

    @property
    def words(self) -> str:
        """``Integration failed``, ``Activation of ada@contoso.com succeeded``."""
        kind = _KIND_WORDS.get(self.kind, self.kind.capitalize())
        if self.about:
            kind = f"{kind} of {self.about}"
        return f"{kind} {_STATUS_WORDS.get(self.status, self.status)}"


@dataclass(frozen=True)
class CustomerView:
    """One customer tenant as the provider's operators see it."""

    tenant_id: str
    display_name: str
    initial_domain: str
    state: str  # one of CUSTOMER_STATES
    state_text: str  # the state in words, with what goes on
    sbc_domain: str | None
    region: str | None
    known_since: float  # the first sign-in
    last_run: LastRun | None
    waiting: tuple[str, ...] = ()  # why the run under way waits
    failed_step: str = ""  # the step the failed integration or removal stopped at
    error: str = ""  # Microsoft's (or the bot's) words, when it failed
    hint: str = ""  # what to do about it

    @property
    def name(self) -> str:
        """Its display name, or its domain when it has none."""
        return self.display_name or self.initial_domain or self.tenant_id

    @property
    def attention(self) -> str:
        """What it waits for, or what failed and what to do, in one line ("" when neither)."""
        if self.waiting:
            return "; ".join(self.waiting)
        if self.error or self.failed_step:
            where = f"{self.failed_step}: " if self.failed_step else ""
            hint = f" ({self.hint})" if self.hint else ""
            return f"{where}{self.error or 'failed'}{hint}"
        run = self.last_run
        if run is not None and run.status == "failed":
            hint = f" ({run.hint})" if run.hint else ""
            return f"{run.words}: {run.error or 'no reason given'}{hint}"
        return ""


@dataclass(frozen=True)
class CustomerPage:
    """A page of customers, with how many there are of each state."""

    customers: tuple[CustomerView, ...]
    state: str | None  # the filter; None: every customer
    offset: int
    total: int  # how many match the filter
    counts: dict[str, int]  # state -> how many, of every customer

    @property
    def has_next(self) -> bool:
        """Whether more customers follow this page."""
        return self.offset + len(self.customers) < self.total


@dataclass(frozen=True)
class AuditEntry:
    """One line of a customer's audit history."""

    at: float
    actor: str
    action: str
    text: str  # in words


@dataclass(frozen=True)
class CustomerDetails:
    """One customer: where it stands, who signed in, and a page of its audit history."""

    customer: CustomerView
    signed_in: tuple[str, ...]  # purposes with stored credentials
    signed_in_as: dict[str, str]  # purpose -> the account that signed in last
    audit: tuple[AuditEntry, ...]  # newest first
    audit_offset: int
    audit_total: int

    @property
    def audit_has_next(self) -> bool:
        """Whether older audit events follow this page."""
        return self.audit_offset + len(self.audit) < self.audit_total

    @property
    def sign_ins(self) -> str:
        """``step 1 (Microsoft Graph) as admin@…; step 3 (…) as …``, or that none is stored."""
        parts = []
        for purpose in self.signed_in:
            who = self.signed_in_as.get(purpose)
            words = _PURPOSES.get(purpose, purpose)
            parts.append(f"{words} as {who}" if who else words)
        return "; ".join(parts) or "none stored"


class Customers:
    """Reads what the provider's view shows (blocking: call it from a worker thread)."""

    def __init__(
        self, engine: Engine, audit: AuditLog, book: PlanBook, provider_tenant_id: str = ""
    ) -> None:
        self._engine = engine
        self._audit = audit
        self._book = book
        # The provider's own tenant is no customer (its admins sign in to use the view).
        self._provider = provider_tenant_id

    def all(self) -> list[CustomerView]:
        """Every customer, by name."""
        return self._views(None)

    def one(self, tenant_id: str) -> CustomerView | None:
        """One customer by its tenant id."""
        found = self._views(tenant_id)
        return found[0] if found else None

    def page(self, state: str | None, offset: int, limit: int | None) -> CustomerPage:
        """The customers in ``state`` (all of them with None) from ``offset``, ``limit`` at most."""
        if state is not None and state not in CUSTOMER_STATES:
            raise ValueError(f"{state!r} is not one of {', '.join(CUSTOMER_STATES)}")
        everyone = self._views(None)
        counts = {s: n for s in CUSTOMER_STATES if (n := sum(c.state == s for c in everyone))}
        matching = [c for c in everyone if state is None or c.state == state]
        offset = max(0, min(offset, len(matching)))
        end = len(matching) if limit is None else offset + limit
        return CustomerPage(tuple(matching[offset:end]), state, offset, len(matching), counts)

    def find(self, query: str) -> list[CustomerView]:
        """Customers by tenant id, domain (initial, its first label, or SBC) or name; exact
        matches only if there are any, else every one whose name or domain contains it."""
        wanted = query.strip().casefold()
        if not wanted:
            return []
        everyone = self._views(None)

        def keys(c: CustomerView) -> tuple[str, ...]:
            domain = c.initial_domain.casefold()
            return (
                c.tenant_id.casefold(),
                domain,
                domain.split(".")[0],
                (c.sbc_domain or "").casefold(),
                c.display_name.casefold(),
            )

        exact = [c for c in everyone if wanted in keys(c)]
        if exact:
            return exact
        return [
            c
            for c in everyone
            if any(wanted in key for key in keys(c)[1:]) or c.tenant_id.startswith(wanted)
        ]

    def audit(self, tenant_id: str, offset: int, limit: int) -> tuple[list[AuditEntry], int]:
        """A page of the tenant's audit history, newest first, and how many events it has."""
        events = self._audit.of_tenant(tenant_id, limit, max(0, offset))
        entries = []
        for event in events:
            try:
                detail = json.loads(event.detail)
            except ValueError:
                detail = {}
            if not isinstance(detail, dict):
                detail = {}
            entries.append(
                AuditEntry(event.at, event.actor, event.action, audit_text(event.action, detail))
            )
        return entries, self._audit.count_of_tenant(tenant_id)

    # ------------------------------------------------------------------------ reading

    def _views(self, only: str | None) -> list[CustomerView]:
        """Every customer (or the one ``only``), in a handful of queries whatever their number."""
        with Session(self._engine) as session:
            tenants = select(TenantRecord)
            newest = select(
                RunRecord.tenant_id, func.max(RunRecord.created_at).label("at")
            ).group_by(col(RunRecord.tenant_id))
            active = select(RunRecord).where(
                col(RunRecord.subject) == "", col(RunRecord.status).in_(_ACTIVE)
            )
            going = (
                select(StepRecord, RunRecord)
                .join(RunRecord, col(RunRecord.id) == col(StepRecord.run_id))
                .where(
                    col(RunRecord.subject) == "",
                    col(RunRecord.status).in_(_ACTIVE),
                    col(StepRecord.status).in_(
                        (StepStatus.RUNNING.value, StepStatus.WAITING.value)
                    ),
                )
            )
            # The run that left a customer failed, and the step it stopped at (if a step did).
            stopped = (
                select(RunRecord, StepRecord)
                .join(TenantRecord, col(TenantRecord.last_run_id) == col(RunRecord.id))
                .outerjoin(
                    StepRecord,
                    (col(StepRecord.run_id) == col(RunRecord.id))
                    & (col(StepRecord.status) == StepStatus.FAILED.value),
                )
                .where(col(TenantRecord.state).in_(_FAILED))
            )
            if only is not None:
                tenants = tenants.where(col(TenantRecord.id) == only)
                newest = newest.where(col(RunRecord.tenant_id) == only)
                active = active.where(col(RunRecord.tenant_id) == only)
                going = going.where(col(RunRecord.tenant_id) == only)
                stopped = stopped.where(col(RunRecord.tenant_id) == only)
            if self._provider:
                tenants = tenants.where(col(TenantRecord.id) != self._provider)
            records = list(session.exec(tenants).all())
            latest_at = newest.subquery()
            latest = {
                run.tenant_id: run
                for run in session.exec(
                    select(RunRecord).join(
                        latest_at,
                        (col(RunRecord.tenant_id) == latest_at.c.tenant_id)
                        & (col(RunRecord.created_at) == latest_at.c.at),
                    )
                ).all()
            }
            actives = {run.tenant_id: run for run in session.exec(active).all()}
            steps: dict[str, list[tuple[StepRecord, RunRecord]]] = {}
            for step, run in session.exec(going).all():
                steps.setdefault(run.tenant_id, []).append((step, run))
            failed: dict[str, tuple[RunRecord, StepRecord | None]] = {}
            for run, step in session.exec(stopped).all():
                failed.setdefault(run.tenant_id, (run, step))
        views = [
            self._view(
                record,
                latest.get(record.id),
                actives.get(record.id),
                steps.get(record.id, []),
                failed.get(record.id),
            )
            for record in records
        ]
        return sorted(views, key=lambda c: (c.name.casefold(), c.initial_domain, c.tenant_id))

    def _view(
        self,
        record: TenantRecord,
        latest: RunRecord | None,
        active: RunRecord | None,
        going: list[tuple[StepRecord, RunRecord]],
        failed: tuple[RunRecord, StepRecord | None] | None,
    ) -> CustomerView:
        state = _AT_REST.get(record.state, "new")
        waiting: tuple[str, ...] = ()
        failed_step = error = hint = ""
        if active is not None:
            noun = _KIND_WORDS.get(active.kind, active.kind.capitalize())
            mine = [step for step, run in going if run.id == active.id]
            waiting = tuple(
                s.wait_reason or self._title(active, s.name)
                for s in mine
                if s.status == StepStatus.WAITING.value
            )
            working = [self._title(active, s.name) for s in mine if s.status == "running"]
            if waiting:
                state, text = "waiting", f"{noun} waiting: {waiting[0]}"
            else:
                state = "removing" if active.kind == RunKind.REMOVE.value else "integrating"
                text = f"{noun}: {working[0]}" if working else f"{noun} starting"
        elif state == "failed":
            noun = "Removal" if record.state == TenantState.REMOVAL_FAILED.value else "Integration"
            if failed is not None:
                run, step = failed
                failed_step = self._title(run, step.name) if step else ""
                error = run.error or (step.error if step else None) or ""
                hint = run.hint or (step.hint if step else None) or ""
            text = f"{noun} failed" + (f" at: {failed_step}" if failed_step else "")
        else:
            text = {
                "new": "Signed in, not connected yet",
                "connected": f"Connected ({record.sbc_domain})"
                if record.sbc_domain
                else "Connected",
                "disconnected": "Disconnected: everything was removed",
                "integrating": "Integrating",
                "removing": "Removing",
            }[state]
        return CustomerView(
            tenant_id=record.id,
            display_name=record.display_name,
            initial_domain=record.initial_domain,
            state=state,
            state_text=text,
            sbc_domain=record.sbc_domain,
            region=record.region,
            known_since=record.created_at,
            last_run=_last_run(latest) if latest else None,
            waiting=waiting,
            failed_step=failed_step,
            error=error,
            hint=hint,
        )

    def _title(self, run: RunRecord, step: str) -> str:
        try:
            plan = self._book.version(run.kind, run.plan_version)
        except KeyError:
            return step
        return next((s.title for s in plan.steps if s.name == step), step)


def _last_run(run: RunRecord) -> LastRun:
    about = ""
    if run.subject:
        try:
            plan: Any = json.loads(run.plan)
        except ValueError:
            plan = {}
        about = str(plan.get("upn") or run.subject) if isinstance(plan, dict) else run.subject
    return LastRun(
        run.id,
        run.kind,
        run.status,
        about,
        run.created_at,
        run.finished_at,
        run.error,
        run.hint,
    )


def audit_text(action: str, detail: dict[str, Any]) -> str:
    """An audit event in words (never a secret: the log holds none)."""
    purpose = _PURPOSES.get(str(detail.get("purpose", "")), "")
    if action == "sign_in_completed":
        return f"Signed in for {purpose or 'a sign-in'}"
    if action == "sign_in_refused":
        reason = str(detail.get("reason", "")).strip()
        return f"Sign-in{' for ' + purpose if purpose else ''} refused" + (
            f": {reason}" if reason else ""
        )
    if action == "credentials_deleted":
        return f"Deleted the stored sign-ins ({detail.get('count', 0)})"
    kind, _, what = action.rpartition("_")
    if kind in _RUN_NOUNS and what in _RUN_VERBS:
        text = f"{_RUN_VERBS[what]} {_RUN_NOUNS[kind]}"
        domain = str(detail.get("sbc_domain") or "")
        return f"{text} ({domain})" if domain else text
    return action.replace("_", " ").capitalize()


# ------------------------------------------------------------------------------ plain text


def customers_table(customers: Sequence[CustomerView]) -> list[str]:
    """The customers as a plain table, a customer a line (what ``app.py tenants`` prints)."""
    if not customers:
        return ["No customer tenants yet: a customer's admin signs in through the bot first."]
    header = ("TENANT", "NAME", "INITIAL DOMAIN", "STATE", "LAST RUN", "WAITING / FAILED")
    rows = [header] + [
        (
            c.tenant_id,
            c.name,
            c.initial_domain,
            c.state,
            f"{c.last_run.words}, {utc(c.last_run.at)}" if c.last_run else "none",
            c.attention,
        )
        for c in customers
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    return [
        "  ".join(
            [*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]
        ).rstrip()
        for row in rows
    ]


def customer_report(details: CustomerDetails) -> list[str]:
    """One customer's status and its audit history as plain text."""
    c = details.customer
    run = c.last_run
    facts = [
        ("tenant", c.tenant_id),
        ("initial domain", c.initial_domain),
        ("state", c.state_text),
        ("SBC domain", c.sbc_domain or "none"),
        ("region", c.region or "none"),
        ("signed in", details.sign_ins),
        ("last run", f"{run.words}, {utc(run.at)} (run {run.run_id})" if run else "none"),
    ]
    facts += [("waiting for", reason) for reason in c.waiting]
    if c.error:
        facts.append(("error", c.error))
    if c.hint:
        facts.append(("what to do", c.hint))
    facts.append(("known since", utc(c.known_since)))
    width = max(len(label) for label, _ in facts)
    lines = [c.name, *(f"  {label.ljust(width)}  {value}" for label, value in facts), ""]
    if not details.audit:
        return [*lines, "Audit history: nothing recorded."]
    first = details.audit_offset + 1
    last = details.audit_offset + len(details.audit)
    lines.append(f"Audit history, newest first ({first}–{last} of {details.audit_total}):")
    lines += [f"  {utc(e.at)}  {e.actor or '-'}  {e.text}" for e in details.audit]
    return lines
