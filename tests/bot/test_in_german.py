"""A German admin (Teams client in de-DE) walks SPEC.md end to end and reads German only: the
bot's own words, the cards' labels, the engine's stored step texts and the notifications sent
from the outbox later; English stays for Microsoft's words and for names. An English admin in
the same tenant still reads English."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from i18n.catalogue import catalogue_for
from i18n.language import speaking
from i18n.text import t
from tests.support.bot import BotUnderTest, Client, card_of, find_action, text_of, walk
from tests.support.harness import Harness, SeededTenant
from tests.support.product import object_counts

GERMAN = catalogue_for("de-DE")


def de(template: str, **args: object) -> str:
    """``template`` as the German catalogue says it (and it says it differently)."""
    with speaking("de-DE"):
        said = t(template, **args)
    assert said != template.format(**args), f"no German for {template!r}"
    return said


def _having(text: str) -> Any:
    def predicate(cards: list[dict[str, Any]]) -> dict[str, Any] | None:
        return next((c for c in reversed(cards) if text in text_of(card_of(c))), None)

    return predicate


def _shown(card: dict[str, Any]) -> list[str]:
    """Every string a card shows, one by one."""
    return [
        node[key]
        for node in walk(card)
        for key in ("text", "title", "value", "label", "placeholder", "errorMessage")
        if isinstance(node.get(key), str) and node[key].strip()
    ]


def _english_of_ours(cards: list[dict[str, Any]]) -> list[str]:
    """Strings the German catalogue would still translate: English of ours left on a card."""
    return [
        text
        for activity in cards
        for text in _shown(card_of(activity))
        for line in text.split("\n\n")
        if GERMAN.say(line) != line
    ]


@pytest.fixture
async def german(sb: Harness, under: BotUnderTest, tenant: SeededTenant) -> AsyncIterator[Client]:
    """The tenant's Global Administrator, Teams and browser in German, chat open with the bot."""
    async with httpx.AsyncClient(base_url=sb.endpoints.chat, timeout=30) as http:
        client = Client(http, under, tenant, locale="de-DE")
        await client.open(tenant.admin)
        yield client


@pytest.mark.timeout(300)
async def test_a_german_admin_connects_and_removes_reading_german_only(
    sb: Harness, tenant: SeededTenant, german: Client
) -> None:
    """connect → two sign-ins → readiness → integrate → domain verified → connected → remove,
    every card in German, and no English sentence of ours anywhere in the conversation."""
    counted = object_counts(sb, tenant)
    await german.wait_for("the welcome card", _having("Hallo!"))

    await german.say("connect")
    wizard = await german.wait_for("the wizard", _having("Schritt 1 von 4"))
    link = find_action(card_of(wizard), de("Sign in to Microsoft (step 1)"))["url"]
    page = await german.sign_in(link, tenant.admin)
    assert page.status_code == 200
    assert 'lang="de"' in page.text
    assert "Sie können diesen Tab schließen" in page.text

    wizard = await german.wait_for("step 3", _having(de("Step {n} of {total}", n=3, total=4)))
    assert de("All {n} checks passed", n=7) in text_of(card_of(wizard))
    link = find_action(card_of(wizard), de("Sign in to the Teams admin centre (step 3)"))["url"]
    assert (await german.sign_in(link, tenant.admin)).status_code == 200

    wizard = await german.wait_for("step 4", _having(de("Step {n} of {total}", n=4, total=4)))
    await german.press(wizard, de("Integrate"))
    await german.wait_for("domain verified", _having(de("Microsoft has verified the domain")), 120)
    await german.wait_for("the end", _having(" ist verbunden"), 120)
    await german.wait_for("the summary", _having(de("The integration is complete.")))

    await german.say("remove")
    warning = await german.wait_for("the warning", _having(de("Remove everything")))
    await german.press(warning, de("Remove everything"), confirmation=tenant.domain)
    await german.wait_for("disconnected", _having(" ist getrennt"), 120)
    assert object_counts(sb, tenant) == counted

    assert _english_of_ours(german.bot_cards()) == []


async def test_a_german_admin_gets_help_in_german_and_the_command_words_as_they_are_typed(
    german: Client,
) -> None:
    await german.say("help")

    answer = await german.wait_for("help", _having(de("What I can do")))
    shown = _shown(card_of(answer))
    assert "connect: " in shown
    assert "status: " in shown
    assert _english_of_ours([answer]) == []


async def test_an_english_admin_of_the_same_tenant_still_reads_english(
    sb: Harness, under: BotUnderTest, tenant: SeededTenant, german: Client
) -> None:
    async with httpx.AsyncClient(base_url=sb.endpoints.chat, timeout=30) as http:
        english = Client(http, under, tenant, locale="en-GB")
        await english.open(tenant.admin, kind="channel")
        await english.wait_for("the welcome card", _having("Hello!"))
        before = len(english.bot_cards())
        await english.say("help")
        answer = await english.wait_for(
            "help", lambda cards: cards[before] if len(cards) > before else None
        )

    assert _english_of_ours([answer]) != []
