"""JSON in and out of the channel's HTTP surfaces (connector and chat), in Teams' error shape."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from sandbox.channel.service import ChannelError


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON answer."""
    return web.Response(
        status=status, body=orjson.dumps(body), content_type="application/json", headers=headers
    )


async def read_object(request: web.Request, empty: bytes = b"null") -> dict[str, Any]:
    """The body as a JSON object, or a 400 :class:`ChannelError`."""
    try:
        data = orjson.loads(await request.read() or empty)
    except orjson.JSONDecodeError as exc:
        raise ChannelError(400, "BadSyntax", f"The body is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ChannelError(400, "BadArgument", "The body must be a JSON object.")
    return data
