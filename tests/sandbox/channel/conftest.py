"""A stand-in bot registered with the sandbox's channel, a tenant to chat from, and the chat
page's API as the Teams client uses it."""

from __future__ import annotations

import urllib.parse
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from tests.support.harness import Harness, SeededTenant
from tests.support.sandbox_process import running_sandbox
from tests.support.standin_bot import NAME, StandinBot


@pytest.fixture(scope="module")
def _channel_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    """A sandbox of the module's own: bots check their tokens against wall time, and other
    tests move the shared sandbox's clock ahead."""
    with running_sandbox(tmp_path_factory.mktemp("channel-sandbox")) as (endpoints, _):
        harness = Harness(endpoints)
        yield harness
        harness.close()


@pytest.fixture
def sb(_channel_harness: Harness) -> Iterator[Harness]:
    """This module's sandbox; tenants, faults and knob changes are undone after each test."""
    yield _channel_harness
    _channel_harness.cleanup()


@pytest.fixture
async def bot(sb: Harness) -> AsyncIterator[StandinBot]:
    """The stand-in bot, listening and registered with the channel."""
    standin = StandinBot(sb.endpoints)
    await standin.start()
    response = sb.control.post(
        "/bots", json={"app_id": standin.app_id, "name": NAME, "endpoint": standin.endpoint}
    )
    assert response.status_code == 201, response.text
    yield standin
    sb.control.delete(f"/bots/{standin.app_id}")
    sb.control.patch("/knobs", json={"invoke_timeout_seconds": 15})
    await standin.stop()


@pytest.fixture
def tenant(sb: Harness) -> SeededTenant:
    """A tenant with a Global Administrator and a few users."""
    return sb.make_tenant(users=4)


class Chat:
    """The web chat page's calls, as one user of one tenant."""

    def __init__(
        self, http: httpx.AsyncClient, bot: StandinBot, tenant: SeededTenant, sb: Harness
    ) -> None:
        self.http, self.bot, self.tenant, self.sb = http, bot, tenant, sb

    def bot_state(self, conversation: str) -> dict[str, Any]:
        """The conversation as the channel stores it (control API)."""
        response = self.sb.control.get(f"/conversations/{quote(conversation)}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def open(self, user: str, kind: str = "personal", team: str = "") -> dict[str, Any]:
        """Open the chat with the bot (installing it when needed)."""
        response = await self.http.post(
            "/api/conversations",
            json={
                "bot": self.bot.app_id,
                "tenant": self.tenant.id,
                "user": user,
                "kind": kind,
                "team": team,
            },
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def say(self, conversation: str, user: str, text: str, **extra: Any) -> httpx.Response:
        """Type a message."""
        return await self.http.post(
            f"/api/conversations/{quote(conversation)}/messages",
            json={"user": user, "text": text, **extra},
        )

    async def click(
        self, conversation: str, user: str, activity_id: str, action: dict[str, Any]
    ) -> httpx.Response:
        """Click an Action.Execute button."""
        return await self.http.post(
            f"/api/conversations/{quote(conversation)}/actions",
            json={"user": user, "activityId": activity_id, "action": action},
        )


def quote(conversation_id: str) -> str:
    """A conversation id as a path segment."""
    return urllib.parse.quote(conversation_id, safe="")


@pytest.fixture
async def chat(sb: Harness, bot: StandinBot, tenant: SeededTenant) -> AsyncIterator[Chat]:
    """The chat page's API."""
    base = sb.endpoints.chat
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        yield Chat(http, bot, tenant, sb)
