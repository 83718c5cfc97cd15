"""The small view models cards are made from: plain data the bot fills, with words an admin
reads already in them (cards add no knowledge of their own about runs or tenants)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from i18n.text import N_

Style = Literal["default", "positive", "destructive"]
CheckStatus = Literal["pass", "warn", "fail"]
StepStatus = Literal["pending", "running", "waiting", "done", "failed"]
# A synced user's status, as the ``users`` filters name it (the views take any ``str``, since
# the bot reads it from storage; the cards know these four).
UserStatus = Literal["inactive", "active", "unlicensed", "other"]
# Where a customer tenant stands, in the provider's own view (``customers``).
CustomerState = Literal[
    "connected", "integrating", "waiting", "failed", "removing", "disconnected", "new"
]


@dataclass(frozen=True)
class Button:
    """A button: an ``Action.Execute`` with ``verb`` (and an ``Action.Submit`` fallback for
    clients without Universal Actions, carrying the same verb and data)."""

    title: str
    verb: str
    data: dict[str, str] = field(default_factory=dict)
    style: Style = "default"


@dataclass(frozen=True)
class Link:
    """A button that opens a page (``Action.OpenUrl``): the sign-ins."""

    title: str
    url: str


@dataclass(frozen=True)
class CheckLine:
    """One line of the readiness checklist."""

    title: str
    status: CheckStatus
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class StepLine:
    """One line of a progress card."""

    title: str
    status: StepStatus
    # What it is waiting for, what it said when done, or the system's text when it failed.
    detail: str = ""


@dataclass(frozen=True)
class Notice:
    """A short card: a title, some text, maybe facts and buttons (welcome, refusals, help,
    milestones, answers to commands)."""

    title: str
    text: str = ""
    facts: tuple[tuple[str, str], ...] = ()
    buttons: tuple[Button | Link, ...] = ()
    tone: Literal["info", "good", "warning", "attention"] = "info"


@dataclass(frozen=True)
class WizardView:
    """The ``connect`` wizard: SPEC's four steps on one card, showing where the tenant is."""

    tenant_name: str
    # 1: sign in (Graph), 2: readiness, 3: sign in (Teams admin), 4: integrate; 5: under way /
    # done (the progress card takes over).
    current_step: int
    advice: str  # use a dedicated service account
    graph_signed_in_as: str | None = None
    graph_sign_in: Link | None = None
    checks: tuple[CheckLine, ...] = ()
    check_again: Button | None = None
    teams_signed_in_as: str | None = None
    teams_sign_in: Link | None = None
    integrate: Button | None = None
    # Why the next step cannot be taken yet (a blocking check, a missing role…).
    blocked: str = ""


@dataclass(frozen=True)
class ProgressView:
    """One run, as its card shows it while it goes and once it has ended."""

    title: str  # "Integration of Contoso" / "Removal from Contoso"
    status: Literal["pending", "running", "waiting", "succeeded", "failed", "cancelled"]
    status_text: str  # e.g. "Waiting for DNS (3 min so far)"
    steps: tuple[StepLine, ...]
    elapsed: str
    milestone: str = ""
    # When it failed: the system's own words, what they mean, what to do.
    error: str = ""
    hint: str = ""
    # When it ended: what was created or removed, what was left and why.
    summary: tuple[str, ...] = ()
    buttons: tuple[Button | Link, ...] = ()


@dataclass(frozen=True)
class RemovalWarningView:
    """``remove``: what will be deleted, that it cannot be undone, and the typed confirmation."""

    tenant_name: str
    initial_domain: str  # what the admin must type to confirm
    deleting: tuple[str, ...]  # each object, in words
    confirm: Button  # its data gets the typed text under ``input_id``
    cancel: Button
    input_id: str = "confirmation"
    error: str = ""  # when the typed text did not match


@dataclass(frozen=True)
class UserRow:
    """One synced user in the ``users`` list."""

    upn: str
    display_name: str
    status: str  # "inactive" | "active" | "unlicensed" | "other"
    numbers: str  # comma-separated E.164 numbers, or ""
    open: Button  # opens the user's details


@dataclass(frozen=True)
class UsersListView:
    """``users``: one page of a tenant's synced users, with its filter and paging buttons."""

    tenant_name: str
    status_filter: str | None  # "inactive" | "active" | "unlicensed" | "other"; None: all
    rows: tuple[UserRow, ...]  # at most ``cards.users.PAGE_SIZE``
    offset: int  # how many users come before the first row
    total: int  # how many users match the filter
    counts: tuple[tuple[str, int], ...] = ()  # status -> how many, in the order to show
    previous: Button | None = None
    next: Button | None = None
    filters: tuple[Button, ...] = ()  # switch to another filter
    synced_at: str = ""  # "synced 5 minutes ago", "never synced"


@dataclass(frozen=True)
class UserDetailsView:
    """One synced user: where they stand, their voice settings, and what can be done."""

    display_name: str
    upn: str
    status: str  # "inactive" | "active" | "unlicensed" | "other"
    numbers: str = ""  # comma-separated E.164 numbers, or ""
    routing_policy: str = ""
    dial_plan: str = ""
    enterprise_voice: bool = False
    teams_phone: bool = False
    note: str = ""  # e.g. why the user cannot be activated
    buttons: tuple[Button, ...] = ()  # activate, deactivate, sync this user


@dataclass(frozen=True)
class SyncProgressView:
    """A sync of a tenant's users, while it reads and once it has finished or failed."""

    tenant_name: str
    kind: str  # "full" | "delta"
    finished: bool
    directory_read: int = 0  # users read from the directory so far
    voice_read: int = 0  # users' Teams voice settings read so far
    counts: tuple[tuple[str, int], ...] = ()  # status -> how many
    # Once finished: status -> +n / -n since the last sync, users new and gone.
    changes: tuple[tuple[str, int], ...] = ()
    added: int = 0
    removed: int = 0
    elapsed: str = ""
    error: str = ""  # when it failed: the system's own words
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class CustomerRow:
    """One customer tenant in the provider's ``customers`` list."""

    name: str
    domain: str  # its initial domain
    state: str  # one of CustomerState
    state_text: str  # the state in words ("Integration waiting: Waiting for DNS…")
    last_run: str  # "Integration failed, 2025-01-02 14:03 UTC", or "no run yet"
    attention: str  # what it waits for, or what failed and what to do ("" when neither)
    open: Button  # opens its status and audit history


@dataclass(frozen=True)
class CustomersListView:
    """``customers``: a page of the provider's customer tenants, with filters and paging."""

    title: str  # "Customers", "Failed customers"
    rows: tuple[CustomerRow, ...]  # at most ``cards.customers.PAGE_SIZE``
    offset: int  # how many customers come before the first row
    total: int  # how many match
    counts: tuple[tuple[str, int], ...] = ()  # state in words -> how many, in the order to show
    previous: Button | None = None
    next: Button | None = None
    filters: tuple[Button, ...] = ()
    # What an empty page says (the card says the default with ``say``: it is English here).
    empty: str = N_("No customer tenants yet.")


@dataclass(frozen=True)
class AuditLine:
    """One event of a tenant's audit history."""

    at: str  # "2025-01-02 14:03 UTC"
    actor: str
    text: str


@dataclass(frozen=True)
class CustomerDetailsView:
    """``customer <name>``: one customer tenant's status and a page of its audit history."""

    name: str
    domain: str
    state: str  # one of CustomerState
    state_text: str
    facts: tuple[tuple[str, str], ...]  # label -> value: tenant id, SBC domain, sign-ins…
    waiting: tuple[str, ...] = ()  # what the run under way waits for
    error: str = ""  # when it failed: the system's own words
    hint: str = ""  # and what to do
    audit: tuple[AuditLine, ...] = ()  # newest first
    audit_position: str = ""  # "1–10 of 37"
    buttons: tuple[Button, ...] = ()  # older, newer, every customer
