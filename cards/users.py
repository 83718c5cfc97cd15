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
from i18n.text import N_, number, say, t, tn

# The most users a page shows. Teams refuses a bot message over 100 KB (counted in UTF-16, as
# sent: JSON with non-ASCII escaped) and Microsoft advises staying under 80 KB; a row takes
# about 3 KB of it, a third of that its button's data (twice: Execute and fallback).
PAGE_SIZE: Final = 20
# A status as an admin reads it, on a row and on the details (in English: said with ``say``).
STATUS_WORDS: Final[dict[str, str]] = {
    "inactive": N_("Inactive (licensed, no number)"),
    "active": N_("Active"),
    "unlicensed": N_("No Teams Phone licence"),
    "other": N_("Another provider (not touched)"),
}
# The same, after a number: "12 inactive · 3 active · 40 without licence".
COUNT_WORDS: Final[dict[str, str]] = {
    "inactive": N_("inactive"),
    "active": N_("active"),
    "unlicensed": N_("without licence"),
    "other": N_("with another provider"),
}
EMPTY: Final = N_("No users match. Type sync to read them from Microsoft 365.")
SEPARATOR: Final = " · "
MINUS: Final = "\u2212"
# The width inside a card on a narrow phone (320 px, less 16 px of padding each side), and a
# button's width by its title (about 7 px a character at 14 px, 12 px of padding each side),
# 8 px apart.
PHONE_WIDTH: Final = 288
_BUTTON_CHARACTER: Final = 7
_BUTTON_PADDING: Final = 24
_BUTTON_SPACING: Final = 8


def status_words(status: str) -> str:
    """``status`` in an admin's words (an unknown one as it is)."""
    return say(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def users_list(view: UsersListView) -> Json:
    """A page of ``view.rows``: who they are, their status and numbers, a button to open each."""
    if len(view.rows) > PAGE_SIZE:
        raise ValueError(f"{len(view.rows)} rows; a page shows at most {PAGE_SIZE}")
    shown = status_words(view.status_filter) if view.status_filter else t("All users")
    body = [
        card_title(t("Users of {tenant}", tenant=view.tenant_name)),
        labelled(t("Showing"), shown, spacing="none"),
    ]
    where = [position(view.offset, len(view.rows), view.total)] if view.rows else []
    where += [_capitalized(view.synced_at)] if view.synced_at else []
    if where:
        body.append(line(run(SEPARATOR.join(where), subtle=True, size="small"), spacing="none"))
    if view.counts:
        body.append(line(run(count_text(view.counts), size="small"), spacing="small"))
    body += [action_set(group, spacing="small") for group in button_rows(view.filters)]
    if view.rows:
        body += [user_row(row) for row in view.rows]
    else:
        body += paragraphs(say(EMPTY), spacing="medium")
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
        labelled(t("Phone numbers"), _numbers(view.numbers) or t("none"), spacing="medium"),
        labelled(t("Voice routing policy"), view.routing_policy or t("none")),
        labelled(t("Dial plan"), view.dial_plan or t("none")),
        labelled(t("Enterprise Voice"), t("on") if view.enterprise_voice else t("off")),
        labelled(t("Teams Phone licence"), t("assigned") if view.teams_phone else t("none")),
    ]
    if view.note:
        body.append(container(paragraphs(view.note), style="emphasis", spacing="medium"))
    return card(body, buttons(view.buttons), wide=True)


def sync_progress(view: SyncProgressView) -> Json:
    """A sync: its status, what it has read, the users by status, and once it has finished the
    changes since the last sync (or, when it failed, the error)."""
    glyph, color, state = _state(view)
    heading = _heading(view.kind, view.tenant_name)
    body = [card_title(heading), status_line(glyph, color, paragraphs(state, color=color))]
    if view.elapsed:
        body.append(labelled(t("Elapsed"), view.elapsed, spacing="none"))
    read = [
        labelled(t("Read from the directory"), _users(view.directory_read), spacing=None),
        labelled(t("Teams voice settings read"), _users(view.voice_read)),
    ]
    if view.counts:
        read.append(labelled(t("By status"), count_text(view.counts)))
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
    return SEPARATOR.join(f"{number(n)} {_count_words(status)}" for status, n in counts)


def _count_words(status: str) -> str:
    return say(COUNT_WORDS[status]) if status in COUNT_WORDS else status


def signed(n: int) -> str:
    """``+3``, ``−2`` (a true minus sign), ``0``."""
    if n > 0:
        return f"+{number(n)}"
    return f"{MINUS}{number(-n)}" if n < 0 else "0"


def _state(view: SyncProgressView) -> tuple[str, Color, str]:
    if view.error:
        return FAILED, "attention", t("The sync stopped.")
    if view.finished:
        return DONE, "good", t("The sync is complete.")
    return CURRENT, "accent", t("Reading users from Microsoft 365")


def _heading(kind: str, tenant: str) -> str:
    if kind == "full":
        return t("Full sync of {tenant}", tenant=tenant)
    if kind == "delta":
        return t("Sync of {tenant} (changes only)", tenant=tenant)
    return t("Sync of {tenant}", tenant=tenant)


def _changes(view: SyncProgressView) -> Json:
    lines = [f"{status_words(status)}: {signed(n)}" for status, n in view.changes if n]
    if view.added:
        lines.append(
            tn(
                "{count} new user in Microsoft 365",
                "{count} new users in Microsoft 365",
                n=view.added,
                count=number(view.added),
            )
        )
    if view.removed:
        lines.append(
            tn(
                "{count} user no longer in Microsoft 365",
                "{count} users no longer in Microsoft 365",
                n=view.removed,
                count=number(view.removed),
            )
        )
    items = [line(run(t("Since the last sync"), bold=True))]
    if lines:
        items += [status_line(BULLET, "default", paragraphs(text)) for text in lines]
    else:
        items.append(line(run(t("Nothing changed.")), spacing="small"))
    return container(items, spacing="medium", separator=True)


def _failure(error: str) -> Json:
    # As on a run's card: Microsoft's words verbatim, default-coloured on the attention background.
    items = [line(run(t("What happened"), bold=True)), *paragraphs(error, spacing="none")]
    return container(items, style="attention", spacing="medium")


def position(offset: int, shown: int, total: int) -> str:
    """``21–40 of 137``: where a page of ``shown`` rows after ``offset`` stands among ``total``."""
    first, last = offset + 1, offset + shown
    # The numbers are formatted here, a template carries no format specs (and format(),
    # not an f-string: Babel warns about an f-string inside a marked call).
    return t(
        "{first}–{last} of {total}",
        first=number(first),
        last=number(last),
        total=number(max(total, last)),
    )


def _numbers(numbers: str) -> str:
    """``+441,+442`` as ``+441, +442``, so a list of numbers wraps between them."""
    return ", ".join(part.strip() for part in numbers.split(",") if part.strip())


def _users(n: int) -> str:
    return tn("{count} user", "{count} users", n=n, count=number(n))


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
