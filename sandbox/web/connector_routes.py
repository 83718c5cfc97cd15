"""Bot Connector v3 as Teams serves it (research/botframework-teams.md §2.1, §3.4; msteams-docs
``msteams-platform/bots/how-to/get-teams-context.md`` for members and teams): the calls a bot makes
to its ``serviceUrl``, each with a Bot Framework token from the sandbox's Entra ID."""

from __future__ import annotations

import base64
from typing import Any

from aiohttp import web

from sandbox.channel.auth import ConnectorAuth
from sandbox.channel.limits import retry_after
from sandbox.channel.model import Conversation, thread_of
from sandbox.channel.service import ChannelError, ChannelService
from sandbox.channel.tokens import jwks, openid_metadata
from sandbox.state import Sandbox
from sandbox.web.channel_json import json_response, read_object

# get-teams-context.md: "Page size less than 50, are treated as 50, and greater than 500, are
# capped at 500"; 200 when none is given (concepts/bots/bots-context).
PAGE_SIZES = (50, 200, 500)


def _error(exc: ChannelError, headers: dict[str, str] | None = None) -> web.Response:
    return json_response(exc.body(), exc.status, headers)


def add_connector_routes(app: web.Application, sb: Sandbox, channel: ChannelService) -> None:
    """``/v3/conversations…`` and the channel's OpenID metadata and keys."""
    assert sb.channel_key is not None
    key = sb.channel_key
    auth = ConnectorAuth(sb.key, sb.clock.now, sb.directory, lambda: channel.store.bots.keys())

    def caller(request: web.Request) -> str:
        """The calling bot's app id, or 401 as the connector answers it."""
        return auth.bot(request.headers.get("Authorization"))

    def throttled(app_id: str, conversation: Conversation, sending: bool) -> None:
        counted = conversation.id if sending else None
        wait = channel.throttle(app_id, conversation.tenant_id, counted)
        if wait is not None:
            raise _Throttled(wait)

    def conversation_of(request: web.Request, sending: bool) -> Conversation:
        """The path's conversation, once the caller may write to it within Teams' limits."""
        app_id = caller(request)
        conversation = channel.conversation(request.match_info["conversation"])
        channel.check_writable(conversation, app_id)
        throttled(app_id, conversation, sending)
        return conversation

    def team_of(request: web.Request) -> Conversation:
        """The path's team (its General channel), once the caller may read it."""
        app_id = caller(request)
        team = channel.team(request.match_info["team"])
        channel.check_writable(team, app_id)
        throttled(app_id, team, sending=False)
        return team

    def handler(fn: Any) -> Any:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            try:
                return await fn(request)  # type: ignore[no-any-return]
            except _Throttled as exc:
                message = "Too many requests; retry after the time in Retry-After."
                return json_response(
                    {"error": {"code": "Throttled", "message": message}},
                    429,
                    {"Retry-After": retry_after(exc.wait)},
                )
            except ChannelError as exc:
                return _error(exc)

        return wrapped

    def activity_body(data: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(data.get("type"), str):
            raise ChannelError(400, "BadArgument", "The activity has no type.")
        return data

    @handler
    async def send(request: web.Request) -> web.Response:
        conversation = conversation_of(request, sending=True)
        activity = activity_body(await read_object(request))
        new_id = channel.bot_sends(
            conversation,
            activity,
            activity.get("replyToId"),
            thread_of(request.match_info["conversation"]),
        )
        return json_response({"id": new_id}, 201)

    @handler
    async def reply(request: web.Request) -> web.Response:
        conversation = conversation_of(request, sending=True)
        activity = activity_body(await read_object(request))
        # Teams accepts a reply to any id (botbuilder may reply to one it made up).
        new_id = channel.bot_sends(
            conversation,
            activity,
            request.match_info["activity"],
            thread_of(request.match_info["conversation"]),
        )
        return json_response({"id": new_id}, 201)

    @handler
    async def update(request: web.Request) -> web.Response:
        conversation = conversation_of(request, sending=False)
        target = request.match_info["activity"]
        channel.bot_updates(conversation, target, activity_body(await read_object(request)))
        return json_response({"id": target})

    @handler
    async def delete(request: web.Request) -> web.Response:
        conversation = conversation_of(request, sending=False)
        channel.bot_deletes(conversation, request.match_info["activity"])
        return web.Response(status=200)

    @handler
    async def create(request: web.Request) -> web.Response:
        app_id = caller(request)
        data = await read_object(request)
        if data.get("isGroup"):
            raise ChannelError(
                400, "BadArgument", "Bots can only create one-on-one conversations in Teams."
            )
        tenant_id = (
            data.get("tenantId")
            or data.get("tenantID")
            or (data.get("channelData") or {}).get("tenant", {}).get("id")
        )
        members = data.get("members") or []
        if not tenant_id or len(members) != 1 or not isinstance(members[0], dict):
            raise ChannelError(
                400, "BadArgument", "Give the tenant and exactly one member to talk to."
            )
        bot = channel.bot(app_id)
        member_ref = str(members[0].get("aadObjectId") or members[0].get("id", ""))
        conversation = channel.store.personal(bot.app_id, str(tenant_id), member_ref)
        if conversation is None or not conversation.installed:
            raise ChannelError(
                403,
                "Forbidden",
                "The app is not installed for this user; install it before messaging them.",
                sub_code="MessageWritesBlocked",
            )
        throttled(app_id, conversation, sending=True)
        answer: dict[str, Any] = {"id": conversation.id, "serviceUrl": sb.endpoints.service_url}
        if isinstance(data.get("activity"), dict):
            answer["activityId"] = channel.bot_sends(conversation, data["activity"])
        return json_response(answer, 201)

    @handler
    async def members(request: web.Request) -> web.Response:
        conversation = conversation_of(request, sending=False)
        return json_response([m.to_json() for m in conversation.members])

    @handler
    async def paged_members(request: web.Request) -> web.Response:
        conversation = conversation_of(request, sending=False)
        try:
            low, default, high = PAGE_SIZES
            size = min(high, max(low, int(request.query.get("pageSize", default))))
            token = request.query.get("continuationToken")
            start = int(base64.urlsafe_b64decode(token.encode()).decode()) if token else 0
        except ValueError as exc:
            raise ChannelError(400, "BadArgument", "Bad pageSize or continuationToken.") from exc
        page = conversation.members[start : start + size]
        body: dict[str, Any] = {"members": [m.to_json() for m in page]}
        if start + size < len(conversation.members):
            body["continuationToken"] = base64.urlsafe_b64encode(
                str(start + size).encode()
            ).decode()
        return json_response(body)

    @handler
    async def member(request: web.Request) -> web.Response:
        conversation = conversation_of(request, sending=False)
        found = conversation.member(request.match_info["member"])
        if found is None:
            raise ChannelError(404, "MemberNotFoundInConversation", "The member was not found.")
        return json_response(found.to_json())

    @handler
    async def team_details(request: web.Request) -> web.Response:
        team = team_of(request)
        return json_response({"id": team.id, "name": team.name, "aadGroupId": team.group_id})

    @handler
    async def team_channels(request: web.Request) -> web.Response:
        team = team_of(request)
        # get-teams-context.md: "The name of the default General channel is returned as null to
        # allow for localization"; "The channel ID for the General channel always matches the
        # team ID". The sandbox's teams have only their General channel.
        return json_response({"conversations": [{"id": team.id, "name": None}]})

    async def metadata(request: web.Request) -> web.Response:
        return json_response(openid_metadata(sb.endpoints.service_url.rstrip("/")))

    async def keys(request: web.Request) -> web.Response:
        return json_response(jwks(key))

    r = app.router
    base = "/v3/conversations/{conversation}"
    r.add_post("/v3/conversations", create)
    r.add_post(f"{base}/activities", send)
    r.add_post(f"{base}/activities/{{activity}}", reply)
    r.add_put(f"{base}/activities/{{activity}}", update)
    r.add_delete(f"{base}/activities/{{activity}}", delete)
    r.add_get(f"{base}/members", members)
    r.add_get(f"{base}/pagedmembers", paged_members)
    r.add_get(f"{base}/members/{{member}}", member)
    r.add_get("/v3/teams/{team}", team_details)
    r.add_get("/v3/teams/{team}/conversations", team_channels)
    r.add_get("/v1/.well-known/openidconfiguration", metadata)
    r.add_get("/v1/.well-known/keys", keys)


class _Throttled(Exception):  # noqa: N818 - a condition, not an error
    def __init__(self, wait: float) -> None:
        super().__init__(wait)
        self.wait = wait
