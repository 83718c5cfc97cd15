"""The web chat's own calls: the page is pushed what the bot does while it is open (server-sent
events, no reloading), and bad requests get a 4xx that changes nothing."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.sandbox.channel.conftest import Chat, quote
from tests.support.harness import SeededTenant
from tests.support.standin_bot import StandinBot


async def _next_event(lines: Any) -> dict[str, Any]:
    async for line in lines:
        if line.startswith("data: "):
            event: dict[str, Any] = json.loads(line[6:])
            return event
    raise AssertionError("the stream ended")


async def test_an_open_page_is_pushed_the_bot_s_messages_and_edits(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """A proactive message arrives, then its edit, on the open event stream."""
    opened = await chat.open(tenant.admin)
    events = f"/api/conversations/{quote(opened['id'])}/events"
    async with chat.http.stream("GET", events, params={"user": tenant.admin}) as stream:
        lines = stream.aiter_lines()
        path = f"/v3/conversations/{quote(opened['id'])}/activities"
        sent = await bot.call("POST", path, json={"type": "message", "text": "one"})
        pushed = await asyncio.wait_for(_next_event(lines), 10)
        assert pushed["kind"] == "activity"
        assert pushed["activity"]["text"] == "one"
        assert pushed["activity"]["fromBot"] is True
        activity_id = sent.json()["id"]
        await bot.call("PUT", f"{path}/{activity_id}", json={"type": "message", "text": "two"})
        edited = await asyncio.wait_for(_next_event(lines), 10)
        assert edited == {"kind": "update", "activity": {**edited["activity"], "text": "two"}}
        assert edited["activity"]["id"] == activity_id


async def test_a_message_posted_before_the_page_listens_is_pushed_when_it_does(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """A bot answers an install in the background, so its welcome can land after the page's
    open and before its event stream: the stream starts with what the user already has."""
    opened = await chat.open(tenant.admin)
    path = f"/v3/conversations/{quote(opened['id'])}/activities"
    await bot.call("POST", path, json={"type": "message", "text": "welcome"})
    events = f"/api/conversations/{quote(opened['id'])}/events"

    async with chat.http.stream("GET", events, params={"user": tenant.admin}) as stream:
        pushed = await asyncio.wait_for(_next_event(stream.aiter_lines()), 10)

    assert pushed["kind"] == "activity"
    assert pushed["activity"]["text"] == "welcome"


async def test_a_stranger_cannot_listen_to_a_personal_chat(
    chat: Chat, tenant: SeededTenant
) -> None:
    """Only the conversation's members get its events."""
    opened = await chat.open(tenant.admin)
    response = await chat.http.get(
        f"/api/conversations/{quote(opened['id'])}/events", params={"user": "nobody"}
    )
    assert response.status_code == 403


async def test_bad_requests_get_a_4xx(chat: Chat, tenant: SeededTenant) -> None:
    """Unknown conversation 404; missing fields, empty messages and non-JSON bodies 400."""
    opened = await chat.open(tenant.admin)
    path = f"/api/conversations/{quote(opened['id'])}/messages"
    assert (await chat.http.post("/api/conversations/nope/messages", json={})).status_code == 404
    assert (await chat.http.post(path, json={"text": "x"})).status_code == 400
    assert (await chat.http.post(path, json={"user": tenant.admin, "text": " "})).status_code == 400
    assert (await chat.http.post(path, content=b"{bad")).status_code == 400
    assert (await chat.http.post("/api/conversations", json={"bot": "x"})).status_code == 400
    assert chat.bot_state(opened["id"])["activities"] == []


async def test_the_chat_s_language_reaches_the_bot_as_teams_sends_a_client_s(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """A page in German: the activity's ``locale`` and its clientInfo entity say de-DE."""
    opened = await chat.open(tenant.admin)

    answer = await chat.say(opened["id"], tenant.admin, "help", locale="de-DE")

    assert answer.status_code == 200, answer.text
    activity = bot.received[-1]
    assert activity["locale"] == "de-DE"
    client = [e for e in activity["entities"] if e["type"] == "clientInfo"]
    assert client == [{"type": "clientInfo", "locale": "de-DE", "country": "DE", "platform": "Web"}]


async def test_a_chat_without_a_language_speaks_teams_default_english(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """No language given: en-US, as before."""
    opened = await chat.open(tenant.admin)

    await chat.say(opened["id"], tenant.admin, "help")

    assert bot.received[-1]["locale"] == "en-US"


async def test_a_language_that_is_no_language_tag_gets_a_400(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """The page's language is checked like every other field, and nothing is sent."""
    opened = await chat.open(tenant.admin)
    before = len(bot.received)

    answer = await chat.say(opened["id"], tenant.admin, "help", locale="<script>")

    assert answer.status_code == 400
    assert len(bot.received) == before
