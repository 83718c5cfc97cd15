"""Saying texts in a catalogue's language: templates, plurals, stored English recognised by its
template, and which language a Teams locale or a browser gets."""

from __future__ import annotations

from babel.messages.catalog import Catalog

from i18n.catalogue import accepted_locales, compiled, language_of
from i18n.language import speaking
from i18n.text import N_, number, say, t, tn


def _german() -> Catalog:
    catalog = Catalog(locale="de", domain="messages")
    catalog.add("Retry", "Wiederholen")
    catalog.add(
        "Waiting for DNS: the record is on {seen} of {total} name servers",
        "Warten auf DNS: der Eintrag ist auf {seen} von {total} Namenservern",
    )
    catalog.add(
        ("{n} user is waiting", "{n} users are waiting"),
        ("{n} Benutzer wartet", "{n} Benutzer warten"),
    )
    catalog.add("Step failed: {reason}", "Schritt fehlgeschlagen: {reason}")
    catalog.add("Microsoft is busy", "Microsoft ist beschäftigt")
    catalog.add("Only in English", "")
    return catalog


def test_a_template_is_said_in_the_catalogues_language_and_filled_in() -> None:
    german = compiled(_german())

    said = german.gettext("Waiting for DNS: the record is on {seen} of {total} name servers")

    assert (
        said.format(seen=1, total=3) == "Warten auf DNS: der Eintrag ist auf 1 von 3 Namenservern"
    )


def test_a_plural_takes_the_form_for_its_number() -> None:
    german = compiled(_german())

    assert (
        german.ngettext("{n} user is waiting", "{n} users are waiting", 1) == "{n} Benutzer wartet"
    )
    assert (
        german.ngettext("{n} user is waiting", "{n} users are waiting", 4) == "{n} Benutzer warten"
    )


def test_stored_english_is_recognised_by_its_template_and_said_with_the_same_values() -> None:
    german = compiled(_german())

    said = german.say("Waiting for DNS: the record is on 2 of 3 name servers")

    assert said == "Warten auf DNS: der Eintrag ist auf 2 von 3 Namenservern"


def test_a_stored_plural_keeps_its_number_and_takes_the_right_form() -> None:
    german = compiled(_german())

    assert german.say("7 users are waiting") == "7 Benutzer warten"
    assert german.say("1 user is waiting") == "1 Benutzer wartet"


def test_a_recognised_value_that_is_itself_a_text_of_ours_is_translated_too() -> None:
    german = compiled(_german())

    assert (
        german.say("Step failed: Microsoft is busy")
        == "Schritt fehlgeschlagen: Microsoft ist beschäftigt"
    )


def test_microsofts_words_inside_a_template_stay_as_microsoft_wrote_them() -> None:
    german = compiled(_german())

    said = german.say("Step failed: Domain verification failed for contoso.com.")

    assert said == "Schritt fehlgeschlagen: Domain verification failed for contoso.com."


def test_a_text_the_catalogue_does_not_know_stays_english() -> None:
    german = compiled(_german())

    assert german.say("Something nobody translated") == "Something nobody translated"
    assert german.gettext("Only in English") == "Only in English"


def test_teams_locales_choose_german_or_fall_back_to_english() -> None:
    assert language_of("de-DE") == "de"
    assert language_of("de-AT") == "de"
    assert language_of("de_CH") == "de"
    assert language_of("en-GB") == "en"
    assert language_of("fr-FR") == "en"
    assert language_of(None) == "en"
    assert language_of("") == "en"


def test_a_browser_gets_its_most_preferred_language_we_speak() -> None:
    header = "fr-FR;q=0.9, de-CH, en;q=0.5, *;q=0.1"

    assert accepted_locales(header) == ["de-CH", "fr-FR", "en"]
    assert language_of(*accepted_locales(header)) == "de"
    assert language_of(*accepted_locales("fr, en;q=0.2")) == "en"
    assert accepted_locales("de;q=nonsense, en") == ["en"]


def test_t_speaks_english_outside_a_turn_and_the_turns_language_inside() -> None:
    assert t("Retry") == "Retry"
    with speaking("de-DE"):
        assert t("Retry") == "Wiederholen"
        assert tn("{n} user is waiting", "{n} users are waiting", n=2)
    assert t("Retry") == "Retry"


def test_a_constant_marked_for_later_is_said_in_the_turns_language() -> None:
    label = N_("Retry")

    with speaking("de"):
        assert say(label) == "Wiederholen"
    assert say(label) == "Retry"


def test_the_template_with_more_words_wins_over_a_catch_all() -> None:
    catalog = Catalog(locale="de", domain="messages")
    catalog.add("The {what} '{name}' already exists.", "Das Objekt {what} '{name}' gibt es schon.")
    catalog.add("The dial plan '{name}' already exists.", "Den Wählplan '{name}' gibt es schon.")
    german = compiled(catalog)

    assert (
        german.say("The dial plan 'DP-1' already exists.") == "Den Wählplan 'DP-1' gibt es schon."
    )


def test_numbers_are_written_as_the_language_writes_them() -> None:
    assert number(100000) == "100,000"
    assert number(0.14, decimals=1) == "0.1"
    with speaking("de-DE"):
        assert number(100000) == "100.000"
        assert number(0.14, decimals=1) == "0,1"
