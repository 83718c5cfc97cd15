"""The web chat in real Chromium (Debian's, driven by Playwright): send a message, receive a
card, fill its input and click a button, see the card updated in place, get a proactive message
without reloading, and open a link in a new tab."""

from __future__ import annotations

from urllib.parse import urlencode

from playwright.async_api import Browser, Page, expect

from tests.sandbox.channel.conftest import Chat, quote
from tests.support.harness import Harness, SeededTenant
from tests.support.standin_bot import StandinBot


async def _open_chat(
    browser: Browser, sb: Harness, bot: StandinBot, tenant: SeededTenant, kind: str = "personal"
) -> Page:
    page = await browser.new_page(locale="en-US")
    query = urlencode({"tenant": tenant.id, "user": tenant.admin, "bot": bot.app_id, "kind": kind})
    await page.goto(f"{sb.endpoints.chat}?{query}")
    await expect(page.locator("body")).to_have_attribute("data-ready", "true")
    await page.click("#open")
    await expect(page.locator("body")).to_have_attribute("data-live", "true")
    return page


async def test_a_conversation_with_cards_in_chromium(
    browser: Browser, sb: Harness, bot: StandinBot, tenant: SeededTenant, chat: Chat
) -> None:
    """The whole loop a user goes through, in the browser."""
    page = await _open_chat(browser, sb, bot, tenant)

    await page.fill("#text", "hello from the browser")
    await page.press("#text", "Enter")
    await expect(page.locator(".message.bot .bubble").last).to_have_text(
        "echo: hello from the browser"
    )

    await page.fill("#text", "card please")
    await page.click("#send")
    card = page.locator(".message.bot .card").last
    await expect(card).to_contain_text("Approve?")
    message_id = await page.locator(".message.bot").last.get_attribute("data-id")
    await card.locator("input").fill("looks good")
    await card.get_by_role("button", name="Approve").click()
    updated = page.locator(f'.message[data-id="{message_id}"] .card')
    await expect(updated).to_contain_text("approve by")
    await expect(updated).to_contain_text("looks good")
    invoke = bot.received[-1]
    assert invoke["name"] == "adaptiveCard/action"
    assert invoke["value"]["action"]["data"] == {"step": 1, "note": "looks good"}

    async with page.context.expect_page() as popup:
        # Action.OpenUrl renders as a link-role button.
        await updated.get_by_role("link", name="Open").click()
    opened = await popup.value
    assert opened.url == bot.link

    conversation = chat.bot_state(str(await _conversation_id(page)))
    assert conversation["installed"] is True
    me = conversation["members"][0]
    response = await bot.call(
        "POST",
        "/v3/conversations",
        json={
            "bot": {"id": f"28:{bot.app_id}"},
            "members": [{"id": me["id"]}],
            "tenantId": tenant.id,
            "activity": {"type": "message", "text": "A proactive **hello**"},
        },
    )
    assert response.status_code == 201, response.text
    await expect(page.locator(".message.bot .bubble").last).to_contain_text("A proactive hello")
    await expect(page.locator(".message.bot .bubble strong").last).to_have_text("hello")

    # The bot edits that message (PUT): it changes in place, still without a reload.
    proactive = response.json()["activityId"]
    edited = await bot.call(
        "PUT",
        f"/v3/conversations/{quote(response.json()['id'])}/activities/{proactive}",
        json={"type": "message", "text": "An edited hello"},
    )
    assert edited.status_code == 200, edited.text
    in_place = page.locator(f'.message[data-id="{proactive}"]')
    await expect(in_place.locator(".bubble")).to_have_text("An edited hello")
    await expect(in_place).to_have_class("message bot updated")


async def test_submit_sends_the_card_inputs_as_a_message_value(
    browser: Browser, sb: Harness, bot: StandinBot, tenant: SeededTenant, chat: Chat
) -> None:
    """Action.Submit: a message with the card's data merged with its inputs."""
    page = await _open_chat(browser, sb, bot, tenant)
    await page.fill("#text", "card please")
    await page.press("#text", "Enter")
    card = page.locator(".message.bot .card").last
    await card.locator("input").fill("submitted note")
    await card.get_by_role("button", name="Submit").click()
    await expect(page.locator(".message.bot .bubble").last).to_contain_text("got")
    assert bot.received[-1]["value"] == {"kind": "submitted", "note": "submitted note"}


async def test_a_channel_message_shows_its_mention_as_a_name_not_markup(
    browser: Browser, sb: Harness, bot: StandinBot, tenant: SeededTenant, chat: Chat
) -> None:
    """In a channel the bot hears only an @mention: the user's bubble shows "@App" highlighted,
    as Teams does, not the ``<at>`` markup the activity carries."""
    page = await _open_chat(browser, sb, bot, tenant, kind="channel")
    await page.fill("#text", "hello <b>there</b>")
    await page.press("#text", "Enter")
    await expect(page.locator(".message.bot .bubble").last).to_contain_text("echo:")

    sent = bot.received[-1]
    mentioned = next(e for e in sent["entities"] if e["type"] == "mention")["mentioned"]["name"]
    assert sent["text"] == f"<at>{mentioned}</at> hello <b>there</b>"
    bubble = page.locator(".message.mine .bubble").last
    await expect(bubble).to_have_text(f"@{mentioned} hello <b>there</b>")
    await expect(bubble.locator(".mention")).to_have_text(f"@{mentioned}")
    await expect(bubble.locator("b")).to_have_count(0)


async def _conversation_id(page: Page) -> str:
    value = await page.evaluate("() => state.conversation")
    return str(value)
