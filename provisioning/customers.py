"""The provider's own view of its customers: every tenant the bot knows, where each stands, its
last run, what it waits for or why it failed; one tenant with its audit history. Read-only.

The facade (``integrations.py``) runs these reads in worker threads; the bot's cards and the
``tenants`` command print the same words, made here: in the language of the admin who asked
(the threads inherit the turn's language), English for the command line. What the runner
stored (wait reasons, errors, hints, step titles) is said here too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from i18n.text import N_, say, t
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
# Texts are whole phrases, one a kind and status (German builds each its own way); the
# templates stay English here (N_) and are said with ``t`` when a view is made.
_KIND_WORDS = {
    RunKind.PROVISION.value: N_("Integration"),
    RunKind.REMOVE.value: N_("Removal"),
    RunKind.ACTIVATE.value: N_("Activation"),
    RunKind.DEACTIVATE.value: N_("Deactivation"),
}
_STATUS_WORDS = {
    "pending": N_("starting"),
    "running": N_("under way"),
    "waiting": N_("waiting"),
    "succeeded": N_("succeeded"),
    "failed": N_("failed"),
    "cancelled": N_("cancelled"),
}
# A run's kind and status in words: ``Integration failed``.
_RUN_WORDS = {
    RunKind.PROVISION.value: {
        "pending": N_("Integration starting"),
        "running": N_("Integration under way"),
        "waiting": N_("Integration waiting"),
        "succeeded": N_("Integration succeeded"),
        "failed": N_("Integration failed"),
        "cancelled": N_("Integration cancelled"),
    },
    RunKind.REMOVE.value: {
        "pending": N_("Removal starting"),
        "running": N_("Removal under way"),
        "waiting": N_("Removal waiting"),
        "succeeded": N_("Removal succeeded"),
        "failed": N_("Removal failed"),
        "cancelled": N_("Removal cancelled"),
    },
    RunKind.ACTIVATE.value: {
        "pending": N_("Activation starting"),
        "running": N_("Activation under way"),
        "waiting": N_("Activation waiting"),
        "succeeded": N_("Activation succeeded"),
        "failed": N_("Activation failed"),
        "cancelled": N_("Activation cancelled"),
    },
    RunKind.DEACTIVATE.value: {
        "pending": N_("Deactivation starting"),
        "running": N_("Deactivation under way"),
        "waiting": N_("Deactivation waiting"),
        "succeeded": N_("Deactivation succeeded"),
        "failed": N_("Deactivation failed"),
        "cancelled": N_("Deactivation cancelled"),
    },
}
# The same for a run about one user (``{user}``: the address it was planned with).
_USER_RUN_WORDS = {
    RunKind.ACTIVATE.value: {
        "pending": N_("Activation of {user} starting"),
        "running": N_("Activation of {user} under way"),
        "waiting": N_("Activation of {user} waiting"),
        "succeeded": N_("Activation of {user} succeeded"),
        "failed": N_("Activation of {user} failed"),
        "cancelled": N_("Activation of {user} cancelled"),
    },
    RunKind.DEACTIVATE.value: {
        "pending": N_("Deactivation of {user} starting"),
        "running": N_("Deactivation of {user} under way"),
        "waiting": N_("Deactivation of {user} waiting"),
        "succeeded": N_("Deactivation of {user} succeeded"),
        "failed": N_("Deactivation of {user} failed"),
        "cancelled": N_("Deactivation of {user} cancelled"),
    },
}
# What goes on in the integration's own runs (provisioning and removal).
_WAITING = {
    RunKind.PROVISION.value: N_("Integration waiting: {reason}"),
    RunKind.REMOVE.value: N_("Removal waiting: {reason}"),
}
_WORKING = {
    RunKind.PROVISION.value: N_("Integration: {step}"),
    RunKind.REMOVE.value: N_("Removal: {step}"),
}
_STARTING = {
    RunKind.PROVISION.value: N_("Integration starting"),
    RunKind.REMOVE.value: N_("Removal starting"),
}
_PURPOSES = {
    "graph": N_("step 1 (Microsoft Graph)"),
    "teams_admin": N_("step 3 (Teams admin centre)"),
}
_PURPOSES_AS = {
    "graph": N_("step 1 (Microsoft Graph) as {account}"),
    "teams_admin": N_("step 3 (Teams admin centre) as {account}"),
}
# An audit event about a run: verb and run, as one phrase each.
_RUN_EVENTS = {
    (RunKind.PROVISION.value, "requested"): N_("Asked for the integration"),
    (RunKind.PROVISION.value, "cancelled"): N_("Cancelled the integration"),
    (RunKind.PROVISION.value, "retried"): N_("Retried the integration"),
    (RunKind.REMOVE.value, "requested"): N_("Asked for the removal"),
    (RunKind.REMOVE.value, "cancelled"): N_("Cancelled the removal"),
    (RunKind.REMOVE.value, "retried"): N_("Retried the removal"),
    (RunKind.ACTIVATE.value, "requested"): N_("Asked for an activation"),
    (RunKind.ACTIVATE.value, "cancelled"): N_("Cancelled an activation"),
    (RunKind.ACTIVATE.value, "retried"): N_("Retried an activation"),
    (RunKind.DEACTIVATE.value, "requested"): N_("Asked for a deactivation"),
    (RunKind.DEACTIVATE.value, "cancelled"): N_("Cancelled a deactivation"),
    (RunKind.DEACTIVATE.value, "retried"): N_("Retried a deactivation"),
}


def _kind_word(kind: str) -> str:
    """A kind of run as a noun (an unknown kind as itself, capitalised)."""
    word = _KIND_WORDS.get(kind)
    return t(word) if word is not None else kind.capitalize()


def _said(text: str | None) -> str | None:
    """A text the runner stored in English, in the active language."""
    return say(text) if text else text


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
        if self.about:
            about = _USER_RUN_WORDS.get(self.kind, {}).get(self.status)
            if about is not None:
                return t(about, user=self.about)
        else:
            known = _RUN_WORDS.get(self.kind, {}).get(self.status)
            if known is not None:
                return t(known)
        # A kind or status this release has no words for: its own name, as it is stored.
        kind = _kind_word(self.kind)
        if self.about:
            kind = f"{kind} of {self.about}"
        status = _STATUS_WORDS.get(self.status)
        said = t(status) if status is not None else self.status
        return f"{kind} {said}"


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
        # Punctuation joins texts already in words (step, error, hint): nothing to translate.
        if self.waiting:
            return "; ".join(self.waiting)
        if self.error or self.failed_step:
            where = f"{self.failed_step}: " if self.failed_step else ""
            hint = f" ({self.hint})" if self.hint else ""
            failure = self.error or t("failed")
            return f"{where}{failure}{hint}"
        run = self.last_run
        if run is not None and run.status == "failed":
            hint = f" ({run.hint})" if run.hint else ""
            why = run.error or t("no reason given")
            return f"{run.words}: {why}{hint}"
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
            words = _PURPOSES.get(purpose)
            as_who = _PURPOSES_AS.get(purpose)
            if who and as_who is not None:
                parts.append(t(as_who, account=who))
            elif words is not None:
                parts.append(t(words))
            else:
                # A purpose this release does not know: its name, as stored.
                parts.append(f"{purpose} as {who}" if who else purpose)
        return "; ".join(parts) or t("none stored")


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
            noun = _kind_word(active.kind)
            mine = [step for step, run in going if run.id == active.id]
            waiting = tuple(
                say(s.wait_reason) if s.wait_reason else self._title(active, s.name)
                for s in mine
                if s.status == StepStatus.WAITING.value
            )
            working = [self._title(active, s.name) for s in mine if s.status == "running"]
            if waiting:
                state = "waiting"
                template = _WAITING.get(active.kind)
                # A kind without its own words (never the integration's): noun and status.
                status = t("waiting")
                text = (
                    t(template, reason=waiting[0])
                    if template is not None
                    else f"{noun} {status}: {waiting[0]}"
                )
            else:
                state = "removing" if active.kind == RunKind.REMOVE.value else "integrating"
                if working:
                    template = _WORKING.get(active.kind)
                    text = (
                        t(template, step=working[0])
                        if template is not None
                        else f"{noun}: {working[0]}"
                    )
                else:
                    template = _STARTING.get(active.kind)
                    status = t("starting")
                    text = t(template) if template is not None else f"{noun} {status}"
        elif state == "failed":
            removal = record.state == TenantState.REMOVAL_FAILED.value
            if failed is not None:
                run, step = failed
                failed_step = self._title(run, step.name) if step else ""
                error = _said(run.error or (step.error if step else None)) or ""
                hint = _said(run.hint or (step.hint if step else None)) or ""
            if failed_step and removal:
                text = t("Removal failed at: {step}", step=failed_step)
            elif failed_step:
                text = t("Integration failed at: {step}", step=failed_step)
            else:
                text = t("Removal failed") if removal else t("Integration failed")
        elif state == "connected":
            text = (
                t("Connected ({domain})", domain=record.sbc_domain)
                if record.sbc_domain
                else t("Connected")
            )
        else:
            text = {
                "new": t("Signed in, not connected yet"),
                "disconnected": t("Disconnected: everything was removed"),
                "integrating": t("Integrating"),
                "removing": t("Removing"),
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
        return next((say(s.title) for s in plan.steps if s.name == step), step)


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
        _said(run.error),
        _said(run.hint),
    )


def audit_text(action: str, detail: dict[str, Any]) -> str:
    """An audit event in words (never a secret: the log holds none)."""
    known = _PURPOSES.get(str(detail.get("purpose", "")))
    purpose = t(known) if known is not None else ""
    if action == "sign_in_completed":
        if purpose:
            return t("Signed in for {purpose}", purpose=purpose)
        return t("Signed in for a sign-in")
    if action == "sign_in_refused":
        # The reason was stored in English (ours), or is Microsoft's own words.
        reason = say(str(detail.get("reason", "")).strip())
        if purpose and reason:
            return t("Sign-in for {purpose} refused: {reason}", purpose=purpose, reason=reason)
        if purpose:
            return t("Sign-in for {purpose} refused", purpose=purpose)
        if reason:
            return t("Sign-in refused: {reason}", reason=reason)
        return t("Sign-in refused")
    if action == "credentials_deleted":
        return t("Deleted the stored sign-ins ({count})", count=detail.get("count", 0))
    kind, _, what = action.rpartition("_")
    event = _RUN_EVENTS.get((kind, what))
    if event is not None:
        text = t(event)
        domain = str(detail.get("sbc_domain") or "")
        # The SBC domain in brackets: data after a whole phrase.
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
