"""The user commands in the chat: a sync whose card ends with the counts, the list with its
filters and paging, one user's details, a single-user sync, and admins only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.change_hints import ChangeHints
from tests.bot.test_dialogue import _as, _plain_user, _signed_in
from tests.bot.test_flow import _having
from tests.support.bot import BotUnderTest, Client, card_of, find_action, text_of
from tests.support.harness import Harness, SeededTenant
from tests.support.voice import MCOEV, as_if_integrated


@pytest.fixture
def people(sb: Harness, under: BotUnderTest) -> SeededTenant:
    """A tenant of 30 users: licensed, unlicensed, and three of another provider."""
    seeded = sb.make_tenant(
        users=30,
        teams_phone_share=0.5,
        unlicensed_share=0.2,
        other_provider={"users": 3},
        free_seats={"STANDARDPACK": 1},
    )
    under.grant(seeded)
    return seeded


@pytest.fixture
async def admin(sb: Harness, under: BotUnderTest, people: SeededTenant) -> AsyncIterator[Client]:
    """The tenant's Global Administrator, signed in for step 1."""
    async with httpx.AsyncClient(base_url=sb.endpoints.chat, timeout=30) as http:
        client = Client(http, under, people)
        await client.open(people.admin)
        await _signed_in(client, people)
        yield client


async def _synced(chat: Client) -> str:
    await chat.say("sync")
    done = await chat.wait_for("the finished sync", _having("Since the last sync"), 60)
    return text_of(card_of(done))


def _plain(card: dict[str, Any]) -> str:
    """A card's text without the soft breaks long addresses get (narrow Teams columns)."""
    return text_of(card).replace("\u200b", "")


def _showing(text: str) -> Any:
    def predicate(cards: list[dict[str, Any]]) -> dict[str, Any] | None:
        return next((c for c in reversed(cards) if text in _plain(card_of(c))), None)

    return predicate


async def _integrated_with_a_licensed_user(
    sb: Harness, under: BotUnderTest, people: SeededTenant, admin: Client
) -> str:
    """Step 3 signed in, the tenant as provisioning leaves it, users synced; a user that has
    Teams Phone and no voice yet."""
    wizard = await admin.wait_for("step 3", _having("Step 3 of 4"))
    link = find_action(card_of(wizard), "Sign in to the Teams admin centre (step 3)")["url"]
    await admin.sign_in(link, people.admin)
    await admin.wait_for("step 4", _having("Step 4 of 4"))
    as_if_integrated(sb, under.product, people)
    await _synced(admin)
    state = sb.state(people)
    return str(_licensed_without_voice(state)["userPrincipalName"])


def _licensed_without_voice(state: dict[str, Any]) -> dict[str, Any]:
    """A user of the sandbox's state with Teams Phone, no voice and no admin role."""
    found: dict[str, Any] = next(
        u
        for u in state["users"]
        if MCOEV in u["enabledPlans"]
        and u["userPrincipalName"] not in state["voice"]["users"]
        and not u["roles"]
    )
    return found


def _upns(sb: Harness, tenant: SeededTenant) -> list[str]:
    return sorted(u["userPrincipalName"] for u in sb.state(tenant)["users"])


async def test_a_sync_card_ends_with_how_many_users_of_each_kind(admin: Client) -> None:
    text = await _synced(admin)
    assert "3 with another provider" in text


async def test_users_shows_twenty_a_card_and_a_next_button(
    sb: Harness, people: SeededTenant, admin: Client
) -> None:
    await _synced(admin)
    await admin.say("users")
    listing = await admin.wait_for("the list", _having("Users of"))
    text = _plain(card_of(listing))
    upns = _upns(sb, people)
    assert all(upn in text for upn in upns[:20])
    assert upns[20] not in text
    assert find_action(card_of(listing), "Next")["verb"] == "users"


async def test_next_replaces_the_card_with_the_following_users(
    sb: Harness, people: SeededTenant, admin: Client
) -> None:
    await _synced(admin)
    await admin.say("users")
    listing = await admin.wait_for("the list", _having("Users of"))

    following = await admin.press(listing, "Next")

    text = _plain(following)
    assert _upns(sb, people)[20] in text
    assert find_action(following, "Previous")["verb"] == "users"


async def test_users_other_lists_only_another_providers_users(
    sb: Harness, people: SeededTenant, admin: Client
) -> None:
    await _synced(admin)
    await admin.say("users other")
    listing = await admin.wait_for("the list", _having("Users of"))
    text = _plain(card_of(listing))
    theirs = set(sb.state(people)["voice"]["users"])
    assert all(upn in text for upn in theirs)
    assert not any(upn in text for upn in set(_upns(sb, people)) - theirs)


async def test_user_by_address_shows_that_users_details(
    sb: Harness, people: SeededTenant, admin: Client
) -> None:
    theirs = sorted(sb.state(people)["voice"]["users"])[0]
    await _synced(admin)
    await admin.say(f"user {theirs.upper()}")
    details = await admin.wait_for("the details", _showing("Voice routing policy"))
    text = _plain(card_of(details))
    assert theirs in text
    assert "Another provider (not touched)" in text


async def test_sync_of_one_user_reads_them_before_any_full_sync(
    sb: Harness, people: SeededTenant, admin: Client
) -> None:
    upn = _plain_user(sb, people)
    await admin.say(f"sync {upn}")
    details = await admin.wait_for("the details", _showing(upn))
    assert find_action(card_of(details), "Sync this user")["verb"] == "sync"


async def test_someone_who_is_not_an_admin_cannot_list_users(
    sb: Harness, under: BotUnderTest, people: SeededTenant, admin: Client
) -> None:
    async with _as(sb, under, people, _plain_user(sb, people)) as user:
        await user.say("users")
        await user.wait_for("the refusal", _having("That needs an admin"))


async def test_activate_gives_the_user_a_number_and_the_card_says_so(
    sb: Harness, under: BotUnderTest, people: SeededTenant, admin: Client
) -> None:
    upn = await _integrated_with_a_licensed_user(sb, under, people, admin)

    await admin.say(f"activate {upn} +44 20 7946 0111")

    await admin.wait_for("the active user", _showing(f"{upn} is active"), 60)
    assert sb.state(people)["voice"]["users"][upn]["numbers"] == ["+442079460111"]


async def test_export_links_to_the_list_as_csv(
    sb: Harness, people: SeededTenant, admin: Client
) -> None:
    await _synced(admin)
    await admin.say("export")
    answer = await admin.wait_for("the link", _showing("Your user list"))
    url = find_action(card_of(answer), "Download the CSV")["url"]

    async with httpx.AsyncClient(timeout=30) as browser:
        download = await browser.get(url)

    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    text = download.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("userPrincipalName,")
    assert all(upn in text for upn in _upns(sb, people))


async def test_a_tampered_export_link_is_refused(admin: Client) -> None:
    await _synced(admin)
    await admin.say("export")
    answer = await admin.wait_for("the link", _showing("Your user list"))
    url = find_action(card_of(answer), "Download the CSV")["url"]

    async with httpx.AsyncClient(timeout=30) as browser:
        download = await browser.get(url[:-3] + "AAA")

    assert download.status_code == 403


async def test_numbers_add_then_activate_without_a_number_takes_the_first_of_the_range(
    sb: Harness, under: BotUnderTest, people: SeededTenant, admin: Client
) -> None:
    upn = await _integrated_with_a_licensed_user(sb, under, people, admin)
    await admin.say("numbers add +44 20 7946 0500 - +44 20 7946 0599")
    await admin.wait_for("the range", _showing("Range added"))

    await admin.say(f"activate {upn}")

    await admin.wait_for("the active user", _showing(f"{upn} is active"), 60)
    assert sb.state(people)["voice"]["users"][upn]["numbers"] == ["+442079460500"]


async def test_a_scheduled_sync_that_finds_changes_tells_the_admin_who_synced(
    sb: Harness, under: BotUnderTest, people: SeededTenant, admin: Client
) -> None:
    await _synced(admin)
    graph = sb.graph(people)
    state = sb.state(people)
    user = _licensed_without_voice(state)
    sku = next(s["skuId"] for s in state["subscribedSkus"] if MCOEV in s["servicePlanIds"])
    removed = graph.post(
        f"/users/{user['id']}/assignLicense", json={"addLicenses": [], "removeLicenses": [sku]}
    )
    assert removed.status_code == 200, removed.text
    # What the runners' schedule does every USER_SYNC_INTERVAL_SECONDS.
    await under.product.runtime.integrations.users.sync(people.id, full=False)
    hints = ChangeHints(
        under.product.runtime.integrations, under.bot.conversations, under.bot.surface, 1.0
    )

    assert await hints.tell() == 1
    hint = await admin.wait_for("the hint", _showing("changed in Microsoft 365"))
    assert "users without a Teams Phone licence" in _plain(card_of(hint))
    assert await hints.tell() == 0  # once per sync


async def test_activate_pressed_on_a_users_card_turns_that_card_into_the_runs(
    sb: Harness, under: BotUnderTest, people: SeededTenant, admin: Client
) -> None:
    """The press is answered with the run's card, which then follows the run in place."""
    upn = await _integrated_with_a_licensed_user(sb, under, people, admin)
    await admin.say("numbers add +44 20 7946 0500 - +44 20 7946 0599")
    await admin.wait_for("the range", _showing("Range added"))
    await admin.say(f"user {upn}")
    details = await admin.wait_for("the details", _showing("Voice routing policy"))

    delivery = await admin.press(details, "Activate")

    assert delivery["body"]["type"] == "application/vnd.microsoft.card.adaptive"
    assert upn in _plain(delivery["body"]["value"])
    await admin.wait_for(
        "the active user", lambda _: "is active" in _plain(admin.shown(details)), 60
    )


async def test_sync_again_is_answered_with_the_syncs_card_in_place_of_the_pressed_one(
    sb: Harness, people: SeededTenant, admin: Client
) -> None:
    """A sync cut off by Microsoft offers "Sync again"; pressing it makes that card the new
    sync's, which ends with the counts."""
    sb.add_fault(tenant=people.id, service="graph", rate=1.0, kind="500")
    await admin.say("sync")
    failed = await admin.wait_for("the cut-off sync", _having("Sync again"), 90)
    sb.control.delete("/faults")

    delivery = await admin.press(failed, "Sync again")

    assert delivery["body"]["type"] == "application/vnd.microsoft.card.adaptive"
    await admin.wait_for(
        "the finished sync", lambda _: "Since the last sync" in _plain(admin.shown(failed)), 60
    )
