"""Teams as the connector describes them (msteams-docs ``bots/how-to/get-teams-context.md``): a
team's id is its General channel's, ``GET /v3/teams/{id}`` gives its details and
``GET /v3/teams/{id}/conversations`` its channels, the General one named null."""

from __future__ import annotations

import re
import uuid

import httpx

from tests.sandbox.channel.conftest import Chat, quote
from tests.support.harness import SeededTenant
from tests.support.standin_bot import StandinBot


async def test_team_id_in_channel_data_is_the_general_channel_s_id(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """ "The channel ID for the General channel always matches the team ID"."""
    opened = await chat.open(tenant.admin, kind="channel", team="Voice Ops")
    await chat.say(opened["id"], tenant.admin, "status")
    data = bot.received[-1]["channelData"]
    assert data["team"]["id"] == opened["id"]
    assert data["channel"]["id"] == opened["id"]
    assert data["teamsTeamId"] == data["teamsChannelId"] == opened["id"]


async def test_team_details_give_its_id_name_and_group(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """``GET /v3/teams/{teamId}``: ``id``, ``name`` and ``aadGroupId``."""
    opened = await chat.open(tenant.admin, kind="channel", team="Voice Ops")
    team_id = bot.received[-1]["channelData"]["team"]["id"]
    response = await bot.call("GET", f"/v3/teams/{quote(team_id)}")
    assert response.status_code == 200, response.text
    details = response.json()
    assert details["id"] == opened["id"]
    assert details["name"] == "Voice Ops"
    assert uuid.UUID(details["aadGroupId"])


async def test_team_channels_list_the_general_channel_named_null(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """``GET /v3/teams/{teamId}/conversations``: "The name of the default General channel is
    returned as null"."""
    opened = await chat.open(tenant.admin, kind="channel", team="Ops")
    response = await bot.call("GET", f"/v3/teams/{quote(opened['id'])}/conversations")
    assert response.status_code == 200, response.text
    assert response.json() == {"conversations": [{"id": opened["id"], "name": None}]}


async def test_a_personal_chat_is_not_a_team(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """Only teams have team details."""
    opened = await chat.open(tenant.admin)
    response = await bot.call("GET", f"/v3/teams/{quote(opened['id'])}")
    assert response.status_code == 404


async def test_team_calls_need_a_bot_framework_token(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """Like every connector call."""
    opened = await chat.open(tenant.admin, kind="channel", team="Ops")
    async with httpx.AsyncClient(base_url=bot.endpoints.service_url) as http:
        response = await http.get(f"/v3/teams/{quote(opened['id'])}")
    assert response.status_code == 401


async def test_each_team_gets_its_own_id_and_group(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """Two teams of one tenant are two General channels and two groups."""
    first = await chat.open(tenant.admin, kind="channel", team="One")
    second = await chat.open(tenant.admin, kind="channel", team="Two")
    assert first["id"] != second["id"]
    assert re.fullmatch(r"19:[0-9a-f]{32}@thread\.tacv2", first["id"])
    groups = set()
    for team in (first, second):
        groups.add((await bot.call("GET", f"/v3/teams/{quote(team['id'])}")).json()["aadGroupId"])
    assert len(groups) == 2
