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
