"""The provider's own view: a page of its customer tenants with filters and paging, and one
customer's status with its audit history."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from cards import customer_details, customers_list
from cards.customers import ATTENTION_CHARS, NO_AUDIT, PAGE_SIZE
from cards.models import (
    AuditLine,
    Button,
    CustomerDetailsView,
    CustomerRow,
    CustomersListView,
)
from tests.cards.reading import buttons, of_type, paragraphs, status_line, titles
from tests.cards.test_users import CARD_BUDGET

OPS = {"tenant": "t-provider"}
CONTOSO = CustomerRow(
    "Contoso",
    "contoso.onmicrosoft.com",
    "waiting",
    "Integration waiting: Waiting for DNS",
    "Integration waiting, 2025-01-02 14:03 UTC",
    "Waiting for DNS: the record is on 1 of 3 name servers",
    Button("Details", "customer", {**OPS, "id": "t-contoso"}),
)
FABRIKAM = CustomerRow(
    "Fabrikam",
    "fabrikam.onmicrosoft.com",
    "connected",
    "Connected (fabrikam.gbr-lon-tgw.example.net)",
    "Integration succeeded, 2025-01-01 09:00 UTC",
    "",
    Button("Details", "customer", {**OPS, "id": "t-fabrikam"}),
)
PREVIOUS = Button("Previous", "customers", {**OPS, "offset": "0"})
NEXT = Button("Next", "customers", {**OPS, "offset": "40"})
FILTERS = (Button("Failed", "customers", {**OPS, "state": "failed"}), Button("All", "customers"))
PAGE = CustomersListView(
    "Customers",
    (CONTOSO, FABRIKAM),
    20,
    57,
    (("connected", 1234), ("waiting", 3)),
    filters=FILTERS,
)
DETAILS = CustomerDetailsView(
    "Contoso",
    "contoso.onmicrosoft.com",
    "failed",
    "Integration failed at: Verify the domain",
    (("Tenant id", "t-contoso"), ("SBC domain", "contoso.gbr-lon-tgw.example.net")),
    error="Domain verification failed: the TXT record is not visible.",
    hint="Check the provider zone, then retry.",
    audit=(
        AuditLine("2025-01-02 14:03 UTC", "ops@contoso.com", "Retried the integration"),
        AuditLine("2025-01-02 13:58 UTC", "", "Deleted the stored sign-ins (2)"),
    ),
    audit_position="1–2 of 12",
    buttons=(Button("Older", "customer", {"id": "t-contoso", "audit": "10"}),),
)


def page_of(**changes: Any) -> dict[str, Any]:
    """The customers card of the sample page with ``changes``."""
    return customers_list(replace(PAGE, **changes))


def details_of(**changes: Any) -> dict[str, Any]:
    """The customer card of the sample customer with ``changes``."""
    return customer_details(replace(DETAILS, **changes))


def test_the_list_starts_with_its_title_and_which_customers_of_how_many() -> None:
    assert paragraphs(page_of())[:2] == ["Customers", "21–22 of 57"]


def test_the_counts_of_each_state_share_one_line() -> None:
    assert "1,234 connected · 3 waiting" in paragraphs(page_of())


def test_the_filter_buttons_come_before_the_customers() -> None:
    assert titles(page_of())[:3] == ["Failed", "All", "Details"]


def test_each_customer_shows_name_domain_state_last_run_and_what_waits() -> None:
    assert status_line(page_of(), "Contoso").lines == [
        "Contoso",
        "contoso.onmicrosoft.com",
        "Integration waiting: Waiting for DNS",
        "Last run: Integration waiting, 2025-01-02 14:03 UTC",
        "Waiting for DNS: the record is on 1 of 3 name servers",
    ]


def test_a_customer_needing_no_attention_has_no_line_for_it() -> None:
    assert status_line(page_of(), "Fabrikam").lines[-1] == (
        "Last run: Integration succeeded, 2025-01-01 09:00 UTC"
    )


def test_each_customer_has_the_button_that_opens_it() -> None:
    (details,) = [b for b in buttons(page_of()) if b["data"].get("id") == "t-contoso"]
    assert (details["title"], details["verb"]) == ("Details", "customer")


@pytest.mark.parametrize(
    ("state", "glyph", "colour"),
    [
        ("connected", "✓", "good"),
        ("integrating", "►", "accent"),
        ("waiting", "…", "accent"),
        ("failed", "✗", "attention"),
        ("removing", "■", "warning"),
        ("disconnected", "—", "default"),
        ("new", "○", "default"),
    ],
)
def test_each_state_shows_its_glyph_and_colour(state: str, glyph: str, colour: str) -> None:
    line = status_line(page_of(rows=(replace(FABRIKAM, state=state),)), "Fabrikam")
    assert (line.glyph, line.color) == (glyph, colour)


def test_an_unknown_state_gets_a_plain_bullet() -> None:
    line = status_line(page_of(rows=(replace(FABRIKAM, state="frozen"),)), "Fabrikam")
    assert line.glyph == "•"


def test_a_customer_named_by_its_domain_shows_the_domain_once() -> None:
    row = replace(FABRIKAM, name="fabrikam.onmicrosoft.com")
    line = status_line(page_of(rows=(row,)), "fabrikam.onmicrosoft.com")
    assert line.lines.count("fabrikam.onmicrosoft.com") == 1


def test_paging_buttons_go_to_the_action_bar() -> None:
    card = page_of(previous=PREVIOUS, next=NEXT)
    assert [action["title"] for action in card["actions"]] == ["Previous", "Next"]


def test_an_empty_page_says_its_empty_text_and_no_position() -> None:
    card = page_of(rows=(), total=0, offset=0, empty="No customer is waiting.")
    assert paragraphs(card)[-1] == "No customer is waiting."
    assert "of 0" not in " ".join(paragraphs(card))


def test_more_than_a_page_of_customers_is_refused() -> None:
    with pytest.raises(ValueError, match=f"at most {PAGE_SIZE}"):
        page_of(rows=(FABRIKAM,) * (PAGE_SIZE + 1))


def test_a_long_failure_is_cut_short_on_its_row() -> None:
    """At a word, with an ellipsis; the customer's own card shows all of it."""
    text = "Domain not found. " * 20
    shown = status_line(page_of(rows=(replace(FABRIKAM, attention=text),)), "Fabrikam").lines[-1]
    assert len(shown) <= ATTENTION_CHARS
    assert shown.endswith("…")
    assert text.startswith(shown.removesuffix("…") + " ")


def test_a_full_page_fits_in_a_teams_message() -> None:
    """Long names, domains, runs and failures on every row; the longest buttons' data."""
    scope = {"tenant": "0" * 36, "conversation": f"{'0' * 36}|a:1{'x' * 150}"}
    row = CustomerRow(
        "Contoso Holding International (Europe, Middle East & Africa) GmbH",
        "contoso-holding-international-emea.onmicrosoft.com",
        "failed",
        "Integration failed at: Licence assigned to the gateway user",
        "Activation of firstname.middlename.lastname@contoso-holding.com failed, "
        "2025-01-02 14:03 UTC",
        "x" * 200,
        Button("Details", "customer", {"tenant": "0" * 36, "id": "0" * 36}),
    )
    card = page_of(
        rows=(row,) * PAGE_SIZE,
        counts=tuple((state, 12345) for state in ("connected", "waiting", "failed", "new")),
        previous=Button("Previous", "customers", {**scope, "state": "failed", "offset": "0"}),
        next=Button("Next", "customers", {**scope, "state": "failed", "offset": "40"}),
        filters=tuple(Button(s, "customers", {**scope, "state": s}) for s in "abcdefg"),
    )
    assert len(json.dumps(card).encode("utf-16-le")) < CARD_BUDGET


def test_details_show_the_name_the_domain_then_the_state() -> None:
    assert paragraphs(details_of())[:2] == ["Contoso", "contoso.onmicrosoft.com"]
    line = status_line(details_of(), "Integration failed at: Verify the domain")
    assert (line.glyph, line.color) == ("✗", "attention")


def test_details_show_each_fact_labelled() -> None:
    assert "SBC domain: contoso.gbr-lon-tgw.example.net" in paragraphs(details_of())


def test_details_of_a_failure_show_what_happened_and_what_to_do_on_attention() -> None:
    (failure,) = [c for c in of_type(details_of(), "Container") if c.get("style") == "attention"]
    assert paragraphs(failure) == [
        "What happened",
        "Domain verification failed: the TXT record is not visible.",
        "What to do",
        "Check the provider zone, then retry.",
    ]


def test_details_of_a_waiting_customer_say_what_it_waits_for() -> None:
    card = details_of(state="waiting", error="", hint="", waiting=("Waiting for DNS",))
    assert status_line(card, "Waiting for DNS").glyph == "…"
    assert not [c for c in of_type(card, "Container") if c.get("style") == "attention"]


def test_the_audit_history_lists_when_who_and_what_newest_first() -> None:
    text = paragraphs(details_of())
    start = text.index("Audit history · 1–2 of 12")
    assert text[start + 1 :] == [
        "2025-01-02 14:03 UTC · ops@contoso.com",
        "Retried the integration",
        "2025-01-02 13:58 UTC",
        "Deleted the stored sign-ins (2)",
    ]


def test_an_empty_audit_history_says_nothing_was_recorded() -> None:
    assert paragraphs(details_of(audit=(), audit_position=""))[-2:] == ["Audit history", NO_AUDIT]


def test_details_put_the_callers_buttons_in_the_action_bar() -> None:
    assert [action["title"] for action in details_of()["actions"]] == ["Older"]
