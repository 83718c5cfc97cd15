"""The channel's HTTP surface (plain http on loopback, like a browser-facing page): the Bot
Connector for bots and the web chat for people."""

from __future__ import annotations

from aiohttp import web

from sandbox.channel.service import ChannelService
from sandbox.state import Sandbox
from sandbox.web.chat_routes import add_chat_routes
from sandbox.web.connector_routes import add_connector_routes


def channel_app(sb: Sandbox, channel: ChannelService) -> web.Application:
    """The aiohttp application of the channel."""
    app = web.Application(client_max_size=4 * 1024 * 1024)
    add_connector_routes(app, sb, channel)
    add_chat_routes(app, sb, channel)

    async def end_streams(_: web.Application) -> None:
        channel.hub.close_all()

    async def close(_: web.Application) -> None:
        await channel.deliverer.close()

    app.on_shutdown.append(end_streams)
    app.on_cleanup.append(close)
    return app
