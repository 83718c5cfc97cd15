"""The command menus: within Teams' limits, and the commands chosen for each scope."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from manifest import PackageOptions, build_manifest
from manifest.commands import CATALOGUE, MAX_COMMANDS, MAX_DESCRIPTION, MAX_TITLE, listed
from tests.manifest.menu_limits import menu_problems


def _lists(options: PackageOptions) -> list[dict[str, Any]]:
    lists: list[dict[str, Any]] = build_manifest(options)["bots"][0]["commandLists"]
    return lists


def _titles(options: PackageOptions, scope: str) -> list[str]:
    (commands,) = [c["commands"] for c in _lists(options) if c["scopes"] == [scope]]
    return [command["title"] for command in commands]


def test_teams_menu_limits_are_ten_commands_32_and_128_characters() -> None:
    """The limits the lists keep to are Teams' command-menu limits."""
    assert (MAX_COMMANDS, MAX_TITLE, MAX_DESCRIPTION) == (10, 32, 128)


def test_the_manifest_keeps_to_the_menu_limits(options: PackageOptions) -> None:
    """No list over ten commands, no title over 32 characters, no description over 128."""
    assert menu_problems(build_manifest(options)) == []


def test_a_33_character_title_breaks_the_menu_limits(options: PackageOptions) -> None:
    """The limit check can fail: the schema's 128 would let this title through."""
    manifest = build_manifest(options)
    manifest["bots"][0]["commandLists"][0]["commands"][0]["title"] = "x" * 33
    assert menu_problems(manifest) == [
        "personal: title 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' is too long"
    ]


def test_an_eleventh_command_breaks_the_menu_limits(options: PackageOptions) -> None:
    """The menu shows ten commands per list at most."""
    manifest = build_manifest(options)
    commands = manifest["bots"][0]["commandLists"][0]["commands"]
    commands.append({"title": "cancel", "description": "Stop the run under way"})
    assert menu_problems(manifest) == ["personal: 11 commands"]


def test_a_129_character_description_breaks_the_menu_limits(options: PackageOptions) -> None:
    """Descriptions have 128 characters of room."""
    manifest = build_manifest(options)
    manifest["bots"][0]["commandLists"][1]["commands"][0]["description"] = "x" * 129
    assert menu_problems(manifest) == ["team: description of 'help' is too long"]


def test_every_title_and_description_fits_the_menu() -> None:
    """Titles of at most 32 characters, descriptions of at most 128."""
    for command in CATALOGUE.values():
        assert 0 < len(command.title) <= MAX_TITLE, command.title
        assert 0 < len(command.description) <= MAX_DESCRIPTION, command.title


def test_titles_are_the_words_the_bot_reads() -> None:
    """Teams types the title into the compose box, so it is a single lowercase command word."""
    assert all(title.isalpha() and title.islower() for title in CATALOGUE)


def test_there_is_one_list_per_scope_of_the_bot(options: PackageOptions) -> None:
    """Teams asks for a separate command list for each scope the bot supports."""
    bot = build_manifest(options)["bots"][0]
    assert sorted(scope for c in bot["commandLists"] for scope in c["scopes"]) == sorted(
        bot["scopes"]
    )


def test_the_personal_menu_lists_the_entry_points_and_user_sync(options: PackageOptions) -> None:
    """help, connect, status, readiness, then the six user-sync commands."""
    assert _titles(options, "personal") == [
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
    ]


def test_the_team_menu_lists_the_integration_commands(options: PackageOptions) -> None:
    """A channel gets the integration's commands and sync, no per-user data or files."""
    assert _titles(options, "team") == [
        "help",
        "status",
        "connect",
        "readiness",
        "integrate",
        "retry",
        "cancel",
        "sync",
    ]


def test_export_is_offered_only_in_the_personal_chat() -> None:
    """Bots can send files in personal chats only."""
    assert CATALOGUE["export"] in listed("personal", include_user_sync=True)
    assert CATALOGUE["export"] not in listed("team", include_user_sync=True)


@pytest.mark.parametrize("scope", ["personal", "team"])
@pytest.mark.parametrize("include_user_sync", [True, False])
def test_remove_is_never_one_pick_away(scope: Any, include_user_sync: bool) -> None:
    """The irreversible command is typed, never picked from a menu."""
    assert CATALOGUE["remove"] not in listed(scope, include_user_sync)


def test_without_user_sync_the_run_commands_take_their_places(options: PackageOptions) -> None:
    """Before user sync ships, the personal menu offers integrate, retry and cancel instead."""
    without_sync = dataclasses.replace(options, include_user_sync=False)
    assert _titles(without_sync, "personal") == [
        "help",
        "connect",
        "status",
        "readiness",
        "integrate",
        "retry",
        "cancel",
    ]
    assert "sync" not in _titles(without_sync, "team")
