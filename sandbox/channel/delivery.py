"""Sending activities to a bot's messaging endpoint, signed, and reading its answer."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import aiohttp

from sandbox.channel.model import Bot
from sandbox.channel.tokens import channel_token
from sandbox.signing import SigningKey


@dataclass(frozen=True)
class Delivery:
    """The bot's answer: HTTP status and JSON body, or why there was none."""

    status: int
    body: Any = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """As the chat page sees it."""
        return {"status": self.status, "body": self.body, "error": self.error}


class Deliverer:
    """Posts activities to bots with a fresh channel token each."""

    def __init__(self, key: SigningKey) -> None:
        self._key = key
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        """Release the HTTP client."""
        if self._session is not None:
            await self._session.close()

    async def send(
        self, bot: Bot, activity: dict[str, Any], now: float, deadline: float
    ) -> Delivery:
        """POST ``activity``; answers slower than ``deadline`` s are Teams' 504."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        token = channel_token(self._key, bot.app_id, activity["serviceUrl"], now)
        try:
            async with asyncio.timeout(deadline):
                async with self._session.post(
                    bot.endpoint,
                    json=activity,
                    headers={"Authorization": f"Bearer {token}"},
                ) as response:
                    text = await response.text()
        except TimeoutError:
            return Delivery(504, error=f"GatewayTimeout: the bot did not answer in {deadline:g} s")
        except aiohttp.ClientError as exc:
            return Delivery(502, error=f"BadGateway: the bot could not be reached ({exc})")
        try:
            body = json.loads(text) if text else None
        except ValueError:
            body = text
        return Delivery(response.status, body)
