"""The commands Teams offers in the bot's command menu, one list per scope.

Teams shows a command's title in the menu and, when picked, puts it in the compose box; the bot
then reads it as typed text. So the menu is a shortcut, not a boundary: every command works when
typed, listed or not. Teams' own limits for the menu are tighter than the v1.30 schema's (12
commands, titles of 128 characters): the command menu shows at most 10 commands per list, and
manifest schemas up to v1.20 and Microsoft's manifest reference cap titles at 32 characters and
descriptions at 128, which is what the menu has room for. The lists keep to those.

Which commands are listed, and why:

- ``personal`` (the admin's own chat, where sign-ins and per-user work belong): help, connect,
  status, readiness, then the user-sync commands. ``integrate``, ``retry`` and ``cancel`` are
  buttons on the wizard and progress cards at the moment they apply, so they give way to the
  sync commands once those exist.
- ``team`` (a channel, read by every member): the integration's commands only. Listing users,
  their phone numbers and activations stay in the personal chat, and ``export`` must, because
  bots can send files in personal chats only.
- ``remove`` is in neither list: it is irreversible, so it is never one pick away in a menu; an
  admin types it and confirms on a card.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from i18n.text import N_, say

Scope = Literal["personal", "team"]

MAX_COMMANDS = 10
MAX_TITLE = 32
MAX_DESCRIPTION = 128


@dataclass(frozen=True)
class Command:
    """A command as the menu shows it: the word the bot reads (the same in every language: the
    menu puts it into the compose box as typed text) and what it does (translated)."""

    title: str
    description: str
    # User sync ships after provisioning; until the bot knows these words, leave them out.
    user_sync: bool = False


CATALOGUE: dict[str, Command] = {
    command.title: command
    for command in (
        Command("help", N_("What I can do, and the commands I understand")),
        Command("connect", N_("Connect this organization to the voice platform, step by step")),
        Command("status", N_("Where the integration stands: steps done, under way and waiting")),
        Command("readiness", N_("Check the prerequisites again: admin roles, licences, domain")),
        Command("integrate", N_("Start the integration, once both sign-ins are done")),
        Command("retry", N_("Try a failed run again from the step that failed")),
        Command("cancel", N_("Stop the run under way")),
        Command("remove", N_("Remove everything the integration created (asks first; no undo)")),
        Command(
            "sync",
            N_("Sync Teams Phone users from Microsoft 365; name one user to sync just them"),
            user_sync=True,
        ),
        Command(
            "users", N_("List synced users: all, active, inactive or unlicensed"), user_sync=True
        ),
        Command("user", N_("Look up one user, e.g. user alex@contoso.com"), user_sync=True),
        Command(
            "activate",
            N_(
                "Give a user a phone number and calling, e.g. activate alex@contoso.com "
                "+441632960001"
            ),
            user_sync=True,
        ),
        Command(
            "deactivate",
            N_("Take a user's phone number and calling away, e.g. deactivate alex@contoso.com"),
            user_sync=True,
        ),
        Command("export", N_("Send the synced users as a CSV file"), user_sync=True),
    )
}

# Most useful first: a list keeps the first MAX_COMMANDS of these that are available.
PREFERENCE: dict[Scope, tuple[str, ...]] = {
    "personal": (
        "help",
        "connect",
        "status",
        "readiness",
        "sync",
        "users",
        "user",
        "activate",
        "deactivate",
        "export",
        "integrate",
        "retry",
        "cancel",
    ),
    "team": ("help", "status", "connect", "readiness", "integrate", "retry", "cancel", "sync"),
}


def listed(scope: Scope, include_user_sync: bool) -> tuple[Command, ...]:
    """The commands the menu of ``scope`` shows, in order."""
    available = [
        CATALOGUE[title]
        for title in PREFERENCE[scope]
        if include_user_sync or not CATALOGUE[title].user_sync
    ]
    return tuple(available[:MAX_COMMANDS])


def command_lists(include_user_sync: bool) -> list[dict[str, object]]:
    """The manifest's ``commandLists``: one list per scope, as Teams asks."""
    return [
        {
            "scopes": [scope],
            "commands": [
                {"title": command.title, "description": say(command.description)}
                for command in listed(scope, include_user_sync)
            ],
        }
        for scope in PREFERENCE
    ]
