"""User sync (SPEC step 4): a page of a tenant's users, one user's details, and a sync while it
reads and once it has ended."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from cards.elements import (
    Color,
    Json,
    action_set,
    buttons,
    card,
    container,
    labelled,
    line,
    paragraphs,
    run,
    status_line,
)
from cards.elements import title as card_title
from cards.models import Button, SyncProgressView, UserDetailsView, UserRow, UsersListView
from cards.symbols import BULLET, CURRENT, DONE, FAILED, USER

# The most users a page shows. Teams refuses a bot message over 100 KB (counted in UTF-16, as
# sent: JSON with non-ASCII escaped) and Microsoft advises staying under 80 KB; a row takes
# about 3 KB of it, a third of that its button's data (twice: Execute and fallback).
PAGE_SIZE: Final = 20
# A status as an admin reads it, on a row and on the details.
STATUS_WORDS: Final[dict[str, str]] = {
    "inactive": "Inactive (licensed, no number)",
    "active": "Active",
    "unlicensed": "No Teams Phone licence",
    "other": "Another provider (not touched)",
}
# The same, after a number: "12 inactive · 3 active · 40 without licence".
COUNT_WORDS: Final[dict[str, str]] = {
    "inactive": "inactive",
    "active": "active",
    "unlicensed": "without licence",
    "other": "with another provider",
}
EMPTY: Final = "No users match. Type sync to read them from Microsoft 365."
SEPARATOR: Final = " · "
MINUS: Final = "\u2212"
# The width inside a card on a narrow phone (320 px, less 16 px of padding each side), and a
# button's width by its title (about 7 px a character at 14 px, 12 px of padding each side),
# 8 px apart.
PHONE_WIDTH: Final = 288
_BUTTON_CHARACTER: Final = 7
_BUTTON_PADDING: Final = 24
_BUTTON_SPACING: Final = 8
_KIND: Final = {"full": "Full sync of {}", "delta": "Sync of {} (changes only)"}


def status_words(status: str) -> str:
    """``status`` in an admin's words (an unknown one as it is)."""
    return STATUS_WORDS.get(status, status)


def users_list(view: UsersListView) -> Json:
    """A page of ``view.rows``: who they are, their status and numbers, a button to open each."""
    if len(view.rows) > PAGE_SIZE:
        raise ValueError(f"{len(view.rows)} rows; a page shows at most {PAGE_SIZE}")
    shown = status_words(view.status_filter) if view.status_filter else "All users"
    body = [card_title(f"Users of {view.tenant_name}"), labelled("Showing", shown, spacing="none")]
    where = [_position(view)] if view.rows else []
    where += [_capitalized(view.synced_at)] if view.synced_at else []
    if where:
        body.append(line(run(SEPARATOR.join(where), subtle=True, size="small"), spacing="none"))
    if view.counts:
        body.append(line(run(count_text(view.counts), size="small"), spacing="small"))
    body += [action_set(group, spacing="small") for group in button_rows(view.filters)]
    if view.rows:
        body += [user_row(row) for row in view.rows]
    else:
        body += paragraphs(EMPTY, spacing="medium")
    pages = [button for button in (view.previous, view.next) if button is not None]
    return card(body, buttons(pages), wide=True)


def user_row(row: UserRow) -> Json:
    """One user: the status glyph; name, UPN, status and numbers beside it; then its button."""
    glyph, color = USER.get(row.status, (BULLET, "default"))
    content = [line(run(row.display_name or row.upn, bold=True))]
    if row.display_name:
        content.append(line(run(row.upn, subtle=True, size="small"), spacing="none"))
    about = SEPARATOR.join(
        part for part in (status_words(row.status), _numbers(row.numbers)) if part
    )
    content += [
        line(run(about, size="small"), spacing="none"),
        action_set([row.open], spacing="small"),
    ]
    return status_line(glyph, color, content, spacing="medium", separator=True)


def user_details(view: UserDetailsView) -> Json:
    """One user: status, numbers, voice settings, a note (why not activated…), the buttons."""
    glyph, color = USER.get(view.status, (BULLET, "default"))
    body = [card_title(view.display_name or view.upn)]
    if view.display_name:
        body.append(line(run(view.upn, subtle=True), spacing="none"))
    status = [line(run(status_words(view.status), color=color, bold=True))]
    body += [
        status_line(glyph, color, status, spacing="medium"),
        labelled("Phone numbers", _numbers(view.numbers) or "none", spacing="medium"),
        labelled("Voice routing policy", view.routing_policy or "none"),
        labelled("Dial plan", view.dial_plan or "none"),
        labelled("Enterprise Voice", "on" if view.enterprise_voice else "off"),
        labelled("Teams Phone licence", "assigned" if view.teams_phone else "none"),
    ]
    if view.note:
        body.append(container(paragraphs(view.note), style="emphasis", spacing="medium"))
    return card(body, buttons(view.buttons), wide=True)


def sync_progress(view: SyncProgressView) -> Json:
    """A sync: its status, what it has read, the users by status, and once it has finished the
    changes since the last sync (or, when it failed, the error)."""
    glyph, color, state = _state(view)
    heading = _KIND.get(view.kind, "Sync of {}").format(view.tenant_name)
    body = [card_title(heading), status_line(glyph, color, paragraphs(state, color=color))]
    if view.elapsed:
        body.append(labelled("Elapsed", view.elapsed, spacing="none"))
    read = [
        labelled("Read from the directory", _users(view.directory_read), spacing=None),
        labelled("Teams voice settings read", _users(view.voice_read)),
    ]
    if view.counts:
        read.append(labelled("By status", count_text(view.counts)))
    body.append(container(read, spacing="medium"))
    if view.error:
        body.append(_failure(view.error))
    elif view.finished:
        body.append(_changes(view))
    return card(body, buttons(view.buttons), wide=True)


def button_rows(items: Iterable[Button], width: int = PHONE_WIDTH) -> list[list[Button]]:
    """``items`` in rows that fit ``width`` pixels: a row of buttons does not wrap, it runs off
    a phone's card (Teams' host config sets ``actionsOrientation`` to horizontal)."""
    rows: list[list[Button]] = []
    used = width
    for item in items:
        need = len(item.title) * _BUTTON_CHARACTER + _BUTTON_PADDING
        if rows and used + _BUTTON_SPACING + need <= width:
            rows[-1].append(item)
            used += _BUTTON_SPACING + need
        else:
            rows.append([item])
            used = need
    return rows


def count_text(counts: Iterable[tuple[str, int]]) -> str:
    """``12 inactive · 3 active · 40 without licence``, in the order given."""
    return SEPARATOR.join(f"{n:,} {COUNT_WORDS.get(status, status)}" for status, n in counts)


def signed(n: int) -> str:
    """``+3``, ``−2`` (a true minus sign), ``0``."""
    if n > 0:
        return f"+{n:,}"
    return f"{MINUS}{-n:,}" if n < 0 else "0"


def _state(view: SyncProgressView) -> tuple[str, Color, str]:
    if view.error:
        return FAILED, "attention", "The sync stopped."
    if view.finished:
        return DONE, "good", "The sync is complete."
    return CURRENT, "accent", "Reading users from Microsoft 365"


def _changes(view: SyncProgressView) -> Json:
    lines = [f"{status_words(status)}: {signed(n)}" for status, n in view.changes if n]
    if view.added:
        lines.append(f"{_users(view.added, 'new user')} in Microsoft 365")
    if view.removed:
        lines.append(f"{_users(view.removed)} no longer in Microsoft 365")
    items = [line(run("Since the last sync", bold=True))]
    if lines:
        items += [status_line(BULLET, "default", paragraphs(text)) for text in lines]
    else:
        items.append(line(run("Nothing changed."), spacing="small"))
    return container(items, spacing="medium", separator=True)


def _failure(error: str) -> Json:
    # As on a run's card: Microsoft's words verbatim, default-coloured on the attention background.
    items = [line(run("What happened", bold=True)), *paragraphs(error, spacing="none")]
    return container(items, style="attention", spacing="medium")


def _position(view: UsersListView) -> str:
    first, last = view.offset + 1, view.offset + len(view.rows)
    return f"{first:,}–{last:,} of {max(view.total, last):,}"


def _numbers(numbers: str) -> str:
    """``+441,+442`` as ``+441, +442``, so a list of numbers wraps between them."""
    return ", ".join(part.strip() for part in numbers.split(",") if part.strip())


def _users(n: int, noun: str = "user") -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
