"""The command grammar: case, extra words, what follows a command, the closest commands."""

from __future__ import annotations

from bot.commands import describe, parse


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


def test_customers_is_an_unknown_word_outside_the_providers_tenant() -> None:
    parsed = parse("customers failed")
    assert parsed.name is None
    assert not {"customers", "customer"} & set(parsed.suggestions)


def test_customers_is_a_command_in_the_providers_tenant() -> None:
    parsed = parse("Customers FAILED", operator=True)
    assert (parsed.name, parsed.rest) == ("customers", "FAILED")


def test_customer_keeps_what_follows_as_typed() -> None:
    parsed = parse("customer Contoso.onmicrosoft.com", operator=True)
    assert (parsed.name, parsed.rest) == ("customer", "Contoso.onmicrosoft.com")


def test_an_operator_command_wins_over_another_word_for_a_tenant_command_before_it() -> None:
    """ "list" is another word for ``users``; "list customers" means the customers."""
    assert parse("list customers", operator=True).name == "customers"
    assert parse("list the users", operator=True).name == "users"


def test_a_tenant_command_by_its_own_name_still_comes_first_for_the_provider() -> None:
    assert parse("status of tenant contoso", operator=True).name == "status"


def test_a_typo_of_customers_is_suggested_only_to_the_provider() -> None:
    assert "customers" in parse("custmers", operator=True).suggestions
    assert "customers" not in parse("custmers").suggestions


def test_help_lists_the_operator_commands_only_to_an_admin_of_the_provider() -> None:
    assert "customers" in dict(describe(admin=True, operator=True))
    assert "customers" not in dict(describe(admin=True, operator=False))
    assert "customers" not in dict(describe(admin=False, operator=True))
