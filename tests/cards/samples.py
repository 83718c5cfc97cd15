"""Representative views of every card family, and the cards made from them: each wizard step,
each progress status, failures, long texts, removal with and without error, each notice tone,
users pages of every filter and user status, a user's details, syncs going, done and failed,
the provider's customers pages of every state and one customer's status and audit history."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, get_args

import cards
from cards.models import (
    AuditLine,
    Button,
    CheckLine,
    CustomerDetailsView,
    CustomerRow,
    CustomersListView,
    CustomerState,
    Link,
    Notice,
    ProgressView,
    RemovalWarningView,
    StepLine,
    SyncProgressView,
    UserDetailsView,
    UserRow,
    UsersListView,
    WizardView,
)

Json = dict[str, Any]
SCOPE = {"tenant": "0c5f3d3e-1111-4c2e-9d5a-8a1f0e2b7c11", "conversation": "a:1conv"}
ADVICE = (
    "Sign in with a dedicated service account that holds the admin roles, not your personal "
    "admin account. You can delete it once the integration is removed."
)
# Markdown's special characters, a very long word and newlines, as Microsoft and tenants write.
LONG = (
    "Domain my_company.gbr-lon-tgw.example.net could not be verified: the TXT record "
    "MS=ms12345678 is not visible yet (*.onmicrosoft.com domains are never used). "
    "Request-Id: 3f2a1b4c-aaaa-bbbb-cccc-0123456789ab_Correlation_d00d_f00d_"
    "NoSuchDomainAnywhereInTheWholeWideWorldForThisTenantOrAnyOtherOneWhatsoever.\n"
    "[Details](https://example.invalid) # not a heading, <b>not html</b>, 1. not a list"
)

CHECKS = (
    CheckLine("Admin roles", "pass", "admin@contoso.onmicrosoft.com is a Global Administrator."),
    CheckLine(
        "Licence for the gateway user",
        "fail",
        "No free licence contains Skype for Business Online (Plan 2) (MCOSTANDARD).",
        "Buy or free up one Microsoft 365 E3 (or another plan with MCOSTANDARD).",
    ),
    CheckLine("Initial domain", "pass", "contoso.onmicrosoft.com"),
    CheckLine(
        "Teams Phone licences",
        "warn",
        "Only 3 users have Teams Phone (MCOEV).",
        "Assign Teams Phone to the users who need a number.",
    ),
    CheckLine("Not yet integrated", "pass", "No Direct Routing from this provider yet."),
    CheckLine("Provider zone", "pass", "contoso.gbr-lon-tgw.example.net is free."),
)
PASSING = tuple(replace(c, status="pass", fix="") for c in CHECKS)
WARNING_ONLY = tuple(c for c in CHECKS if c.status != "fail")

GRAPH = Link("Sign in to Microsoft (step 1)", "https://bot.example/signin/graph?t=abc")
TEAMS = Link("Sign in to the Teams admin centre (step 3)", "https://bot.example/signin/teams?t=d")
AGAIN = Button("Check again", "readiness", SCOPE)
INTEGRATE = Button("Integrate", "integrate", SCOPE, "positive")
WHO = "svc_teams@contoso.onmicrosoft.com"


def wizard_views() -> dict[str, WizardView]:
    """The wizard at each step, and blocked."""
    base = WizardView("Contoso", 1, ADVICE)
    step2 = replace(base, current_step=2, graph_signed_in_as=WHO, checks=CHECKS, check_again=AGAIN)
    step3 = replace(step2, current_step=3, checks=WARNING_ONLY, teams_sign_in=TEAMS)
    step4 = replace(step3, teams_sign_in=None, current_step=4, teams_signed_in_as=WHO)
    return {
        "step-1": replace(base, graph_sign_in=GRAPH),
        "step-1-missing-roles": replace(
            base,
            graph_sign_in=GRAPH,
            graph_signed_in_as="someone@contoso.com",
            blocked="someone@contoso.com holds no admin role: sign in with the service account.",
        ),
        "step-2-blocked": replace(step2, blocked="Fix what the checklist says, then check again."),
        "step-2-no-checks-yet": replace(step2, checks=()),
        "step-3": step3,
        "step-3-all-passed": replace(step3, checks=PASSING),
        "step-4": replace(step4, integrate=INTEGRATE),
        "step-5": replace(step4, current_step=5, checks=PASSING),
        "long-texts": replace(
            step2,
            tenant_name="Contoso Holding International (Europe, Middle East & Africa) GmbH",
            checks=(*CHECKS, CheckLine(LONG, "fail", LONG, LONG)),
            blocked=LONG,
        ),
    }


STEPS = (
    StepLine("Create the subdomain", "done", "contoso.gbr-lon-tgw.example.net"),
    StepLine("Add the domain to the tenant", "done"),
    StepLine("Verify the domain", "waiting", "Waiting for DNS (3 min so far)"),
    StepLine("Create the dial plan", "running"),
    StepLine("Create the gateway user", "pending"),
    StepLine("Assign the licence", "pending"),
)
RETRY = Button("Retry", "retry", {**SCOPE, "run": "r-1"}, "positive")
CANCEL = Button("Cancel", "cancel", {**SCOPE, "run": "r-1"}, "destructive")


def progress_views() -> dict[str, ProgressView]:
    """A run in each status, a failure with long texts, and finished runs with summaries."""
    base = ProgressView(
        "Integration of Contoso",
        "running",
        "Working: Create the dial plan",
        STEPS,
        "3 min 20 s",
        buttons=(CANCEL,),
    )
    failed_steps = (*STEPS[:2], StepLine("Verify the domain", "failed", LONG), *STEPS[3:])
    return {
        "pending": replace(base, status="pending", status_text="Starting", elapsed="0 s"),
        "running": base,
        "waiting": replace(
            base,
            status="waiting",
            status_text="Waiting: Waiting for DNS (3 min so far)",
            milestone="The domain is in the tenant; Microsoft verifies it once DNS has it.",
        ),
        "failed": replace(
            base,
            status="failed",
            status_text="Stopped",
            steps=failed_steps,
            error=LONG,
            hint="Check the provider zone, then press Retry.",
            buttons=(RETRY,),
        ),
        "failed-hint-only": replace(
            base, status="failed", status_text="Stopped", hint="Press Retry.", buttons=(RETRY,)
        ),
        "cancelled": replace(base, status="cancelled", status_text="Cancelled", buttons=()),
        "succeeded": replace(
            base,
            status="succeeded",
            status_text="The integration is complete.",
            steps=tuple(replace(s, status="done") for s in STEPS),
            milestone="Direct Routing is ready.",
            summary=("Created: domain contoso.gbr-lon-tgw.example.net; dial plan Callroute-E164.",),
            buttons=(),
        ),
        "removal-succeeded": replace(
            base,
            title="Removal from Contoso",
            status="succeeded",
            status_text="Everything is removed.",
            steps=(StepLine("Un-assign users", "done", "2 resource accounts kept: see below"),),
            summary=(
                "Removed the voice route Callroute-E164.",
                "You can check it in the Teams admin centre (Voice › Direct Routing).",
                LONG,
            ),
            buttons=(Link("Teams admin centre", "https://admin.teams.microsoft.com/"),),
        ),
        "no-steps": replace(base, steps=(), elapsed=""),
    }


def removal_views() -> dict[str, RemovalWarningView]:
    """The removal warning, first shown and after a wrong confirmation."""
    base = RemovalWarningView(
        tenant_name="Contoso",
        initial_domain="contoso.onmicrosoft.com",
        deleting=(
            "the voice route Callroute-E164",
            "the voice routing policy Callroute-E164",
            "the dial plan Callroute-E164",
            "the PSTN gateway contoso.gbr-lon-tgw.example.net",
            "the stored sign-ins of this organization",
        ),
        confirm=Button("Remove everything", "remove_confirm", SCOPE, "destructive"),
        cancel=Button("Keep it", "remove_keep", SCOPE),
    )
    return {
        "first": base,
        "wrong-text": replace(
            base, error="Type contoso.onmicrosoft.com exactly to confirm; nothing was removed."
        ),
        "other-input-id": replace(base, input_id="typed_domain", deleting=(LONG,)),
    }


HELP = Button("Help", "help", SCOPE)


def notice_views() -> dict[str, Notice]:
    """A notice of each tone, with and without text, facts and buttons."""
    return {
        "info": Notice(
            "Welcome",
            "I connect this organization to Teams Direct Routing.\nType help to see what I do.",
            buttons=(Button("Connect", "connect", SCOPE, "positive"), HELP),
        ),
        "good": Notice("Nothing was removed.", tone="good"),
        "warning": Notice("That needs an admin", LONG, buttons=(HELP,), tone="warning"),
        "attention": Notice(
            "The removal cannot start",
            "An integration is still running.",
            facts=(("Run", "r-1"), ("Started by", WHO), ("Tenant", LONG)),
            buttons=(Link("Open the Teams admin centre", "https://admin.teams.microsoft.com/"),),
            tone="attention",
        ),
    }


USER_STATUSES = ("inactive", "active", "unlicensed", "other")
FILTERS = tuple(
    Button(title, "users", {**SCOPE, "filter": key})
    for title, key in (
        ("All", "all"),
        ("Inactive", "inactive"),
        ("Active", "active"),
        ("No licence", "unlicensed"),
        ("Other", "other"),
    )
)
COUNTS = (("inactive", 1234), ("active", 56), ("unlicensed", 7890), ("other", 3))
# The longest UPN Entra ID allows is 113 characters; display names go up to 256.
LONG_UPN = (
    "adelheid.wilhelmina_von-hohenzollern-sigmaringen@contoso-holding-international.onmicrosoft.com"
)
LONG_NAME = "Adelheid Wilhelmina Prinzessin von Hohenzollern-Sigmaringen (Head of EMEA Telephony)"


def user_row(n: int, status: str, numbers: str = "") -> UserRow:
    """The ``n``-th sample user, with ``status``."""
    upn = f"user{n:02d}@contoso.onmicrosoft.com"
    opened = Button("Details", "user", {**SCOPE, "upn": upn})
    return UserRow(upn, f"User {n:02d}", status, numbers, opened)


def users_views() -> dict[str, UsersListView]:
    """A full first, middle and last page, every filter, long texts, nothing synced yet."""
    rows = tuple(
        user_row(n, USER_STATUSES[n % 4], "+442071234567" if n % 4 == 1 else "") for n in range(20)
    )
    following = Button("Next", "users", {**SCOPE, "offset": "40"})
    earlier = Button("Previous", "users", {**SCOPE, "offset": "0"})
    base = UsersListView(
        "Contoso", None, rows, 20, 9183, COUNTS, earlier, following, FILTERS, "synced 5 minutes ago"
    )
    result = {"middle-page": base, "first-page": replace(base, offset=0, previous=None)}
    result["last-page"] = replace(base, rows=rows[:3], offset=9180, next=None)
    for status in USER_STATUSES:
        only = tuple(replace(row, status=status) for row in rows[:5])
        result[f"filter-{status}"] = replace(
            base, status_filter=status, rows=only, offset=0, total=5, previous=None, next=None
        )
    result["never-synced"] = UsersListView(
        "Contoso", None, (), 0, 0, filters=FILTERS, synced_at="never synced"
    )
    result["filter-matches-nobody"] = replace(
        base, status_filter="other", rows=(), offset=0, total=0, previous=None, next=None
    )
    result["long-texts"] = replace(
        base,
        tenant_name="Contoso Holding International (Europe, Middle East & Africa) GmbH",
        rows=(
            UserRow(
                LONG_UPN,
                LONG_NAME,
                "other",
                "+442071234567,+442071234568,+442071234569,tel:+4420712345670;ext=123",
                Button("Details", "user", {**SCOPE, "upn": LONG_UPN}),
            ),
            replace(rows[0], display_name="", upn=LONG_UPN),
            replace(rows[1], status="some-future-status"),
        ),
        offset=0,
        previous=None,
    )
    return result


ACTIVATE = Button("Activate", "activate", {**SCOPE, "upn": "user01@contoso.onmicrosoft.com"})
DEACTIVATE = Button("Deactivate", "deactivate", ACTIVATE.data, "destructive")
RESYNC = Button("Sync this user", "sync_user", ACTIVATE.data)


def user_details_views() -> dict[str, UserDetailsView]:
    """A user of each status, and one with long texts."""
    base = UserDetailsView(
        "User 01",
        "user01@contoso.onmicrosoft.com",
        "inactive",
        teams_phone=True,
        note="Activate to assign a number from the provider's range.",
        buttons=(replace(ACTIVATE, style="positive"), RESYNC),
    )
    return {
        "inactive": base,
        "active": replace(
            base,
            status="active",
            numbers="+442071234567",
            routing_policy="Callroute-E164",
            dial_plan="Callroute-E164",
            enterprise_voice=True,
            note="",
            buttons=(DEACTIVATE, RESYNC),
        ),
        "unlicensed": replace(
            base,
            status="unlicensed",
            teams_phone=False,
            note="Assign a Teams Phone licence in Microsoft 365, then sync this user.",
            buttons=(RESYNC,),
        ),
        "other": replace(
            base,
            status="other",
            numbers="+15551234567, +15551234568",
            routing_policy="OtherCarrier-US",
            enterprise_voice=True,
            note="Another provider set up this user's calls: it cannot be activated here.",
            buttons=(RESYNC,),
        ),
        "long-texts": replace(
            base,
            display_name=LONG_NAME,
            upn=LONG_UPN,
            status="other",
            numbers="+442071234567,+442071234568,+442071234569",
            routing_policy="Tag:OtherCarrier_Routing_Policy_For_International_Calls",
            dial_plan="Tag:OtherCarrier_Dial_Plan",
            note=LONG,
        ),
        "no-display-name": replace(base, display_name="", buttons=()),
    }


SYNC_CHANGES = (("inactive", 12), ("active", -1), ("unlicensed", 0), ("other", 2))


def sync_views() -> dict[str, SyncProgressView]:
    """A full and a delta sync going, finished with and without changes, and failed."""
    base = SyncProgressView(
        "Contoso", "full", False, 4000, 3500, COUNTS, elapsed="1 min 5 s", buttons=()
    )
    done = replace(
        base, finished=True, directory_read=9183, voice_read=9183, changes=SYNC_CHANGES, added=3
    )
    return {
        "full-reading": base,
        "full-starting": replace(base, directory_read=0, voice_read=0, counts=(), elapsed=""),
        "delta-reading": replace(base, kind="delta", directory_read=12, voice_read=0),
        "full-finished": replace(
            done, removed=1, buttons=(Button("Show users", "users", SCOPE, "positive"),)
        ),
        "delta-finished-no-changes": replace(done, kind="delta", changes=(), added=0),
        "failed": replace(
            base,
            error=LONG,
            buttons=(Button("Sync again", "sync", SCOPE, "positive"),),
        ),
    }


CUSTOMER_STATES: tuple[CustomerState, ...] = get_args(CustomerState)
PROVIDER = {"tenant": "7f3c2a10-5b4e-4d6f-9a8b-1c2d3e4f5a6b", "conversation": "a:1ops"}
DNS_WAIT = "Waiting for DNS: the record is on 1 of 3 name servers"
STATE_TEXTS = {
    "connected": "Connected (contoso.gbr-lon-tgw.example.net)",
    "integrating": "Integration: Create the dial plan",
    "waiting": f"Integration waiting: {DNS_WAIT}",
    "failed": "Integration failed at: Verify the domain",
    "removing": "Removal starting",
    "disconnected": "Disconnected: everything was removed",
    "new": "Signed in, not connected yet",
}


def customer_row(n: int, state: str) -> CustomerRow:
    """The ``n``-th sample customer, in ``state``."""
    tenant = f"0c5f3d3e-{n:04d}-4c2e-9d5a-8a1f0e2b7c11"
    attention = {"waiting": DNS_WAIT, "failed": "Verify the domain: Domain not found (Retry)"}
    return CustomerRow(
        f"Customer {n:02d}",
        f"customer{n:02d}.onmicrosoft.com",
        state,
        STATE_TEXTS[state],
        "Integration succeeded, 2025-01-02 14:03 UTC" if n % 3 else "no run yet",
        attention.get(state, ""),
        Button("Details", "customer", {"tenant": PROVIDER["tenant"], "id": tenant}),
    )


CUSTOMER_FILTERS = (
    *(
        Button(state.capitalize(), "customers", {**PROVIDER, "state": state})
        for state in ("failed", "waiting", "integrating", "connected")
    ),
    Button("All", "customers", PROVIDER),
)
CUSTOMER_COUNTS = (("connected", 1234), ("waiting", 3), ("failed", 2), ("new", 17))


def customers_views() -> dict[str, CustomersListView]:
    """A first, middle and last page, a customer of every state, filtered, none, long texts."""
    rows = tuple(customer_row(n, CUSTOMER_STATES[n % 7]) for n in range(15))
    following = Button("Next", "customers", {**PROVIDER, "offset": "40"})
    earlier = Button("Previous", "customers", {**PROVIDER, "offset": "0"})
    base = CustomersListView(
        "Customers", rows, 20, 1256, CUSTOMER_COUNTS, earlier, following, CUSTOMER_FILTERS
    )
    return {
        "middle-page": base,
        "first-page": replace(base, offset=0, previous=None),
        "last-page": replace(base, rows=rows[:3], offset=1240, next=None),
        "filter-failed": replace(
            base,
            title="Failed customers",
            rows=tuple(customer_row(n, "failed") for n in range(2)),
            offset=0,
            total=2,
            previous=None,
            next=None,
        ),
        "none": CustomersListView("Customers", (), 0, 0),
        "filter-matches-nobody": replace(
            base,
            title="Waiting customers",
            rows=(),
            offset=0,
            total=0,
            previous=None,
            next=None,
            empty="No customer is waiting.",
        ),
        "long-texts": replace(
            base,
            rows=(
                replace(
                    rows[3],
                    name="Contoso Holding International (Europe, Middle East & Africa) GmbH",
                    domain="contoso-holding-international-emea.onmicrosoft.com",
                    attention=LONG,
                ),
                replace(rows[1], state="some-future-state"),
                replace(rows[2], name="customer02.onmicrosoft.com"),
            ),
            offset=0,
            previous=None,
        ),
    }


AUDIT = (
    AuditLine("2025-01-02 14:03 UTC", WHO, "Retried the integration"),
    AuditLine(
        "2025-01-02 13:58 UTC",
        WHO,
        "Asked for the integration (contoso.gbr-lon-tgw.example.net)",
    ),
    AuditLine("2025-01-02 13:55 UTC", WHO, "Signed in for step 3 (Teams admin centre)"),
    AuditLine("2025-01-02 13:51 UTC", "", "Sign-in refused: " + LONG),
)
OLDER = Button("Older", "customer", {**PROVIDER, "id": "t-1", "audit": "10"})
NEWER = Button("Newer", "customer", {**PROVIDER, "id": "t-1", "audit": "0"})
ALL_CUSTOMERS = Button("All customers", "customers", PROVIDER)


def customer_details_views() -> dict[str, CustomerDetailsView]:
    """A customer of every state, failed with long texts, and without any audit history."""
    facts = (
        ("Tenant id", "0c5f3d3e-1111-4c2e-9d5a-8a1f0e2b7c11"),
        ("SBC domain", "contoso.gbr-lon-tgw.example.net"),
        ("Region", "gbr-lon-tgw"),
        ("Signed in", f"step 1 (Microsoft Graph) as {WHO}; step 3 (Teams admin centre) as {WHO}"),
        ("Last run", "Integration succeeded, 2025-01-02 14:03 UTC"),
        ("Known since", "2025-01-02 13:50 UTC"),
    )
    base = CustomerDetailsView(
        "Contoso",
        "contoso.onmicrosoft.com",
        "connected",
        STATE_TEXTS["connected"],
        facts,
        audit=AUDIT,
        audit_position="1–4 of 24",
        buttons=(OLDER, NEWER, ALL_CUSTOMERS),
    )
    result: dict[str, CustomerDetailsView] = {
        state: replace(base, state=state, state_text=STATE_TEXTS[state])
        for state in CUSTOMER_STATES
    }
    result["waiting"] = replace(result["waiting"], waiting=(DNS_WAIT, "Waiting for Microsoft"))
    result["failed"] = replace(
        result["failed"], error=LONG, hint="Check the provider zone, then press Retry."
    )
    result["failed-hint-only"] = replace(result["failed"], error="")
    result["long-texts"] = replace(
        result["failed"],
        name="Contoso Holding International (Europe, Middle East & Africa) GmbH",
        facts=(*facts, ("Tenant", LONG)),
        hint=LONG,
    )
    result["no-audit"] = replace(
        result["new"], audit=(), audit_position="", buttons=(ALL_CUSTOMERS,)
    )
    return result


def all_cards() -> dict[str, Json]:
    """Every sample card, by name."""
    result: dict[str, Json] = {}
    result.update({f"notice/{k}": cards.notice(v) for k, v in notice_views().items()})
    result.update({f"wizard/{k}": cards.wizard(v) for k, v in wizard_views().items()})
    result.update({f"progress/{k}": cards.progress(v) for k, v in progress_views().items()})
    result.update({f"removal/{k}": cards.removal_warning(v) for k, v in removal_views().items()})
    result.update({f"users/{k}": cards.users_list(v) for k, v in users_views().items()})
    result.update({f"user/{k}": cards.user_details(v) for k, v in user_details_views().items()})
    result.update({f"sync/{k}": cards.sync_progress(v) for k, v in sync_views().items()})
    result.update({f"customers/{k}": cards.customers_list(v) for k, v in customers_views().items()})
    result.update(
        {f"customer/{k}": cards.customer_details(v) for k, v in customer_details_views().items()}
    )
    result["checklist/alone"] = cards.checklist(CHECKS, check_again=AGAIN, blocked="Fix it.")
    result["checklist/bare"] = cards.checklist(PASSING)
    result["checklist/empty"] = cards.checklist(())
    return result
