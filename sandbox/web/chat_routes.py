"""The Teams-like web chat: a page (``/chat``) and the JSON and server-push calls it makes. The
page plays the Teams client; everything it does reaches the bot through the channel."""

from __future__ import annotations

import asyncio
import contextlib
import re
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web

from sandbox.catalog.roles import ROLES_BY_ID
from sandbox.channel.service import ChannelError, ChannelService
from sandbox.state import Sandbox
from sandbox.web.channel_json import json_response, read_object

CHAT_DIR = Path(__file__).with_name("chat")
STATIC = CHAT_DIR / "static"
MODULES = CHAT_DIR / "node_modules"
# What the page loads from npm packages (installed by `make setup` with `npm ci`).
VENDOR = {
    "adaptivecards.js": MODULES / "adaptivecards" / "dist" / "adaptivecards.min.js",
    "teams-host-config.json": MODULES
    / "adaptivecards-designer"
    / "lib"
    / "hostConfigs"
    / "microsoft-teams-light.json",
    "adaptivecards.css": MODULES / "adaptivecards" / "dist" / "adaptivecards.css",
    "markdown-it.js": MODULES / "markdown-it" / "dist" / "markdown-it.min.js",
}
# The page's icons: Fluent UI System Icons (Microsoft's, as in Teams), one SVG file per icon,
# served by name (``chat_24_regular.svg``) and drawn as CSS masks in the text's colour.
ICONS = MODULES / "@fluentui" / "svg-icons" / "icons"
ICON_NAME = re.compile(r"[a-z0-9_]+\.svg")
USERS_LISTED = 25
KEEPALIVE_SECONDS = 15.0


def add_chat_routes(app: web.Application, sb: Sandbox, channel: ChannelService) -> None:
    """``/chat`` and ``/chat/api/…``."""

    def field(data: dict[str, Any], name: str) -> str:
        value = data.get(name)
        if not isinstance(value, str) or not value:
            raise ChannelError(400, "BadArgument", f"'{name}' is required.")
        return value

    def handler(fn: Any) -> Any:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            try:
                return await fn(request)  # type: ignore[no-any-return]
            except ChannelError as exc:
                return json_response(exc.body(), exc.status)

        return wrapped

    async def page(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html")

    async def static(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        path = STATIC / name
        if "/" in name or not path.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(path)

    def package_file(path: Path) -> web.StreamResponse:
        if not path.is_file():
            return web.Response(
                status=503,
                text=f"{path.relative_to(CHAT_DIR)} is missing: run `make setup` (npm ci).",
            )
        return web.FileResponse(path)

    async def vendor(request: web.Request) -> web.StreamResponse:
        path = VENDOR.get(request.match_info["name"])
        if path is None:
            raise web.HTTPNotFound()
        return package_file(path)

    async def icon(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if not ICON_NAME.fullmatch(name):
            raise web.HTTPNotFound()
        if ICONS.is_dir() and not (ICONS / name).is_file():
            raise web.HTTPNotFound()
        return package_file(ICONS / name)

    async def directory(request: web.Request) -> web.Response:
        tenants = []
        for tenant in sb.directory:
            users = [u for u in tenant.users.values() if not u.deleted]
            # Admins first: they are who the bot is for; a few others to try being refused.
            users.sort(key=lambda u: (not u.roles, u.seq))
            tenants.append(
                {
                    "id": tenant.id,
                    "name": tenant.display_name,
                    "domain": tenant.initial_domain.name,
                    "users": [
                        {
                            "id": u.id,
                            "upn": u.user_principal_name,
                            "name": u.display_name,
                            "roles": sorted(
                                ROLES_BY_ID[r].name for r in u.roles if r in ROLES_BY_ID
                            ),
                        }
                        for u in users[:USERS_LISTED]
                    ],
                }
            )
        bots = [b.to_json() for b in channel.store.bots.values()]
        return json_response({"bots": bots, "tenants": tenants})

    @handler
    async def open_conversation(request: web.Request) -> web.Response:
        data = await read_object(request, empty=b"{}")
        kind = data.get("kind", "personal")
        if kind not in ("personal", "channel"):
            raise ChannelError(400, "BadArgument", "'kind' is personal or channel.")
        user = field(data, "user")
        _client_locale(channel, field(data, "tenant"), user, data)
        conversation, deliveries = await channel.open(
            field(data, "bot"), field(data, "tenant"), user, kind, str(data.get("team", ""))
        )
        member = channel.member(conversation.tenant_id, user)
        return json_response(
            {
                "id": conversation.id,
                "kind": conversation.kind,
                "name": conversation.name or conversation.bot.name,
                "me": {"id": member.object_id, "mri": member.mri, "name": member.name},
                "activities": channel.history(conversation, member.object_id),
                "deliveries": [d.to_json() for d in deliveries],
            }
        )

    @handler
    async def say(request: web.Request) -> web.Response:
        data = await read_object(request, empty=b"{}")
        conversation = channel.conversation(request.match_info["conversation"])
        value = data.get("value")
        if value is not None and not isinstance(value, dict):
            raise ChannelError(400, "BadArgument", "'value' must be an object.")
        text = data.get("text", "")
        if not isinstance(text, str) or (not text.strip() and value is None):
            raise ChannelError(400, "BadArgument", "Type a message.")
        card = data.get("activityId")
        if card is not None and (not isinstance(card, str) or value is None):
            raise ChannelError(400, "BadArgument", "'activityId' names the submitted card.")
        _client_locale(channel, conversation.tenant_id, field(data, "user"), data)
        activity, delivery = await channel.say(conversation, field(data, "user"), text, value, card)
        return json_response({"id": activity["id"], "delivery": delivery.to_json()})

    @handler
    async def act(request: web.Request) -> web.Response:
        data = await read_object(request, empty=b"{}")
        conversation = channel.conversation(request.match_info["conversation"])
        action = data.get("action")
        if not isinstance(action, dict):
            raise ChannelError(400, "BadArgument", "'action' must be an object.")
        trigger = data.get("trigger", "manual")
        if trigger not in ("manual", "automatic"):
            raise ChannelError(400, "BadArgument", "'trigger' is manual or automatic.")
        _client_locale(channel, conversation.tenant_id, field(data, "user"), data)
        delivery = await channel.click(
            conversation, field(data, "user"), field(data, "activityId"), action, trigger
        )
        return json_response({"delivery": delivery.to_json()})

    @handler
    async def uninstall(request: web.Request) -> web.Response:
        data = await read_object(request, empty=b"{}")
        conversation = channel.conversation(request.match_info["conversation"])
        delivery = await channel.uninstall(conversation, field(data, "user"))
        return json_response({"delivery": delivery.to_json()})

    @handler
    async def events(request: web.Request) -> web.StreamResponse:
        conversation = channel.conversation(request.match_info["conversation"])
        user = request.query.get("user", "")
        member = conversation.member(user)
        if member is None:
            raise ChannelError(403, "Forbidden", "Not a member of this conversation.")
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        queue = channel.hub.listen(conversation.id, member.object_id)
        # What was posted between the page's open and this stream (a bot answers an install in
        # the background) or while the stream reconnected: a Teams client never loses a message.
        # Listening and reading the history happen without a pause between them, so every later
        # message comes through the queue; the page shows each message id once.
        for activity in channel.history(conversation, member.object_id):
            queue.put_nowait({"kind": "activity", "activity": activity})
        try:
            await response.write(b": connected\n\n")
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                if event["kind"] == "closed":
                    break
                await response.write(b"data: " + orjson.dumps(event) + b"\n\n")
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            channel.hub.leave(conversation.id, queue)
        with contextlib.suppress(ConnectionResetError):
            await response.write_eof()
        return response

    r = app.router
    r.add_get("/chat", page)
    r.add_get("/chat/", page)
    r.add_get("/chat/static/{name}", static)
    r.add_get("/chat/vendor/{name}", vendor)
    r.add_get("/chat/vendor/icons/{name}", icon)
    r.add_get("/chat/api/directory", directory)
    r.add_post("/chat/api/conversations", open_conversation)
    conv = "/chat/api/conversations/{conversation}"
    r.add_post(f"{conv}/messages", say)
    r.add_post(f"{conv}/actions", act)
    r.add_post(f"{conv}/uninstall", uninstall)
    r.add_get(f"{conv}/events", events)


# A BCP 47 language tag as browsers and Teams clients send them (``de``, ``de-DE``, ``zh-Hans-CN``).
LOCALE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}")


def _client_locale(
    channel: ChannelService, tenant_id: str, user: str, data: dict[str, Any]
) -> None:
    """The web chat says which language its page runs in, as a Teams client does."""
    locale = data.get("locale")
    if locale is None:
        return
    if not isinstance(locale, str) or not LOCALE.fullmatch(locale):
        raise ChannelError(400, "BadArgument", "'locale' is a language tag such as de-DE.")
    channel.client_locale(tenant_id, user, locale)
