"""The provider's own view: a page of its customer tenants (state, last run, what waits or
failed), and one customer's status with its audit history."""

from __future__ import annotations

from typing import Final

from cards.elements import (
    Json,
    action_set,
    buttons,
    card,
    container,
    failure,
    labelled,
    line,
    paragraphs,
    run,
    status_line,
)
from cards.elements import title as card_title
from cards.models import CustomerDetailsView, CustomerRow, CustomersListView
from cards.symbols import BULLET, CUSTOMER, WAITING
from cards.users import SEPARATOR, button_rows, position
from i18n.text import N_, number, say, t

# The most customers a page shows. Teams refuses a bot message over 100 KB (counted in UTF-16,
# as sent) and Microsoft advises staying under 80 KB; a customer's row takes up to 4 KB of it
# (five lines and its button), a users row 3 KB: 15 rows, not the users' 20.
PAGE_SIZE: Final = 15
# What needs attention is cut to this many characters on a row (Microsoft's texts run long);
# the customer's own card shows all of it.
ATTENTION_CHARS: Final = 120
NO_AUDIT: Final = N_("Nothing recorded yet.")


def customers_list(view: CustomersListView) -> Json:
    """A page of customers: each one's state, last run and what needs attention, a button to
    open it; the filters above, the paging buttons in the action bar."""
    if len(view.rows) > PAGE_SIZE:
        raise ValueError(f"{len(view.rows)} rows; a page shows at most {PAGE_SIZE}")
    body = [card_title(view.title)]
    if view.rows:
        where = position(view.offset, len(view.rows), view.total)
        body.append(line(run(where, subtle=True, size="small"), spacing="none"))
    if view.counts:
        counts = SEPARATOR.join(f"{number(n)} {label}" for label, n in view.counts)
        body.append(line(run(counts, size="small"), spacing="small"))
    body += [action_set(group, spacing="small") for group in button_rows(view.filters)]
    if view.rows:
        body += [customer_row(row) for row in view.rows]
    else:
        body += paragraphs(say(view.empty), spacing="medium")
    pages = [button for button in (view.previous, view.next) if button is not None]
    return card(body, buttons(pages), wide=True)


def customer_row(row: CustomerRow) -> Json:
    """One customer: the state's glyph; name, domain, state, last run and what needs attention
    beside it; then its button."""
    glyph, color = CUSTOMER.get(row.state, (BULLET, "default"))
    content = [line(run(row.name, bold=True))]
    if row.domain and row.domain != row.name:
        content.append(line(run(row.domain, subtle=True, size="small"), spacing="none"))
    content += [
        line(run(row.state_text, color=color, size="small"), spacing="none"),
        line(
            run(t("Last run: {last_run}", last_run=row.last_run), subtle=True, size="small"),
            spacing="none",
        ),
    ]
    if row.attention:
        content.append(line(run(shortened(row.attention), size="small"), spacing="none"))
    content.append(action_set([row.open], spacing="small"))
    return status_line(glyph, color, content, spacing="medium", separator=True)


def shortened(text: str, limit: int = ATTENTION_CHARS) -> str:
    """``text``, cut at a word to at most ``limit`` characters with an ellipsis if longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


def customer_details(view: CustomerDetailsView) -> Json:
    """One customer: its state, the facts about it, what it waits for or why it failed, and a
    page of its audit history, newest first."""
    glyph, color = CUSTOMER.get(view.state, (BULLET, "default"))
    body = [card_title(view.name)]
    if view.domain and view.domain != view.name:
        body.append(line(run(view.domain, subtle=True), spacing="none"))
    state = [line(run(view.state_text, color=color, bold=True))]
    body.append(status_line(glyph, color, state, spacing="medium"))
    body += [
        labelled(label, value, spacing="medium" if index == 0 else "small")
        for index, (label, value) in enumerate(view.facts)
    ]
    if view.waiting:
        waits = [status_line(WAITING, "accent", paragraphs(reason)) for reason in view.waiting]
        body.append(container([line(run(t("Waiting for"), bold=True)), *waits], spacing="medium"))
    if view.error or view.hint:
        body.append(failure(view.error, view.hint))
    body.append(_audit(view))
    return card(body, buttons(view.buttons), wide=True)


def _audit(view: CustomerDetailsView) -> Json:
    heading = [run(t("Audit history"), bold=True)]
    if view.audit_position:
        heading.append(run(f"{SEPARATOR}{view.audit_position}", subtle=True, size="small"))
    items = [line(*heading)]
    if not view.audit:
        items += paragraphs(say(NO_AUDIT), spacing="small")
    for entry in view.audit:
        who = f"{entry.at}{SEPARATOR}{entry.actor}" if entry.actor else entry.at
        items.append(line(run(who, subtle=True, size="small"), spacing="small"))
        items += paragraphs(entry.text, spacing="none")
    return container(items, spacing="medium", separator=True)
