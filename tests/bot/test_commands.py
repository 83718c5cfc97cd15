"""The command grammar: case, extra words, what follows a command, the closest commands."""

from __future__ import annotations

from bot.commands import parse


def test_a_command_is_found_among_other_words() -> None:
    assert parse("could you show the STATUS please").name == "status"


def test_what_follows_a_command_keeps_its_case_and_punctuation() -> None:
    parsed = parse("sync Adele.Vance@Contoso.com")
    assert (parsed.name, parsed.rest) == ("sync", "Adele.Vance@Contoso.com")


def test_an_address_is_not_read_as_a_command() -> None:
    parsed = parse("user help@contoso.com")
    assert (parsed.name, parsed.rest) == ("user", "help@contoso.com")


def test_another_word_for_a_command_runs_it() -> None:
    assert parse("resync").name == "sync"


def test_a_command_followed_by_a_full_stop_is_still_the_command() -> None:
    assert parse("status.").name == "status"


def test_an_unknown_word_gets_the_closest_commands() -> None:
    parsed = parse("exprot")
    assert parsed.name is None
    assert "export" in parsed.suggestions
