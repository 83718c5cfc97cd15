"""The provider's own commands: ``customers`` (every customer tenant, where it stands, its last
run, what waits or failed; filters and pages) and ``customer <name>`` (one customer's status
and audit history).

Who may run them is the dialogue's decision (an admin of the provider's own tenant, nobody
anywhere else); this module only answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

import cards
from bot.commands import parse
from bot.turns import Answer, Turn, card_answer
from cards.customers import PAGE_SIZE
from cards.models import (
    AuditLine,
    Button,
    CustomerDetailsView,
    CustomerRow,
    CustomersListView,
    Notice,
)
from i18n.text import N_, say, t
from provisioning.integrations import (
    CUSTOMER_STATES,
    CustomerDetails,
    CustomerPage,
    CustomerView,
    Integrations,
    utc,
)

# How many audit events a customer's card shows at a time.
AUDIT_PAGE: Final = 10
# Other words an operator may type for a state.
_STATE_WORDS: Final = {
    **{state: state for state in CUSTOMER_STATES},
    "failing": "failed",
    "integrated": "connected",
    "removed": "disconnected",
}
_PAGE = re.compile(r"\bpage\s+(\d{1,6})\b")
_NO_CUSTOMERS = N_("No customer tenants yet: a customer's admin signs in through the bot first.")
# Per state (marked only, said in the turn's language): a filter button's title, a filtered
# list's title, and what an empty filtered list says. Whole texts: an adjective's ending
# depends on the noun in other languages. The words typed after ``customers`` stay English.
_STATE_TITLES: Final = {
    "connected": N_("Connected"),
    "integrating": N_("Integrating"),
    "waiting": N_("Waiting"),
    "failed": N_("Failed"),
    "removing": N_("Removing"),
    "disconnected": N_("Disconnected"),
    "new": N_("New"),
}
_LIST_TITLES: Final = {
    "connected": N_("Connected customers"),
    "integrating": N_("Integrating customers"),
    "waiting": N_("Waiting customers"),
    "failed": N_("Failed customers"),
    "removing": N_("Removing customers"),
    "disconnected": N_("Disconnected customers"),
    "new": N_("New customers"),
}
_EMPTY_LISTS: Final = {
    "connected": N_("No connected customers."),
    "integrating": N_("No integrating customers."),
    "waiting": N_("No waiting customers."),
    "failed": N_("No failed customers."),
    "removing": N_("No removing customers."),
    "disconnected": N_("No disconnected customers."),
    "new": N_("No new customers."),
}


class OperatorCommands:
    """Answers the provider's own commands."""

    def __init__(self, integrations: Integrations, scope: Callable[[Turn], dict[str, str]]):
        self.integrations = integrations
        self._scope = scope

    # ------------------------------------------------------------------------ the list

    async def customers(self, turn: Turn) -> Answer:
        """``customers [failed|waiting|connected|…] [page N]``, or a filter or paging button."""
        state: str | None
        if turn.kind == "action":
            state = _STATE_WORDS.get(str(turn.data.get("state", "")))
            offset = _int(turn.data.get("offset"))
        else:
            words = turn.text.lower()
            state = next(
                (s for w, s in _STATE_WORDS.items() if re.search(rf"\b{w}\b", words)), None
            )
            page = _PAGE.search(words)
            offset = (int(page.group(1)) - 1) * PAGE_SIZE if page else 0
        listing = await self.integrations.customers(state, offset, PAGE_SIZE)
        return card_answer(turn, cards.customers_list(self._list(turn, listing)))

    def _list(self, turn: Turn, page: CustomerPage) -> CustomersListView:
        scope = self._scope(turn)
        extra = {"state": page.state} if page.state else {}
        previous = (
            Button(
                t("Previous"),
                "customers",
                {**scope, **extra, "offset": str(max(0, page.offset - PAGE_SIZE))},
            )
            if page.offset > 0
            else None
        )
        following = (
            Button(
                t("Next"), "customers", {**scope, **extra, "offset": str(page.offset + PAGE_SIZE)}
            )
            if page.has_next
            else None
        )
        filters = tuple(
            Button(_state_title(state), "customers", {**scope, "state": state})
            for state in CUSTOMER_STATES
            if state in page.counts and state != page.state
        ) + ((Button(t("All"), "customers", scope),) if page.state else ())
        title, empty = t("Customers"), say(_NO_CUSTOMERS)
        if page.state:  # one of CUSTOMER_STATES: the facade filters by nothing else
            title, empty = say(_LIST_TITLES[page.state]), say(_EMPTY_LISTS[page.state])
        return CustomersListView(
            title=title,
            rows=tuple(self._row(turn, c) for c in page.customers),
            offset=page.offset,
            total=page.total,
            counts=tuple((s, page.counts[s]) for s in CUSTOMER_STATES if s in page.counts),
            previous=previous,
            next=following,
            filters=filters,
            empty=empty,
        )

    def _row(self, turn: Turn, customer: CustomerView) -> CustomerRow:
        # Only the tenant: the conversation id would repeat on every row (Teams' size limit).
        opens = {"tenant": turn.tenant_id, "id": customer.tenant_id}
        return CustomerRow(
            name=customer.name,
            domain=customer.initial_domain,
            state=customer.state,
            state_text=customer.state_text,
            last_run=_last_run(customer),
            attention=_attention(customer),
            open=Button(t("Details"), "customer", opens),
        )

    # --------------------------------------------------------------------- one customer

    async def customer(self, turn: Turn) -> Answer:
        """``customer <name, domain or tenant id>``, or a customer's button (audit pages too)."""
        if turn.kind == "action" and turn.data.get("id"):
            return await self._details(turn, str(turn.data["id"]), _int(turn.data.get("audit")))
        query = parse(turn.text, operator=True).rest
        if not query:
            return _say(
                turn,
                Notice(t("Which customer? Type “customer” and a name, a domain or a tenant id.")),
            )
        found = await self.integrations.find_customers(query)
        if not found:
            return _say(
                turn,
                Notice(
                    t("No customer matches “{query}”.", query=query[:80]),
                    t("Type “customers” to see them all."),
                    buttons=(Button(t("All customers"), "customers", self._scope(turn)),),
                ),
            )
        if len(found) == 1:
            return await self._details(turn, found[0].tenant_id, 0)
        view = CustomersListView(
            title=t("Customers matching “{query}”", query=query[:60]),
            rows=tuple(self._row(turn, c) for c in found[:PAGE_SIZE]),
            offset=0,
            total=len(found),
        )
        return card_answer(turn, cards.customers_list(view))

    async def _details(self, turn: Turn, tenant_id: str, audit_offset: int) -> Answer:
        details = await self.integrations.customer(tenant_id, audit_offset, AUDIT_PAGE)
        if details is None:
            return _say(turn, Notice(t("The bot no longer knows that customer.")))
        return card_answer(turn, cards.customer_details(self._view(turn, details)))

    def _view(self, turn: Turn, details: CustomerDetails) -> CustomerDetailsView:
        c = details.customer
        run = c.last_run
        error, hint = c.error, c.hint
        if not error and run is not None and run.status == "failed":
            error, hint = run.error or "", run.hint or ""
        scope = self._scope(turn)
        this = {"tenant": turn.tenant_id, "id": c.tenant_id}
        buttons = []
        if details.audit_has_next:
            older = details.audit_offset + AUDIT_PAGE
            buttons.append(Button(t("Older"), "customer", {**this, "audit": str(older)}))
        if details.audit_offset > 0:
            newer = max(0, details.audit_offset - AUDIT_PAGE)
            buttons.append(Button(t("Newer"), "customer", {**this, "audit": str(newer)}))
        buttons.append(Button(t("All customers"), "customers", scope))
        first = details.audit_offset + 1
        last = details.audit_offset + len(details.audit)
        return CustomerDetailsView(
            name=c.name,
            domain=c.initial_domain,
            state=c.state,
            state_text=c.state_text,
            facts=(
                (t("Tenant id"), c.tenant_id),
                (t("SBC domain"), c.sbc_domain or t("none")),
                (t("Region"), c.region or t("none")),
                (t("Signed in"), details.sign_ins),
                (t("Last run"), _last_run(c)),
                (t("Known since"), utc(c.known_since)),
            ),
            # provisioning.customers words all of these in the turn's language already.
            waiting=c.waiting,
            error=error,
            hint=hint,
            audit=tuple(AuditLine(utc(e.at), e.actor, e.text) for e in details.audit),
            audit_position=(
                t("{first}–{last} of {total}", first=first, last=last, total=details.audit_total)
                if details.audit
                else ""
            ),
            buttons=tuple(buttons),
        )


def _last_run(customer: CustomerView) -> str:
    run = customer.last_run
    if run is None:
        return t("none yet")
    return t("{run}, {at}", run=run.words, at=utc(run.at))


def _attention(customer: CustomerView) -> str:
    """What a row adds to its state's words: further waits, or the failure and what to do."""
    if customer.waiting:
        return "; ".join(customer.waiting[1:])  # the first is in the state's words
    if customer.state == "failed":
        if not customer.hint:
            return customer.error.strip()
        return t("{error} ({hint})", error=customer.error, hint=customer.hint).strip()
    return customer.attention


def _state_title(state: str) -> str:
    """A filter button's title for ``state``."""
    return say(_STATE_TITLES[state]) if state in _STATE_TITLES else state.capitalize()


def _int(value: Any) -> int:
    try:
        return max(0, int(str(value)))
    except ValueError:
        return 0


def _say(turn: Turn, notice: Notice) -> Answer:
    return card_answer(turn, cards.notice(notice))
