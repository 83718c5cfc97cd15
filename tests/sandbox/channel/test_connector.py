"""Bot Connector v3 as Teams serves it (research/botframework-teams.md §2.1, §2.2, §3.4): the
calls a bot makes to its serviceUrl, over real HTTP, with the sandbox's Entra tokens."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.sandbox.channel.conftest import Chat, quote
from tests.support.harness import Harness, SeededTenant
from tests.support.standin_bot import StandinBot


async def _opened(chat: Chat, tenant: SeededTenant, **kwargs: Any) -> str:
    return str((await chat.open(tenant.admin, **kwargs))["id"])


def _path(conversation: str, *rest: str) -> str:
    return "/".join([f"/v3/conversations/{quote(conversation)}", *rest])


async def test_a_reply_appears_in_the_conversation(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """§2.1: the bot's reply (POST …/activities/{id}) is stored with ``replyToId``."""
    conversation = await _opened(chat, tenant)
    said = (await chat.say(conversation, tenant.admin, "ping")).json()
    stored = chat.bot_state(conversation)["activities"]
    assert [a["text"] for a in stored] == ["ping", "echo: ping"]
    assert stored[1]["replyToId"] == said["id"]
    assert stored[1]["from"]["id"] == f"28:{bot.app_id}"


async def test_send_answers_201_with_the_new_id(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """§2.1: ``{"id": ...}`` (ResourceResponse)."""
    conversation = await _opened(chat, tenant)
    response = await bot.call(
        "POST", _path(conversation, "activities"), json={"type": "message", "text": "a"}
    )
    assert response.status_code == 201
    assert set(response.json()) == {"id"}


async def test_update_replaces_a_message_for_everyone(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """§3.3: PUT …/activities/{id} changes the message in place."""
    conversation = await _opened(chat, tenant)
    sent = await bot.call(
        "POST", _path(conversation, "activities"), json={"type": "message", "text": "v1"}
    )
    activity_id = sent.json()["id"]
    updated = await bot.call(
        "PUT",
        _path(conversation, "activities", activity_id),
        json={"type": "message", "id": activity_id, "text": "v2"},
    )
    assert updated.status_code == 200
    assert updated.json() == {"id": activity_id}
    history = (await chat.open(tenant.admin))["activities"]
    assert [a["text"] for a in history if a["id"] == activity_id] == ["v2"]


async def test_update_of_an_unknown_activity_is_404(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """Only existing messages can be updated."""
    conversation = await _opened(chat, tenant)
    response = await bot.call(
        "PUT", _path(conversation, "activities", "404404"), json={"type": "message"}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ActivityNotFound"


async def test_delete_removes_a_message(chat: Chat, bot: StandinBot, tenant: SeededTenant) -> None:
    """§2.1: DELETE …/activities/{id}."""
    conversation = await _opened(chat, tenant)
    sent = await bot.call(
        "POST", _path(conversation, "activities"), json={"type": "message", "text": "x"}
    )
    activity_id = sent.json()["id"]
    deleted = await bot.call("DELETE", _path(conversation, "activities", activity_id))
    assert deleted.status_code == 200
    history = (await chat.open(tenant.admin))["activities"]
    assert activity_id not in [a["id"] for a in history]


async def test_channel_thread_ids_are_percent_decoded_from_paths(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """§2.1: ``19:…@thread.tacv2;messageid=…`` arrives encoded and names its channel."""
    conversation = await _opened(chat, tenant, kind="channel", team="Ops")
    await chat.say(conversation, tenant.admin, "hello")
    thread = bot.received[-1]["conversation"]["id"]
    assert ";messageid=" in thread
    stored = chat.bot_state(conversation)["activities"]
    assert stored[-1]["text"] == "echo: <at>Standin</at> hello"


async def test_create_conversation_reaches_an_installed_user_proactively(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """§3.3: POST /v3/conversations (1:1) answers the personal chat's id; the message lands."""
    opened = await chat.open(tenant.admin)
    response = await bot.call(
        "POST",
        "/v3/conversations",
        json={
            "isGroup": False,
            "bot": {"id": f"28:{bot.app_id}"},
            "members": [{"id": opened["me"]["mri"]}],
            "channelData": {"tenant": {"id": tenant.id}},
            "tenantId": tenant.id,
            "activity": {"type": "message", "text": "proactive hello"},
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"] == opened["id"]
    assert body["serviceUrl"] == bot.endpoints.service_url
    stored = chat.bot_state(opened["id"])["activities"]
    assert stored[-1]["id"] == body["activityId"]
    assert stored[-1]["text"] == "proactive hello"


async def test_create_conversation_needs_the_app_installed(
    bot: StandinBot, tenant: SeededTenant, sb: Harness
) -> None:
    """§2.1: no personal chat with a user who never installed the app: 403."""
    user_id = sb.state(tenant)["users"][0]["id"]
    response = await bot.call(
        "POST",
        "/v3/conversations",
        json={
            "bot": {"id": f"28:{bot.app_id}"},
            "members": [{"aadObjectId": user_id}],
            "tenantId": tenant.id,
        },
    )
    assert response.status_code == 403
    assert response.json()["error"]["subCode"] == "MessageWritesBlocked"


async def test_group_conversations_cannot_be_created(bot: StandinBot, tenant: SeededTenant) -> None:
    """§2.1: proactive group or channel creation is unsupported in Teams."""
    response = await bot.call(
        "POST", "/v3/conversations", json={"isGroup": True, "tenantId": tenant.id}
    )
    assert response.status_code == 400


async def _team_of(chat: Chat, sb: Harness, tenant: SeededTenant, size: int) -> str:
    """A team whose first ``size`` users opened its channel (so are its members)."""
    users = [u["userPrincipalName"] for u in sb.state(tenant)["users"][:size]]
    conversation = ""
    for upn in users:
        conversation = (await chat.open(upn, kind="channel", team="All"))["id"]
    return conversation


async def test_members_lists_everyone_in_the_conversation(
    chat: Chat, bot: StandinBot, tenant: SeededTenant, sb: Harness
) -> None:
    """§2.1: ``GET …/members`` gives every member as a TeamsChannelAccount."""
    conversation = await _team_of(chat, sb, tenant, 3)
    listed = (await bot.call("GET", _path(conversation, "members"))).json()
    upns = [u["userPrincipalName"] for u in sb.state(tenant)["users"][:3]]
    assert sorted(m["userPrincipalName"] for m in listed) == sorted(upns)
    assert all(m["id"].startswith("29:") and m["aadObjectId"] for m in listed)


async def test_one_member_is_found_by_id_and_unknown_ones_are_404(
    chat: Chat, bot: StandinBot, tenant: SeededTenant, sb: Harness
) -> None:
    """get-teams-context.md: ``GET …/members/{userId}``; a stranger is not found."""
    conversation = await _team_of(chat, sb, tenant, 2)
    one = (await bot.call("GET", _path(conversation, "members"))).json()[0]
    found = await bot.call("GET", _path(conversation, "members", quote(one["id"])))
    assert found.json()["aadObjectId"] == one["aadObjectId"]
    missing = await bot.call("GET", _path(conversation, "members", "29:nobody"))
    assert missing.status_code == 404


async def test_paged_members_treats_a_page_size_under_50_as_50(
    chat: Chat, bot: StandinBot, sb: Harness
) -> None:
    """get-teams-context.md: "Page size less than 50, are treated as 50"."""
    big = sb.make_tenant(users=60)
    big_chat = Chat(chat.http, bot, big, sb)
    conversation = await _team_of(big_chat, sb, big, 60)
    first = (await bot.call("GET", _path(conversation, "pagedmembers?pageSize=2"))).json()
    assert len(first["members"]) == 50
    token = first["continuationToken"]
    rest = (
        await bot.call(
            "GET", _path(conversation, f"pagedmembers?pageSize=2&continuationToken={token}")
        )
    ).json()
    assert len(rest["members"]) == 10
    assert "continuationToken" not in rest
    everyone = {m["id"] for m in first["members"]} | {m["id"] for m in rest["members"]}
    assert len(everyone) == 60


async def test_paged_members_without_a_page_size_fits_a_small_team_in_one_page(
    chat: Chat, bot: StandinBot, tenant: SeededTenant, sb: Harness
) -> None:
    """The default page (200) holds a small team whole, with no continuation token."""
    conversation = await _team_of(chat, sb, tenant, 3)
    page = (await bot.call("GET", _path(conversation, "pagedmembers"))).json()
    assert len(page["members"]) == 3
    assert "continuationToken" not in page


async def test_a_malformed_activity_is_400(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """Bodies that are not JSON objects with a type are refused, and nothing is stored."""
    conversation = await _opened(chat, tenant)
    for body in (b"{not json", b"[1]", json.dumps({"text": "no type"}).encode()):
        response = await bot.call(
            "POST",
            _path(conversation, "activities"),
            content=body,
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 400
    assert chat.bot_state(conversation)["activities"] == []


async def test_more_than_seven_sends_a_second_to_one_conversation_are_throttled(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """§3.4: 7 per second per bot per conversation, then 429 with Retry-After."""
    conversation = await _opened(chat, tenant)
    await bot.token()
    statuses = []
    for i in range(9):
        response = await bot.call(
            "POST",
            _path(conversation, "activities"),
            json={"type": "message", "text": str(i)},
        )
        statuses.append(response.status_code)
    assert statuses[:7] == [201] * 7
    assert 429 in statuses[7:]
    throttled = response
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) >= 1
    stored = [a["text"] for a in chat.bot_state(conversation)["activities"]]
    assert stored == [str(i) for i in range(7)]


async def test_the_control_api_counts_each_bots_throttled_calls(
    chat: Chat, bot: StandinBot, tenant: SeededTenant, sb: Harness
) -> None:
    """Tests and benchmarks check "no 429 during a provisioning" by the channel's own count."""

    def throttled() -> int:
        bots = {b["app_id"]: b for b in sb.control.get("/bots").json()["bots"]}
        return int(bots[bot.app_id]["throttled"])

    conversation = await _opened(chat, tenant)
    await bot.token()
    before = throttled()
    statuses = [
        (
            await bot.call(
                "POST", _path(conversation, "activities"), json={"type": "message", "text": "x"}
            )
        ).status_code
        for _ in range(9)
    ]
    assert throttled() - before == statuses.count(429) > 0


async def test_more_than_fifty_calls_a_second_per_tenant_are_throttled(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """§3.4: 50 requests per second per app per tenant, whatever the conversation."""
    conversation = await _opened(chat, tenant)
    await bot.token()
    responses = await asyncio.gather(
        *(bot.call("GET", _path(conversation, "members")) for _ in range(60))
    )
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) <= 50
    assert 429 in statuses
