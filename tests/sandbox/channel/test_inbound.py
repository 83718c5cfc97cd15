"""Activities the channel sends to a bot, as Teams sends them (research/botframework-teams.md
§2.3, §3.1, §3.2), each with an RS256 JWT from the channel's own keys."""

from __future__ import annotations

import httpx

from tests.sandbox.channel.conftest import Chat, quote
from tests.support.harness import TEST_APP, Harness, SeededTenant
from tests.support.standin_bot import CARD, NAME, StandinBot, card


async def test_openid_metadata_names_keys_endorsed_for_teams(sb: Harness) -> None:
    """§2.3: issuer api.botframework.com; each JWK carries ``endorsements: ["msteams"]``."""
    async with httpx.AsyncClient() as http:
        metadata = (await http.get(sb.endpoints.openid_metadata)).json()
        keys = (await http.get(metadata["jwks_uri"])).json()["keys"]
    assert metadata["issuer"] == "https://api.botframework.com"
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert keys
    assert all("msteams" in k["endorsements"] for k in keys)


async def test_opening_the_chat_installs_the_app(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """§3.1: ``installationUpdate`` (add) and ``conversationUpdate`` with the bot added."""
    opened = await chat.open(tenant.admin)
    kinds = [a["type"] for a in bot.received]
    assert kinds == ["installationUpdate", "conversationUpdate"]
    install, update = bot.received
    assert install["action"] == "add"
    assert update["membersAdded"] == [{"id": f"28:{bot.app_id}"}]
    assert install["conversation"]["id"] == opened["id"]
    assert all(d["status"] == 201 for d in opened["deliveries"])


async def test_opening_it_again_installs_nothing_new(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """The same personal chat comes back; no second install event."""
    first = await chat.open(tenant.admin)
    second = await chat.open(tenant.admin)
    assert first["id"] == second["id"]
    assert len(bot.received) == 2


async def test_a_personal_message_arrives_as_teams_sends_it(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """§3.1: msteams, ``from.aadObjectId``, tenant in channelData and conversation."""
    opened = await chat.open(tenant.admin)
    response = await chat.say(opened["id"], tenant.admin, "hello there")
    assert response.status_code == 200, response.text
    message = bot.received[-1]
    assert message["type"] == "message"
    assert message["text"] == "hello there"
    assert message["channelId"] == "msteams"
    assert message["from"]["aadObjectId"] == opened["me"]["id"]
    assert message["from"]["id"].startswith("29:")
    assert message["recipient"] == {"id": f"28:{bot.app_id}", "name": NAME}
    assert message["channelData"]["tenant"]["id"] == tenant.id
    assert message["conversation"] == {
        "conversationType": "personal",
        "tenantId": tenant.id,
        "id": opened["id"],
    }
    assert message["serviceUrl"] == chat.bot.endpoints.service_url


async def test_every_activity_carries_a_token_the_bot_accepts(
    chat: Chat, bot: StandinBot, tenant: SeededTenant, sb: Harness
) -> None:
    """§2.3: issuer, audience = the bot's app id, ``serviceurl`` = the activity's serviceUrl."""
    opened = await chat.open(tenant.admin)
    await chat.say(opened["id"], tenant.admin, "hi")
    assert bot.refused == []
    assert len(bot.received) == 3


async def test_a_bot_with_another_app_id_refuses_the_token(
    sb: Harness, tenant: SeededTenant
) -> None:
    """The token's audience is one bot's app id: a bot expecting another one refuses it."""
    registered = TEST_APP.client_id
    standin = StandinBot(sb.endpoints, app_id="11111111-2222-4333-8444-555555555555")
    await standin.start()
    try:
        sb.control.post(
            "/bots", json={"app_id": registered, "name": "x", "endpoint": standin.endpoint}
        )
        async with httpx.AsyncClient(base_url=sb.endpoints.chat) as http:
            response = await http.post(
                "/api/conversations",
                json={"bot": registered, "tenant": tenant.id, "user": tenant.admin},
            )
        assert response.json()["deliveries"][0]["status"] == 401
        assert "audience" in standin.refused[0].lower()
    finally:
        sb.control.delete(f"/bots/{registered}")
        await standin.stop()


async def test_a_new_endpoint_for_the_bot_applies_to_existing_conversations(
    chat: Chat, bot: StandinBot, tenant: SeededTenant, sb: Harness
) -> None:
    """Re-registering the bot (``POST /_sandbox/bots``) moves its messaging endpoint: the next
    activity of a conversation opened before goes to the new one."""
    opened = await chat.open(tenant.admin)
    moved = StandinBot(sb.endpoints)
    await moved.start()
    try:
        response = sb.control.post(
            "/bots", json={"app_id": bot.app_id, "name": NAME, "endpoint": moved.endpoint}
        )
        assert response.status_code == 201, response.text
        await chat.say(opened["id"], tenant.admin, "are you there?")
        assert [a.get("text") for a in moved.received] == ["are you there?"]
        assert [a["type"] for a in bot.received] == ["installationUpdate", "conversationUpdate"]
    finally:
        await moved.stop()


async def test_a_channel_message_mentions_the_bot(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """§3.1: ``<at>Name</at>`` in the text plus a mention entity; team and channel ids."""
    opened = await chat.open(tenant.admin, kind="channel", team="Voice Ops")
    await chat.say(opened["id"], tenant.admin, "status")
    message = bot.received[-1]
    assert message["text"] == f"<at>{NAME}</at> status"
    mention = next(e for e in message["entities"] if e["type"] == "mention")
    assert mention == {
        "type": "mention",
        "mentioned": {"id": f"28:{bot.app_id}", "name": NAME},
        "text": f"<at>{NAME}</at>",
    }
    assert message["conversation"]["conversationType"] == "channel"
    assert message["conversation"]["id"] == f"{opened['id']};messageid={message['id']}"
    data = message["channelData"]
    assert data["channel"] == {"id": opened["id"]}
    assert data["team"] == {"id": opened["id"]}
    assert data["tenant"]["id"] == tenant.id


async def test_execute_becomes_an_adaptive_card_action_invoke(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """§3.2: ``invoke`` named ``adaptiveCard/action`` with verb, data and trigger."""
    opened = await chat.open(tenant.admin)
    await chat.say(opened["id"], tenant.admin, "card please")
    card = await _last_card(chat, opened["id"])
    action = {"id": "a1", "verb": "approve", "data": {"step": 1, "note": "ok"}}
    response = await chat.click(opened["id"], tenant.admin, card, action)
    assert response.status_code == 200, response.text
    invoke = bot.received[-1]
    assert invoke["type"] == "invoke"
    assert invoke["name"] == "adaptiveCard/action"
    assert invoke["replyToId"] == card
    assert invoke["value"] == {"action": {"type": "Action.Execute", **action}, "trigger": "manual"}
    delivery = response.json()["delivery"]
    assert delivery["status"] == 200
    assert delivery["body"]["type"] == "application/vnd.microsoft.card.adaptive"


async def test_a_card_in_a_channel_thread_is_clicked_from_within_that_thread(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """The bot answered a post with a card in its thread: the click names the thread in the
    conversation id (``…;messageid=<the post>``), as Teams routes a thread's activities."""
    opened = await chat.open(tenant.admin, kind="channel", team="Voice Ops")
    await chat.say(opened["id"], tenant.admin, "card please")
    post = bot.received[-1]["id"]
    card = await _last_card(chat, opened["id"])

    await chat.click(opened["id"], tenant.admin, card, {"verb": "approve", "data": {}})

    invoke = bot.received[-1]
    assert invoke["conversation"]["id"] == f"{opened['id']};messageid={post}"
    assert invoke["replyToId"] == card


async def test_a_card_submitted_in_a_channel_thread_is_a_message_in_that_thread(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """Action.Submit from a card in a thread: the message belongs to the thread, not a new
    post of its own."""
    opened = await chat.open(tenant.admin, kind="channel", team="Voice Ops")
    await chat.say(opened["id"], tenant.admin, "card please")
    post = bot.received[-1]["id"]
    card = await _last_card(chat, opened["id"])

    response = await chat.say(opened["id"], tenant.admin, "", value={"ok": 1}, activityId=card)

    assert response.status_code == 200, response.text
    submitted = bot.received[-1]
    assert submitted["value"] == {"ok": 1}
    assert submitted["conversation"]["id"] == f"{opened['id']};messageid={post}"


async def test_a_card_the_bot_posts_in_a_channel_starts_its_own_thread(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """Posted to the channel itself (no ``;messageid=``), the card is a new post: clicks on it
    come from the thread it starts."""
    opened = await chat.open(tenant.admin, kind="channel", team="Voice Ops")
    attachment = {"contentType": CARD, "content": card("Approve?")}
    sent = await bot.call(
        "POST",
        f"/v3/conversations/{quote(opened['id'])}/activities",
        json={"type": "message", "attachments": [attachment]},
    )
    assert sent.status_code == 201, sent.text

    await chat.click(opened["id"], tenant.admin, sent.json()["id"], {"verb": "approve"})

    invoke = bot.received[-1]
    assert invoke["conversation"]["id"] == f"{opened['id']};messageid={sent.json()['id']}"


async def test_the_answer_card_replaces_the_card_for_the_clicking_user_only(
    chat: Chat, bot: StandinBot, tenant: SeededTenant, sb: Harness
) -> None:
    """§3.3: the invoke response updates the clicker's view; others keep the original."""
    other = sb.state(tenant)["users"][1]["userPrincipalName"]
    opened = await chat.open(tenant.admin, kind="channel", team="Approvals")
    await chat.open(other, kind="channel", team="Approvals")
    await chat.say(opened["id"], tenant.admin, "card please")
    card = await _last_card(chat, opened["id"])
    await chat.click(opened["id"], tenant.admin, card, {"verb": "approve", "data": {}})

    mine = await chat.open(tenant.admin, kind="channel", team="Approvals")
    theirs = await chat.open(other, kind="channel", team="Approvals")
    shown = {a["id"]: a for a in mine["activities"]}[card]
    original = {a["id"]: a for a in theirs["activities"]}[card]
    assert "approve by" in str(shown["attachments"][0]["content"])
    assert "Approve?" in str(original["attachments"][0]["content"])


async def test_submit_becomes_a_message_with_value(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """§3.1: ``Action.Submit`` is a message with empty text and the merged data as value."""
    opened = await chat.open(tenant.admin)
    await chat.say(opened["id"], tenant.admin, "", value={"kind": "submitted", "note": "x"})
    message = bot.received[-1]
    assert message["type"] == "message"
    assert message["text"] == ""
    assert message["value"] == {"kind": "submitted", "note": "x"}


async def test_a_submit_from_a_card_names_the_card_it_came_from(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """The submitted card's id comes as ``replyToId``, so the bot can update that card."""
    opened = await chat.open(tenant.admin)
    await chat.say(opened["id"], tenant.admin, "card please")
    card = await _last_card(chat, opened["id"])
    await chat.say(opened["id"], tenant.admin, "", value={"verb": "approve"}, activityId=card)
    assert bot.received[-1]["replyToId"] == card


async def test_a_typed_message_names_no_card(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """A card id without submitted data is a mistake of the caller, answered with a 400."""
    opened = await chat.open(tenant.admin)
    response = await chat.say(opened["id"], tenant.admin, "hello", activityId="1")
    assert response.status_code == 400


async def test_a_slow_invoke_answer_is_a_gateway_timeout(
    chat: Chat, bot: StandinBot, tenant: SeededTenant, sb: Harness
) -> None:
    """§3.4: answers slower than the channel's deadline (15 s; 1 s here) are a 504."""
    sb.control.patch("/knobs", json={"invoke_timeout_seconds": 1})
    bot.invoke_delay = 1.5
    opened = await chat.open(tenant.admin)
    await chat.say(opened["id"], tenant.admin, "card please")
    card = await _last_card(chat, opened["id"])
    response = await chat.click(opened["id"], tenant.admin, card, {"verb": "approve", "data": {}})
    assert response.json()["delivery"]["status"] == 504
    assert "GatewayTimeout" in response.json()["delivery"]["error"]


async def test_uninstalling_tells_the_bot_and_blocks_its_writes(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """§2.1: after removal the bot's sends are refused with 403 MessageWritesBlocked."""
    opened = await chat.open(tenant.admin)
    response = await chat.http.post(
        f"/api/conversations/{opened['id']}/uninstall", json={"user": tenant.admin}
    )
    assert response.status_code == 200, response.text
    assert bot.received[-1]["type"] == "installationUpdate"
    assert bot.received[-1]["action"] == "remove"
    path = f"/v3/conversations/{opened['id']}/activities"
    sent = await bot.call("POST", path, json={"type": "message", "text": "x"})
    assert sent.status_code == 403
    assert sent.json()["error"]["subCode"] == "MessageWritesBlocked"


async def _last_card(chat: Chat, conversation: str) -> str:
    """The id of the newest card the bot posted."""
    stored = chat.bot_state(conversation)
    return str([a for a in stored["activities"] if a.get("attachments")][-1]["id"])
