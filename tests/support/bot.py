"""The product's bot running in the test's event loop against a sandbox: its own app
registration (the sign-in callback is on the bot's port), registered with the channel, a
runner beside it, and the web chat's API to talk to it as a user of a tenant."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web

from bot.server import Bot, build_bot
from bot.settings import BotSettings
from bot.sign_in_pages import COOKIE as SIGN_IN_COOKIE
from tests.support.harness import ADMIN_SCOPES, GRAPH_DELEGATED, TEAMS_SCOPE, Harness, SeededTenant
from tests.support.processes import stop
from tests.support.product import VAULT_KEY, Product, product_env
from tests.support.signin import sign_in

BOT_NAME = "Callroute"
ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class BotEndpoint:
    """A bot registered with the sandbox's channel: its app and where it listens."""

    sb: Harness
    app_id: str
    url: str
    secret: str

    def grant(self, tenant: SeededTenant) -> None:
        """The tenant consents to the bot's app (Graph and the Teams admin API)."""
        response = self.sb.control.post(
            f"/tenants/{tenant.id}/consents",
            json={"client_id": self.app_id, "scopes": [*ADMIN_SCOPES, TEAMS_SCOPE]},
        )
        assert response.status_code == 200, response.text


@dataclass
class BotUnderTest(BotEndpoint):
    """The bot running in the test's event loop, with its product installation."""

    product: Product
    bot: Bot


def register_app(sb: Harness, url: str) -> tuple[str, str]:
    """An app registration for a bot at ``url`` (its sign-in callback there); id and secret."""
    app_id, secret = str(uuid.uuid4()), "bot-secret-" + uuid.uuid4().hex
    registered = sb.control.post(
        "/apps",
        json={
            "client_id": app_id,
            "secret": secret,
            "display_name": BOT_NAME,
            "redirect_uris": [f"{url}/auth/callback"],
            "delegated": {
                "Microsoft Graph": GRAPH_DELEGATED,
                "Skype and Teams Tenant Admin API": ["user_impersonation"],
            },
        },
    )
    assert registered.status_code == 201, registered.text
    return app_id, secret


def bot_env(sb: Harness, app_id: str, secret: str, url: str) -> dict[str, str]:
    """The bot's settings against the sandbox, by the Bot Framework's names."""
    e = sb.endpoints
    return {
        "MicrosoftAppId": app_id,
        "MicrosoftAppPassword": secret,
        "ToChannelFromBotLoginUrl": f"{e.authority}/botframework.com",
        "ToBotFromChannelOpenIdMetadataUrl": e.openid_metadata,
        "CA_BUNDLE": e.ca_file,
        "BOT_PORT": url.rsplit(":", 1)[1],
        "BOT_PUBLIC_URL": url,
        "OAUTH_REDIRECT_URI": f"{url}/auth/callback",
    }


def register_bot(sb: Harness, app_id: str, url: str) -> None:
    """Tell the channel where the bot's messaging endpoint is."""
    response = sb.control.post(
        "/bots", json={"app_id": app_id, "name": BOT_NAME, "endpoint": f"{url}/api/messages"}
    )
    assert response.status_code == 201, response.text


@dataclass
class ServedBot(BotEndpoint):
    """A bot served by ``python app.py serve`` in a process of its own."""

    proc: subprocess.Popen[bytes]


@contextmanager
def served_bot(sb: Harness, tmp: Path, **env: str) -> Iterator[ServedBot]:
    """``python app.py serve --with-runner`` in a process of its own, with a SQLite database
    in ``tmp`` (its log in ``tmp/serve.log``), registered with the channel."""
    url = f"http://127.0.0.1:{free_port()}"
    app_id, secret = register_app(sb, url)
    settings = {
        **os.environ,
        **product_env(sb.endpoints, f"sqlite:///{tmp / 'bot.db'}"),
        **bot_env(sb, app_id, secret, url),
        **env,
    }
    command = [sys.executable, str(ROOT / "app.py")]
    subprocess.run([*command, "migrate"], env=settings, check=True, capture_output=True)
    with (tmp / "serve.log").open("w") as log:
        proc = subprocess.Popen(
            [*command, "serve", "--with-runner"], env=settings, stdout=log, stderr=log
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, (tmp / "serve.log").read_text()
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "the bot did not start"
                time.sleep(0.1)
            register_bot(sb, app_id, url)
            yield ServedBot(sb, app_id, url, secret, proc)
        finally:
            stop(proc)
            sb.control.delete(f"/bots/{app_id}")


@asynccontextmanager
async def running_bot(
    sb: Harness,
    tmp: Path,
    *,
    runner: bool = True,
    again: BotUnderTest | None = None,
    restarts: bool = False,
    **env: str,
) -> AsyncIterator[BotUnderTest]:
    """The bot (and a runner) until the block ends; ``again``: the same installation (app,
    port, database) started anew, as after a restart; ``restarts``: it will be (the channel
    keeps its registration and conversations)."""
    if again is None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        app_id, secret = register_app(sb, url)
    else:
        app_id, secret, url = again.app_id, again.secret, again.url
        port = int(url.rsplit(":", 1)[1])
    product = Product.create(
        sb,
        f"sqlite:///{tmp / 'bot.db'}",
        MicrosoftAppId=app_id,
        MicrosoftAppPassword=secret,
        OAUTH_REDIRECT_URI=f"{url}/auth/callback",
        **env,
    )
    settings = BotSettings.model_validate(bot_env(sb, app_id, secret, url))
    bot = build_bot(
        settings,
        product.runtime.integrations,
        product.runtime.engine,
        base64.b64decode(VAULT_KEY),
        sb.endpoints.authority,
        notifier_owner="test-notifier",
    )
    site = web.AppRunner(bot.app)
    await site.setup()
    await web.TCPSite(site, "127.0.0.1", port).start()
    register_bot(sb, app_id, url)
    stopping = asyncio.Event()
    work = (
        asyncio.create_task(
            product.runner(idle_poll_seconds=0.1, hold_seconds=1.0).run_forever(stopping)
        )
        if runner
        else None
    )
    try:
        yield BotUnderTest(sb, app_id, url, secret, product, bot)
    finally:
        stopping.set()
        if work is not None:
            await work
        await site.cleanup()  # answers still on their way are sent first
        if not restarts:
            sb.control.delete(f"/bots/{app_id}")
        product.close()


class Client:
    """One user of a tenant in the web chat, talking to the bot."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        under: BotEndpoint,
        tenant: SeededTenant,
        locale: str | None = None,
    ) -> None:
        self.http, self.under, self.tenant = http, under, tenant
        self.conversation = ""
        self.user = ""
        # The language of this user's Teams client (and browser); None leaves the channel's.
        self.locale = locale

    def _body(self, **fields: Any) -> dict[str, Any]:
        return {**fields, "locale": self.locale} if self.locale else fields

    def _browser_headers(self) -> dict[str, str]:
        return {"Accept-Language": self.locale} if self.locale else {}

    async def open(self, upn: str, kind: str = "personal", team: str = "") -> None:
        """Open the chat with the bot as ``upn`` (installing it)."""
        user = next(
            u["id"]
            for u in self.under.sb.state(self.tenant)["users"]
            if u["userPrincipalName"] == upn
        )
        response = await self.http.post(
            "/api/conversations",
            json=self._body(
                bot=self.under.app_id, tenant=self.tenant.id, user=user, kind=kind, team=team
            ),
        )
        assert response.status_code == 200, response.text
        self.conversation, self.user = response.json()["id"], user

    async def say(self, text: str) -> None:
        """Type a message."""
        response = await self.http.post(
            f"/api/conversations/{urllib.parse.quote(self.conversation, safe='')}/messages",
            json=self._body(user=self.user, text=text),
        )
        assert response.status_code == 200, response.text

    async def press(self, card: dict[str, Any], title: str, **inputs: str) -> dict[str, Any]:
        """Press the button ``title`` on the card posted as ``card`` (its activity); returns
        the channel's delivery (with the bot's answer)."""
        action = find_action(card_of(card), title)
        data = {**action.get("data", {}), **inputs}
        response = await self.http.post(
            f"/api/conversations/{urllib.parse.quote(self.conversation, safe='')}/actions",
            json=self._body(
                user=self.user,
                activityId=card["id"],
                action={"type": "Action.Execute", "verb": action["verb"], "data": data},
            ),
        )
        assert response.status_code == 200, response.text
        delivery: dict[str, Any] = response.json()["delivery"]
        return delivery

    async def submit(self, card: dict[str, Any], title: str, **inputs: str) -> dict[str, Any]:
        """Press ``title`` as a client without Universal Actions does: its ``Action.Submit``
        fallback, a message carrying the button's data and the inputs; the delivery."""
        fallback = find_action(card_of(card), title)["fallback"]
        assert fallback["type"] == "Action.Submit"
        response = await self.http.post(
            f"/api/conversations/{urllib.parse.quote(self.conversation, safe='')}/messages",
            json=self._body(
                user=self.user,
                text="",
                value={**fallback.get("data", {}), **inputs},
                activityId=card["id"],
            ),
        )
        assert response.status_code == 200, response.text
        delivery: dict[str, Any] = response.json()["delivery"]
        return delivery

    def activities(self) -> list[dict[str, Any]]:
        """Every activity of the conversation, as the channel has it now (edits applied)."""
        quoted = urllib.parse.quote(self.conversation, safe="")
        response = self.under.sb.control.get(f"/conversations/{quoted}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return list(body["activities"])

    def bot_cards(self) -> list[dict[str, Any]]:
        """The bot's messages that carry a card, oldest first."""
        return [
            a
            for a in self.activities()
            if a.get("from", {}).get("id", "").startswith("28:") and a.get("attachments")
        ]

    def shown(self, card: dict[str, Any]) -> dict[str, Any]:
        """The card posted as ``card``, as the channel shows it to everyone now."""
        return card_of(next(a for a in self.activities() if a["id"] == card["id"]))

    async def answer_to(self, text: str) -> dict[str, Any]:
        """Type ``text``; the bot's next card."""
        before = len(self.bot_cards())
        await self.say(text)
        answers = await self.wait_for(f"the answer to {text}", lambda cards: cards[before:])
        return card_of(answers[0])

    async def wait_for(
        self, what: str, predicate: Callable[[list[dict[str, Any]]], Any], within: float = 60
    ) -> Any:
        """Poll the bot's cards until ``predicate`` gives something truthy."""
        deadline = time.monotonic() + within
        while True:
            found = predicate(self.bot_cards())
            if found:
                return found
            assert time.monotonic() < deadline, (
                f"gave up waiting for {what}: {texts(self.bot_cards())[-5:]}"
            )
            await asyncio.sleep(0.2)

    async def sign_in(self, link: str, upn: str, cookie: str | None = None) -> httpx.Response:
        """Follow a sign-in link as the admin's browser would, to the page it ends on (with
        ``cookie``, the answer comes back to a browser holding that sign-in cookie instead)."""
        authorize, started_with = await self.start_sign_in(link)
        answer = await self.answer_of(authorize, upn)
        return await self.finish_sign_in(answer, started_with if cookie is None else cookie)

    async def start_sign_in(self, link: str) -> tuple[str, str]:
        """Open the link: where it sends the browser, and the browser's sign-in cookie."""
        async with httpx.AsyncClient(
            follow_redirects=False, timeout=30, headers=self._browser_headers()
        ) as bot_pages:
            start = await bot_pages.get(link)
        assert start.status_code == 302, start.text
        return start.headers["Location"], start.cookies[SIGN_IN_COOKIE]

    async def answer_of(self, authorize: str, upn: str) -> tuple[str, dict[str, str]]:
        """Sign in on Microsoft's page as ``upn``: where it posts the answer, and the answer."""
        verify = self.under.sb.endpoints.ssl_context()
        with httpx.Client(verify=verify, follow_redirects=False, timeout=30) as browser:
            result = await asyncio.to_thread(sign_in, browser, authorize, upn)
        assert result.redirect is not None, result.page.text if result.page else ""
        return result.redirect, dict(result.params)

    async def finish_sign_in(
        self, answer: tuple[str, dict[str, str]], cookie: str
    ) -> httpx.Response:
        """Post Microsoft's answer to the bot from a browser holding ``cookie``."""
        url, params = answer
        cookies = {"Cookie": f"{SIGN_IN_COOKIE}={cookie}"} if cookie else {}
        async with httpx.AsyncClient(timeout=30) as bot_pages:
            return await bot_pages.post(
                url, data=params, headers={**self._browser_headers(), **cookies}
            )


def card_of(activity: dict[str, Any]) -> dict[str, Any]:
    """The Adaptive Card an activity carries."""
    content: dict[str, Any] = activity["attachments"][0]["content"]
    return content


def walk(node: Any) -> list[dict[str, Any]]:
    """Every object in a card, depth first."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += walk(value)
    elif isinstance(node, list):
        for value in node:
            found += walk(value)
    return found


def find_action(card: dict[str, Any], title: str) -> dict[str, Any]:
    """The action titled ``title`` (Execute preferred over its fallback)."""
    actions = [
        o
        for o in walk(card)
        if str(o.get("type", "")).startswith("Action.") and o.get("title") == title
    ]
    assert actions, f"no button {title!r} on the card"
    return next((a for a in actions if a["type"] == "Action.Execute"), actions[0])


def text_of(card: dict[str, Any]) -> str:
    """All the text a card shows."""
    parts = []
    for o in walk(card):
        for key in ("text", "title", "value"):
            if isinstance(o.get(key), str):
                parts.append(o[key])
    return " | ".join(parts)


def texts(activities: list[dict[str, Any]]) -> list[str]:
    """The text of each activity's card."""
    return [text_of(card_of(a)) for a in activities]
