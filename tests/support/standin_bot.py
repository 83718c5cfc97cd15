"""A stand-in bot of the test suite (not the product): a few lines of aiohttp that check the
channel's JWTs the way the Bot Framework documents it and answer through the connector."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import jwt
from aiohttp import web

from tests.support.harness import TEST_APP
from tests.support.sandbox_process import SandboxEndpoints

ISSUER = "https://api.botframework.com"
NAME = "Standin"
CARD = "application/vnd.microsoft.card.adaptive"


def card(text: str, verb: str = "approve", url: str = "https://example.invalid/") -> dict[str, Any]:
    """An Adaptive Card 1.5 with an input, an Action.Execute and an Action.Submit."""
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": text, "wrap": True},
            {"type": "Input.Text", "id": "note", "label": "Note", "placeholder": "a note"},
        ],
        "actions": [
            {"type": "Action.Execute", "title": "Approve", "verb": verb, "data": {"step": 1}},
            {"type": "Action.Submit", "title": "Submit", "data": {"kind": "submitted"}},
            {"type": "Action.OpenUrl", "title": "Open", "url": url},
        ],
    }


@dataclass
class StandinBot:
    """Receives activities at ``endpoint`` and answers them; records what came and what failed."""

    endpoints: SandboxEndpoints
    app_id: str = TEST_APP.client_id
    received: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    invoke_delay: float = 0.0
    endpoint: str = ""
    # Where its channel tokens come from: ``botframework.com`` as a multi-tenant bot does in
    # production (research/botframework-teams.md §2.2), or a tenant id for a single-tenant bot.
    token_tenant: str = "botframework.com"
    # Every activity posted to it, accepted or not, with its Authorization header.
    seen: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _http: httpx.AsyncClient | None = None
    _keys: dict[str, Any] = field(default_factory=dict)
    _token: str | None = None

    @property
    def link(self) -> str:
        """Where the cards' Action.OpenUrl points (a page that exists: the chat itself)."""
        return f"{self.endpoints.chat}?from=card"

    async def start(self) -> None:
        """Listen on a free loopback port."""
        self._http = httpx.AsyncClient(verify=self.endpoints.ssl_context(), timeout=30)
        metadata = (await self._http.get(self.endpoints.openid_metadata)).json()
        for key in (await self._http.get(metadata["jwks_uri"])).json()["keys"]:
            self._keys[key["kid"]] = key
        app = web.Application()
        app.router.add_post("/api/messages", self._on_activity)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(self._runner, sock).start()
        self.endpoint = f"http://127.0.0.1:{sock.getsockname()[1]}/api/messages"

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.aclose()

    def _check(self, request: web.Request, activity: dict[str, Any]) -> str | None:
        """research/botframework-teams.md §2.3: what is wrong with the token, if anything."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return "no bearer token"
        token = header[7:]
        key = self._keys.get(jwt.get_unverified_header(token).get("kid", ""))
        if key is None:
            return "unknown signing key"
        if activity.get("channelId") not in key.get("endorsements", []):
            return "the key is not endorsed for the channel"
        try:
            claims = jwt.decode(
                token,
                jwt.PyJWK(key).key,
                algorithms=["RS256"],
                audience=self.app_id,
                issuer=ISSUER,
                leeway=300,
            )
        except jwt.InvalidTokenError as exc:
            return f"invalid token: {exc}"
        if claims.get("serviceurl") != activity.get("serviceUrl"):
            return "serviceurl claim does not match"
        return None

    async def _on_activity(self, request: web.Request) -> web.Response:
        activity = await request.json()
        self.seen.append((activity, request.headers.get("Authorization", "")))
        problem = self._check(request, activity)
        if problem is not None:
            self.refused.append(problem)
            return web.Response(status=401)
        self.received.append(activity)
        if activity["type"] == "invoke":
            await asyncio.sleep(self.invoke_delay)
            action = activity["value"]["action"]
            who = activity["from"]["name"]
            note = action.get("data", {}).get("note", "")
            return web.json_response(
                {
                    "statusCode": 200,
                    "type": CARD,
                    "value": card(f"{action['verb']} by {who} {note}".strip(), "again", self.link),
                }
            )
        if activity["type"] == "message":
            if activity.get("value"):
                await self.reply(activity, {"type": "message", "text": f"got {activity['value']}"})
            elif "card" in activity.get("text", ""):
                attachment = {"contentType": CARD, "content": card("Approve?", url=self.link)}
                await self.reply(activity, {"type": "message", "attachments": [attachment]})
            else:
                await self.reply(activity, {"type": "message", "text": f"echo: {activity['text']}"})
        return web.Response(status=201)

    async def token(self) -> str:
        """A Bot Framework token from the sandbox's Entra ID (client credentials), kept."""
        assert self._http is not None
        if self._token is not None:
            return self._token
        response = await self._http.post(
            f"{self.endpoints.authority}/{self.token_tenant}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": self.app_id,
                "client_secret": TEST_APP.secret,
                "scope": f"{ISSUER}/.default",
            },
        )
        assert response.status_code == 200, response.text
        self._token = str(response.json()["access_token"])
        return self._token

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A connector call with the bot's token."""
        assert self._http is not None
        headers = {"Authorization": f"Bearer {await self.token()}", **kwargs.pop("headers", {})}
        url = self.endpoints.service_url.rstrip("/") + path
        return await self._http.request(method, url, headers=headers, **kwargs)

    async def reply(self, to: dict[str, Any], activity: dict[str, Any]) -> httpx.Response:
        """Answer an activity in its conversation."""
        path = f"/v3/conversations/{quote(to['conversation']['id'], safe='')}/activities/{to['id']}"
        return await self.call("POST", path, json=activity)
