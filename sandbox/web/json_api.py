"""The HTTP edge shared by the JSON APIs: reading bodies, writing replies, reading token tenants."""

from __future__ import annotations

import base64
import json
from typing import Any

import orjson
from aiohttp import web

from sandbox.replies import Reply


class UnreadableBody(Exception):  # noqa: N818 - it is a condition, not an error of ours
    """The request body is not JSON."""


async def read_json(request: web.Request) -> Any:
    """The JSON body, ``None`` when empty; :class:`UnreadableBody` when it is not JSON."""
    raw = await request.read()
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise UnreadableBody(str(exc)) from exc


def to_response(
    reply: Reply, content_type: str = "application/json; charset=utf-8"
) -> web.Response:
    """A reply as an aiohttp response (text bodies stay text)."""
    headers = dict(reply.headers)
    if isinstance(reply.body, str):
        return web.Response(status=reply.status, text=reply.body, headers=headers)
    if reply.body is None:
        return web.Response(status=reply.status, headers=headers)
    headers["Content-Type"] = content_type
    return web.Response(status=reply.status, body=orjson.dumps(reply.body), headers=headers)


def token_tenant(request: web.Request) -> str | None:
    """The ``tid`` of the bearer token, read without verification (only to match fault rules)."""
    parts = request.headers.get("Authorization", "")[7:].split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    tid = claims.get("tid") if isinstance(claims, dict) else None
    return str(tid) if tid else None
