"""User sync (SPEC step 4): a page of users with its filter and paging, one user's details, and
a sync while it reads, once it has finished and when it failed."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, get_args

import pytest

from cards import sync_progress, user_details, users_list
from cards.models import (
    Button,
    SyncProgressView,
    UserDetailsView,
    UserRow,
    UsersListView,
    UserStatus,
)
from cards.users import PAGE_SIZE, STATUS_WORDS
from tests.cards.reading import buttons, of_type, paragraph, paragraphs, status_line, titles

SCOPE = {"tenant": "t-1"}
ADA = UserRow(
    "ada@contoso.com",
    "Ada Lovelace",
    "active",
    "+442071234567,+442071234568",
    Button("Details", "user", {"id": "u-ada"}),
)
ALAN = UserRow("alan@contoso.com", "Alan Turing", "inactive", "", Button("Details", "user"))
PREVIOUS = Button("Previous", "users", {**SCOPE, "offset": "0"})
NEXT = Button("Next", "users", {**SCOPE, "offset": "40"})
FILTERS = (Button("Inactive", "users", {"status": "inactive"}), Button("All", "users", SCOPE))
PAGE = UsersListView(
    "Contoso",
    None,
    (ADA, ALAN),
    20,
    57,
    (("inactive", 1234), ("active", 3)),
    filters=FILTERS,
    synced_at="synced 5 minutes ago",
)
DETAILS = UserDetailsView(
    "Ada Lovelace",
    "ada@contoso.com",
    "other",
    numbers="+15551234567",
    routing_policy="OtherCarrier-US",
    enterprise_voice=True,
    teams_phone=True,
    note="Voice is set up by someone else: I leave this user as it is.",
    buttons=(Button("Sync this user", "sync", {"upn": "ada@contoso.com"}),),
)
READING = SyncProgressView(
    "Contoso",
    "full",
    False,
    directory_read=4000,
    voice_read=3500,
    counts=(("inactive", 12), ("unlicensed", 7890)),
    changes=(("inactive", 12), ("active", -1), ("other", 0)),
    added=3,
    removed=1,
    elapsed="1 min 5 s",
)
FINISHED = replace(READING, finished=True)
FAILED = replace(READING, error="Graph said 503: Service Unavailable.")
# Teams refuses a bot message over 100 KB and advises staying under 80 KB, counted in UTF-16 as
# the Bot Connector sends it (JSON, non-ASCII escaped); 10 KB of that is left to the activity.
CARD_BUDGET = 70 * 1024


def page_of(**changes: Any) -> dict[str, Any]:
    """The users card of the sample page with ``changes``."""
    return users_list(replace(PAGE, **changes))


def test_the_users_card_names_the_tenant() -> None:
    """``Users of Contoso``, first."""
    assert paragraphs(page_of())[0] == "Users of Contoso"


def test_without_a_filter_it_shows_all_users() -> None:
    """``Showing: All users`` under the title."""
    assert paragraphs(page_of())[1] == "Showing: All users"


@pytest.mark.parametrize("status", get_args(UserStatus))
def test_the_filter_shown_is_the_status_in_words(status: str) -> None:
    """The filter reads as the admin reads the status."""
    assert paragraphs(page_of(status_filter=status))[1] == f"Showing: {STATUS_WORDS[status]}"


def test_the_position_and_the_sync_time_share_a_line() -> None:
    """Which users of how many, and when they were read, dimmed."""
    assert paragraphs(page_of())[2] == "21–22 of 57 · Synced 5 minutes ago"


def test_the_counts_show_on_one_compact_line() -> None:
    """Each status with how many, with thousands separated."""
    assert "1,234 inactive · 3 active" in paragraphs(page_of())


def test_the_filter_buttons_come_before_the_users() -> None:
    """The caller's filter buttons, in order, then the users' buttons."""
    assert titles(page_of())[:3] == ["Inactive", "All", "Details"]


def test_filter_buttons_wrap_into_rows_that_fit_a_phone() -> None:
    """A row of buttons runs off a narrow card instead of wrapping: five filters take two."""
    words = ("All", "Inactive", "Active", "No licence", "Other")
    card = page_of(filters=tuple(Button(title, "users") for title in words))
    rows = [[a["title"] for a in s["actions"]] for s in of_type(card, "ActionSet")][:2]
    assert rows == [["All", "Inactive", "Active"], ["No licence", "Other"]]


@pytest.mark.parametrize(
    ("previous", "following", "shown"),
    [
        (PREVIOUS, NEXT, ["Previous", "Next"]),
        (None, NEXT, ["Next"]),
        (PREVIOUS, None, ["Previous"]),
    ],
)
def test_next_and_previous_are_present_only_when_given(
    previous: Button | None, following: Button | None, shown: list[str]
) -> None:
    """The paging buttons go to the action bar, under the list."""
    card = page_of(previous=previous, next=following)
    assert [action["title"] for action in card["actions"]] == shown


def test_a_single_page_has_no_action_bar() -> None:
    """Neither previous nor next: nothing under the list."""
    assert "actions" not in page_of()


def test_each_user_shows_name_upn_status_and_numbers() -> None:
    """Beside the status glyph: name, UPN, then the status in words and the numbers."""
    assert status_line(page_of(), "Ada Lovelace").lines == [
        "Ada Lovelace",
        "ada@contoso.com",
        "Active · +442071234567, +442071234568",
    ]


def test_each_user_has_the_button_that_opens_it() -> None:
    """The row's own button, with its data, in the row's text column."""
    card = page_of()
    (details,) = [b for b in buttons(card) if b["data"].get("id") == "u-ada"]
    assert (details["title"], details["verb"]) == ("Details", "user")
    assert titles(card).count("Details") == 2


@pytest.mark.parametrize(
    ("status", "words", "glyph", "colour"),
    [
        ("inactive", "Inactive (licensed, no number)", "○", "default"),
        ("active", "Active", "✓", "good"),
        ("unlicensed", "No Teams Phone licence", "—", "default"),
        ("other", "Another provider (not touched)", "■", "warning"),
    ],
)
def test_each_status_shows_in_words_with_its_glyph(
    status: str, words: str, glyph: str, colour: str
) -> None:
    """The words an admin reads, with the status' glyph and colour."""
    line = status_line(page_of(rows=(replace(ALAN, status=status),)), "Alan Turing")
    assert (line.lines[-1], line.glyph, line.color) == (words, glyph, colour)


def test_an_unknown_status_is_shown_as_it_is() -> None:
    """A status the cards do not know yet shows verbatim, with a plain bullet."""
    line = status_line(page_of(rows=(replace(ALAN, status="blocked"),)), "Alan Turing")
    assert (line.lines[-1], line.glyph) == ("blocked", "•")


def test_a_user_without_a_display_name_shows_the_upn_once() -> None:
    """The UPN takes the name's place."""
    line = status_line(page_of(rows=(replace(ALAN, display_name=""),)), "alan@contoso.com")
    assert line.lines == ["alan@contoso.com", "Inactive (licensed, no number)"]


def test_an_empty_list_says_how_to_sync() -> None:
    """A friendly line in place of the users, and no position."""
    card = page_of(rows=(), total=0, offset=0)
    assert paragraphs(card)[-1] == "No users match. Type sync to read them from Microsoft 365."
    assert paragraphs(card)[2] == "Synced 5 minutes ago"


def test_more_than_a_page_of_rows_is_refused() -> None:
    """A card of more rows would not fit in a Teams message."""
    with pytest.raises(ValueError, match="at most 20"):
        page_of(rows=(ALAN,) * (PAGE_SIZE + 1))


def test_a_full_page_fits_in_a_teams_message() -> None:
    """20 users with the longest UPNs Entra ID allows; the conversation on all but their buttons."""
    scope = {"tenant": "0" * 36, "conversation": f"{'0' * 36}|a:1{'x' * 150}"}
    row = UserRow(
        f"{'firstname.lastname' * 4}@contoso-holding-international.onmicrosoft.com"[-113:],
        "Firstname Middlename Lastname-Doublebarrel (Telephony, EMEA)",
        "other",
        "+442071234567, +442071234568",
        Button("Details", "user", {"tenant": "0" * 36, "id": "0" * 36}),
    )
    card = page_of(
        rows=(row,) * PAGE_SIZE,
        counts=tuple((status, 12345) for status in STATUS_WORDS),
        previous=Button("Previous", "users", {**scope, "status": "other", "offset": "0"}),
        next=Button("Next", "users", {**scope, "status": "other", "offset": "40"}),
        filters=tuple(Button(s, "users", {**scope, "status": s}) for s in STATUS_WORDS),
    )
    assert len(json.dumps(card).encode("utf-16-le")) < CARD_BUDGET


def test_details_show_the_name_then_the_upn() -> None:
    """The name as the title, the UPN under it."""
    assert paragraphs(user_details(DETAILS))[:2] == ["Ada Lovelace", "ada@contoso.com"]


def test_details_show_another_provider_not_touched_for_other() -> None:
    """Another provider's user: ■ in warning, and the words say it is left alone."""
    line = status_line(user_details(DETAILS), "Another provider (not touched)")
    assert (line.glyph, line.color) == ("■", "warning")


def test_details_show_the_voice_settings() -> None:
    """Numbers, policy, dial plan, Enterprise Voice and the licence, one line each."""
    assert paragraphs(user_details(DETAILS))[3:8] == [
        "Phone numbers: +15551234567",
        "Voice routing policy: OtherCarrier-US",
        "Dial plan: none",
        "Enterprise Voice: on",
        "Teams Phone licence: assigned",
    ]


def test_details_of_a_user_without_voice_settings_say_none() -> None:
    """Nothing set reads none, off, none."""
    card = user_details(UserDetailsView("Alan Turing", "alan@contoso.com", "unlicensed"))
    assert paragraphs(card)[3:] == [
        "Phone numbers: none",
        "Voice routing policy: none",
        "Dial plan: none",
        "Enterprise Voice: off",
        "Teams Phone licence: none",
    ]


def test_details_show_the_note_on_emphasis() -> None:
    """Why the user cannot be activated, set apart from the settings."""
    (box,) = [c for c in of_type(user_details(DETAILS), "Container") if c.get("style")]
    assert box["style"] == "emphasis"
    assert [paragraph(block) for block in box["items"]] == [DETAILS.note]


def test_details_put_the_callers_buttons_in_the_action_bar() -> None:
    """Activate, deactivate, sync: whatever the caller gives, in order."""
    card = user_details(DETAILS)
    assert [(a["title"], a["verb"]) for a in card["actions"]] == [("Sync this user", "sync")]


def test_the_sync_title_says_full_or_changes_only() -> None:
    """A full sync and a delta sync are told apart."""
    full = paragraphs(sync_progress(READING))[0]
    delta = paragraphs(sync_progress(replace(READING, kind="delta")))[0]
    assert (full, delta) == ("Full sync of Contoso", "Sync of Contoso (changes only)")


@pytest.mark.parametrize(
    ("view", "words", "glyph", "colour"),
    [
        (READING, "Reading users from Microsoft 365", "►", "accent"),
        (FINISHED, "The sync is complete.", "✓", "good"),
        (FAILED, "The sync stopped.", "✗", "attention"),
    ],
)
def test_the_sync_status_line_says_how_it_goes(
    view: SyncProgressView, words: str, glyph: str, colour: str
) -> None:
    """Reading, complete or stopped, with the glyph and colour of a run."""
    line = status_line(sync_progress(view), words)
    assert (line.glyph, line.color) == (glyph, colour)


def test_progress_shows_what_was_read_and_for_how_long() -> None:
    """Users read from the directory and voice settings read, with thousands separated."""
    assert paragraphs(sync_progress(READING))[2:5] == [
        "Elapsed: 1 min 5 s",
        "Read from the directory: 4,000 users",
        "Teams voice settings read: 3,500 users",
    ]


def test_progress_shows_the_counts() -> None:
    """The users by status so far, on one line."""
    assert "By status: 12 inactive · 7,890 without licence" in paragraphs(sync_progress(READING))


def test_a_running_sync_shows_no_changes() -> None:
    """The changes since the last sync wait until it has finished."""
    assert "Since the last sync" not in paragraphs(sync_progress(READING))


def test_a_finished_sync_shows_the_changes_since_the_last_sync() -> None:
    """Each status that changed, signed, then users new and gone, as bullets after a separator."""
    card = sync_progress(FINISHED)
    assert paragraphs(card)[-5:] == [
        "Since the last sync",
        "Inactive (licensed, no number): +12",
        "Active: −1",
        "3 new users in Microsoft 365",
        "1 user no longer in Microsoft 365",
    ]
    assert status_line(card, "Active: −1").glyph == "•"
    assert card["body"][-1]["separator"] is True


def test_a_finished_sync_without_changes_says_so() -> None:
    """Zero changes are left out; with none at all, one line says nothing changed."""
    card = sync_progress(replace(FINISHED, changes=(("other", 0),), added=0, removed=0))
    assert paragraphs(card)[-2:] == ["Since the last sync", "Nothing changed."]


def test_an_error_is_shown() -> None:
    """The system's words verbatim on the attention background."""
    (box,) = [c for c in of_type(sync_progress(FAILED), "Container") if c.get("style")]
    assert box["style"] == "attention"
    assert [paragraph(block) for block in box["items"]] == [
        "What happened",
        "Graph said 503: Service Unavailable.",
    ]


def test_a_failed_sync_shows_no_changes() -> None:
    """What it had counted is kept; the changes would be half of them."""
    card = sync_progress(replace(FAILED, finished=True))
    assert "Since the last sync" not in paragraphs(card)
    assert "By status: 12 inactive · 7,890 without licence" in paragraphs(card)


def test_the_sync_card_shows_the_callers_buttons() -> None:
    """Show users, sync again: in the action bar."""
    card = sync_progress(replace(FAILED, buttons=(Button("Sync again", "sync", SCOPE),)))
    assert titles(card) == ["Sync again"]
