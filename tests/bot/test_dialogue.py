"""What the bot says to each turn, and who may change anything: seen in the chat only."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from bot import dialogue
from bot.settings import BotSettings
from tests.bot.conftest import ChannelKey
from tests.bot.test_flow import _having, _link
from tests.bot.test_teams import _activity, _claims, _post, _signed
from tests.support.bot import BotUnderTest, Client, card_of, find_action, text_of
from tests.support.harness import Harness, SeededTenant


async def _signed_in(chat: Client, tenant: SeededTenant) -> None:
    """Step 1 done by the tenant's Global Administrator (so roles can be read)."""
    await chat.say("connect")
    wizard = await chat.wait_for("the wizard", _having("Step 1 of 4"))
    await chat.sign_in(_link(wizard, "Sign in to Microsoft (step 1)"), tenant.admin)
    await chat.wait_for("step 3", _having("Step 3 of 4"))


@asynccontextmanager
async def _as(
    sb: Harness, under: BotUnderTest, tenant: SeededTenant, upn: str
) -> AsyncIterator[Client]:
    """Another user of the tenant, in a chat of their own with the bot."""
    async with httpx.AsyncClient(base_url=sb.endpoints.chat, timeout=30) as http:
        client = Client(http, under, tenant)
        await client.open(upn)
        yield client


def _plain_user(sb: Harness, tenant: SeededTenant) -> str:
    return str(
        next(
            u["userPrincipalName"]
            for u in sb.state(tenant)["users"]
            if not u["userPrincipalName"].startswith("admin@")
        )
    )


async def test_installing_the_app_posts_the_welcome_card_with_connect(chat: Client) -> None:
    """The same start as ``connect``."""
    welcome = await chat.wait_for("the welcome card", _having("Hello!"))
    assert find_action(card_of(welcome), "Connect")["verb"] == "connect"


async def test_commands_are_case_insensitive_and_forgive_extra_words(chat: Client) -> None:
    """ "Could you CONNECT us please" is ``connect``."""
    await chat.say("Could you CONNECT us please")
    await chat.wait_for("the wizard", _having("Step 1 of 4"))


async def test_an_unknown_command_answers_with_the_closest_ones(chat: Client) -> None:
    """A typo gets the commands it may have meant, as buttons."""
    await chat.say("integrat")
    answer = await chat.wait_for("suggestions", _having("I don't know"))
    assert "integrate" in text_of(card_of(answer))
    assert find_action(card_of(answer), "integrate")["verb"] == "integrate"


async def test_nonsense_gets_help(chat: Client) -> None:
    """Nothing close: the help command is offered."""
    await chat.say("zzzz qqqq")
    answer = await chat.wait_for("suggestions", _having("I don't know"))
    assert find_action(card_of(answer), "help")["verb"] == "help"


async def test_help_shows_a_non_admin_only_what_they_may_run(
    sb: Harness, under: BotUnderTest, tenant: SeededTenant, chat: Client
) -> None:
    """No integrate, retry, cancel or remove for a user without admin roles."""
    await _signed_in(chat, tenant)
    async with _as(sb, under, tenant, _plain_user(sb, tenant)) as user:
        await user.say("help")
        answer = text_of(card_of(await user.wait_for("help", _having("What I can do"))))
    assert "status" in answer
    assert "integrate" not in answer
    assert "remove" not in answer


async def test_help_shows_an_admin_every_command(tenant: SeededTenant, chat: Client) -> None:
    """An admin sees the commands that change things too."""
    await _signed_in(chat, tenant)
    await chat.say("help")
    answer = text_of(card_of(await chat.wait_for("help", _having("What I can do"))))
    assert all(command in answer for command in ("integrate", "retry", "cancel", "remove"))


async def test_a_non_admin_is_refused_politely_with_help(
    sb: Harness, under: BotUnderTest, tenant: SeededTenant, chat: Client
) -> None:
    """A user of the tenant without the roles: told which roles it takes, offered help."""
    await _signed_in(chat, tenant)
    async with _as(sb, under, tenant, _plain_user(sb, tenant)) as user:
        await user.say("remove")
        refusal = await user.wait_for("the refusal", _having("That needs an admin"))
    assert "You hold: no admin role" in text_of(card_of(refusal))
    assert find_action(card_of(refusal), "Help")["verb"] == "help"


async def test_nobody_is_an_admin_before_the_first_sign_in(chat: Client) -> None:
    """Roles cannot be read yet: the refusal says to start with connect."""
    await chat.say("integrate")
    refusal = await chat.wait_for("the refusal", _having("That needs an admin"))
    assert "connect" in text_of(card_of(refusal))


async def test_an_admin_of_another_tenant_is_refused(
    sb: Harness,
    under: BotUnderTest,
    tenant: SeededTenant,
    chat: Client,
    channel_key: ChannelKey,
) -> None:
    """Another organization's Global Administrator writing in this tenant's conversation
    (a guest) holds no role here."""
    await _signed_in(chat, tenant)
    other = sb.make_tenant(users=1)
    stranger = next(
        u["id"] for u in sb.state(other)["users"] if u["userPrincipalName"] == other.admin
    )
    activity = _activity(sb, chat, "integrate")
    activity["from"] |= {"aadObjectId": stranger}
    assert await _post(under, activity, _signed(channel_key, _claims(sb, under))) == 200
    await chat.wait_for("the refusal", _having("That needs an admin"))


async def test_a_button_carrying_another_tenant_is_refused(
    tenant: SeededTenant, chat: Client
) -> None:
    """A card action whose tenant is not the conversation's changes nothing."""
    await _signed_in(chat, tenant)
    welcome = await chat.wait_for("the welcome card", _having("Hello!"))
    delivery = await chat.press(welcome, "Connect", tenant="00000000-0000-0000-0000-000000000000")
    assert "belongs to another conversation" in text_of(delivery["body"]["value"])


async def test_a_refused_press_leaves_the_card_as_it_was_for_everyone(
    tenant: SeededTenant, chat: Client
) -> None:
    """The refusal replaces the card for the presser only."""
    welcome = await chat.wait_for("the welcome card", _having("Hello!"))
    await chat.press(welcome, "Connect", tenant="00000000-0000-0000-0000-000000000000")
    await chat.say("help")
    await chat.wait_for("help", _having("What I can do"))
    assert "Hello!" in text_of(chat.shown(welcome))


async def test_a_button_from_another_conversation_is_refused(
    sb: Harness, under: BotUnderTest, tenant: SeededTenant, chat: Client
) -> None:
    """A card copied into another conversation of the same tenant does nothing there."""
    await _signed_in(chat, tenant)
    welcome = await chat.wait_for("the welcome card", _having("Hello!"))
    conversation = find_action(card_of(welcome), "Connect")["data"]["conversation"]
    async with _as(sb, under, tenant, _plain_user(sb, tenant)) as user:
        theirs = await user.wait_for("their welcome card", _having("Hello!"))
        delivery = await user.press(theirs, "Connect", conversation=conversation)
    assert "belongs to another conversation" in text_of(delivery["body"]["value"])


async def test_in_a_channel_the_bot_answers_when_mentioned(
    sb: Harness, under: BotUnderTest, tenant: SeededTenant
) -> None:
    """``@Bot status`` in a team's channel."""
    async with httpx.AsyncClient(base_url=sb.endpoints.chat, timeout=30) as http:
        channel = Client(http, under, tenant)
        await channel.open(tenant.admin, kind="channel", team="Voice")
        await channel.say("status")
        await channel.wait_for("the answer", _having("Your organization is not connected."))


async def test_a_failing_check_shows_its_fix_and_check_again_moves_on_once_fixed(
    sb: Harness, under: BotUnderTest
) -> None:
    """Step 2 with no free licence: the check fails with its fix; after buying a seat, "Check
    again" brings the wizard to step 3."""
    tenant = sb.make_tenant(users=4, teams_phone_share=0.5)
    under.grant(tenant)
    async with httpx.AsyncClient(base_url=sb.endpoints.chat, timeout=30) as http:
        chat = Client(http, under, tenant)
        await chat.open(tenant.admin)
        await chat.say("connect")
        wizard = await chat.wait_for("the wizard", _having("Step 1 of 4"))
        await chat.sign_in(_link(wizard, "Sign in to Microsoft (step 1)"), tenant.admin)
        blocked = await chat.wait_for("step 2", _having("Step 2 of 4"))
        said = text_of(card_of(blocked))
        assert "Fix:" in said
        assert "MCOSTANDARD" in said
        _free_a_seat(sb, tenant, "ENTERPRISEPACK")
        delivery = await chat.press(blocked, "Check again")
        assert "Step 3 of 4" in text_of(delivery["body"]["value"])


def _free_a_seat(sb: Harness, tenant: SeededTenant, part_number: str) -> None:
    """The admin takes a licence away from a user, as in the Microsoft 365 admin centre."""
    graph = sb.graph(tenant)
    sku = next(
        s["skuId"] for s in sb.state(tenant)["subscribedSkus"] if s["skuPartNumber"] == part_number
    )
    users = graph.get("/users", params={"$select": "id,assignedLicenses"}).json()["value"]
    holder = next(u for u in users if any(a["skuId"] == sku for a in u["assignedLicenses"]))
    response = graph.post(
        f"/users/{holder['id']}/assignLicense",
        json={"addLicenses": [], "removeLicenses": [sku]},
    )
    assert response.status_code == 200, response.text


async def test_a_button_pressed_without_universal_actions_updates_its_card_for_everyone(
    chat: Client,
) -> None:
    """A client without Action.Execute sends the button's Action.Submit fallback: the card it
    was pressed on becomes the answer, as Execute's would."""
    welcome = await chat.wait_for("the welcome card", _having("Hello!"))

    await chat.submit(welcome, "Connect")

    await chat.wait_for(
        "the wizard in place", lambda _: "Step 1 of 4" in text_of(chat.shown(welcome))
    )


async def test_a_refused_submit_answers_below_and_leaves_the_card_as_it_was(
    tenant: SeededTenant, chat: Client
) -> None:
    """A refusal is for the presser: without Universal Actions it comes as a card of its own."""
    await _signed_in(chat, tenant)
    welcome = await chat.wait_for("the welcome card", _having("Hello!"))

    await chat.submit(welcome, "Connect", tenant="00000000-0000-0000-0000-000000000000")

    await chat.wait_for("the refusal", _having("belongs to another conversation"))
    assert "Hello!" in text_of(chat.shown(welcome))


async def test_a_button_made_for_one_admin_is_refused_to_another_user_in_a_channel(
    sb: Harness, under: BotUnderTest, tenant: SeededTenant
) -> None:
    """The answer an admin asked for in a team's channel takes that admin's presses only."""
    async with httpx.AsyncClient(base_url=sb.endpoints.chat, timeout=30) as http:
        admin = Client(http, under, tenant)
        await admin.open(tenant.admin, kind="channel", team="Voice")
        await admin.say("integrat")
        suggestions = await admin.wait_for("suggestions", _having("I don't know"))
        other = Client(http, under, tenant)
        await other.open(_plain_user(sb, tenant), kind="channel", team="Voice")
        assert other.conversation == admin.conversation

        delivery = await other.press(suggestions, "integrate")

    assert "meant for someone else" in text_of(delivery["body"]["value"])


async def test_a_button_pressed_in_a_channel_thread_is_answered_in_that_channel(
    sb: Harness, under: BotUnderTest, tenant: SeededTenant
) -> None:
    """Teams names a thread's activities ``<channel>;messageid=<root>``: the welcome card was
    sent to the channel itself and starts its own thread, and a press on it from there belongs
    to the channel the card was sent to."""
    async with httpx.AsyncClient(base_url=sb.endpoints.chat, timeout=30) as http:
        admin = Client(http, under, tenant)
        await admin.open(tenant.admin, kind="channel", team="Voice")
        welcome = await admin.wait_for("the welcome card", _having("Hello!"))

        delivery = await admin.press(welcome, "Help")

    said = text_of(delivery["body"]["value"])
    assert "another conversation" not in said
    assert "connect" in said


async def test_an_admin_whose_roles_were_taken_away_is_refused_once_the_cache_expires(
    sb: Harness, tenant: SeededTenant, chat: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Roles are read through Graph and kept for a few minutes, not for ever."""
    await _signed_in(chat, tenant)
    await chat.answer_to("users")
    sb.control.patch(f"/tenants/{tenant.id}/users/{chat.user}", json={"roles": []})

    still = text_of(await chat.answer_to("users"))
    assert "needs an admin" not in still  # still known as an admin
    later = time.time() + BotSettings().admin_cache_seconds + 1
    monkeypatch.setattr(dialogue, "_now", lambda: later)

    assert "needs an admin" in text_of(await chat.answer_to("users"))
