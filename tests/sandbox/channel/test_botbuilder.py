"""botbuilder 4.17.1 itself against the channel (research/botbuilder-with-the-sandbox.md):
botframework-connector's ``ConnectorClient`` and ``TeamsConnectorClient`` with botbuilder's app
credentials (tokens from the ``botframework.com`` tenant), and botbuilder's JWT validation of the
activities the channel sends, configured by settings only (``botbuilder_setup``)."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ErrorResponseException,
)
from botframework.connector import ConnectorClient
from botframework.connector.teams import TeamsConnectorClient
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.sandbox.channel.botbuilder_setup import SandboxAppCredentials, bot_authentication
from tests.sandbox.channel.conftest import Chat, quote
from tests.support.harness import TEST_APP, Harness, SeededTenant
from tests.support.standin_bot import CARD, StandinBot, card

BOTFRAMEWORK_TENANT = "d6d49420-f39b-4df7-a1dc-d59a935871db"


@pytest.fixture(scope="module")
def msal_http(_channel_harness: Harness) -> Iterator[httpx.Client]:
    """The HTTP client of MSAL inside botbuilder's credentials (trusts the sandbox CA)."""
    with httpx.Client(verify=_channel_harness.endpoints.ssl_context(), timeout=30) as http:
        yield http


@pytest.fixture
def credentials(sb: Harness, msal_http: httpx.Client) -> SandboxAppCredentials:
    """botbuilder's ``MicrosoftAppCredentials`` for the suite's bot, tenant ``botframework.com``."""
    return SandboxAppCredentials(TEST_APP.client_id, TEST_APP.secret, sb.endpoints, msal_http)


@pytest.fixture
def connector(sb: Harness, credentials: SandboxAppCredentials) -> Iterator[Any]:
    """botframework-connector's (synchronous) ``ConnectorClient`` for the service URL."""
    client = ConnectorClient(credentials, base_url=sb.endpoints.service_url)
    yield client
    client.close()


def _stored(chat: Chat, conversation: str) -> dict[str, dict[str, Any]]:
    return {a["id"]: a for a in chat.bot_state(conversation)["activities"]}


# ----------------------------------------------------------------------- ConnectorClient


async def test_the_credentials_get_their_token_from_botframework_com(
    credentials: SandboxAppCredentials,
) -> None:
    """botbuilder's ``get_access_token`` asks ``…/botframework.com`` for api.botframework.com."""
    token = await asyncio.to_thread(credentials.get_access_token)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["tid"] == BOTFRAMEWORK_TENANT
    assert claims["aud"] == "https://api.botframework.com"


async def test_connector_client_sends_to_a_conversation(
    chat: Chat, connector: Any, tenant: SeededTenant
) -> None:
    """``send_to_conversation`` → a ResourceResponse whose id is the stored message's."""
    conversation = (await chat.open(tenant.admin))["id"]
    sent = await asyncio.to_thread(
        connector.conversations.send_to_conversation,
        conversation,
        Activity(type="message", text="hello from botbuilder"),
    )
    assert _stored(chat, conversation)[sent.id]["text"] == "hello from botbuilder"


async def test_connector_client_replies_to_an_activity(
    chat: Chat, connector: Any, tenant: SeededTenant
) -> None:
    """``reply_to_activity`` stores the reply with ``replyToId``."""
    conversation = (await chat.open(tenant.admin))["id"]
    said = (await chat.say(conversation, tenant.admin, "ping")).json()["id"]
    reply = await asyncio.to_thread(
        connector.conversations.reply_to_activity,
        conversation,
        said,
        Activity(type="message", text="pong"),
    )
    stored = _stored(chat, conversation)[reply.id]
    assert stored["replyToId"] == said
    assert stored["text"] == "pong"


async def test_connector_client_replies_in_a_channel_thread(
    chat: Chat, connector: Any, bot: StandinBot, tenant: SeededTenant
) -> None:
    """A thread id (``19:…;messageid=…``) goes through msrest's percent-encoding intact."""
    opened = await chat.open(tenant.admin, kind="channel", team="Ops")
    await chat.say(opened["id"], tenant.admin, "status")
    message, _ = bot.seen[-1]
    reply = await asyncio.to_thread(
        connector.conversations.reply_to_activity,
        message["conversation"]["id"],
        message["id"],
        Activity(type="message", text="all green"),
    )
    assert _stored(chat, opened["id"])[reply.id]["text"] == "all green"


async def test_connector_client_updates_an_activity(
    chat: Chat, connector: Any, tenant: SeededTenant
) -> None:
    """``update_activity`` edits the message in place."""
    conversation = (await chat.open(tenant.admin))["id"]
    sent = await asyncio.to_thread(
        connector.conversations.send_to_conversation,
        conversation,
        Activity(type="message", text="v1"),
    )
    updated = await asyncio.to_thread(
        connector.conversations.update_activity,
        conversation,
        sent.id,
        Activity(id=sent.id, type="message", text="v2"),
    )
    assert updated.id == sent.id
    assert _stored(chat, conversation)[sent.id]["text"] == "v2"


async def test_connector_client_deletes_an_activity(
    chat: Chat, connector: Any, tenant: SeededTenant
) -> None:
    """``delete_activity`` (botbuilder accepts 200 or 202 only)."""
    conversation = (await chat.open(tenant.admin))["id"]
    sent = await asyncio.to_thread(
        connector.conversations.send_to_conversation,
        conversation,
        Activity(type="message", text="soon gone"),
    )
    await asyncio.to_thread(connector.conversations.delete_activity, conversation, sent.id)
    assert _stored(chat, conversation)[sent.id]["_deleted"] is True


async def test_connector_errors_reach_botbuilder_as_error_responses(
    chat: Chat, connector: Any, tenant: SeededTenant
) -> None:
    """Teams' error body deserializes into botbuilder's ``ErrorResponse`` (code and message)."""
    conversation = (await chat.open(tenant.admin))["id"]
    with pytest.raises(ErrorResponseException) as raised:
        await asyncio.to_thread(
            connector.conversations.update_activity,
            conversation,
            "404404",
            Activity(type="message", text="x"),
        )
    assert raised.value.response.status_code == 404
    assert raised.value.error.error.code == "ActivityNotFound"


async def test_connector_client_reads_members(
    chat: Chat, connector: Any, tenant: SeededTenant
) -> None:
    """``get_conversation_members``, ``get_conversation_member`` and the paged variant."""
    opened = await chat.open(tenant.admin)
    members = await asyncio.to_thread(
        connector.conversations.get_conversation_members, opened["id"]
    )
    assert [(m.id, m.aad_object_id) for m in members] == [(opened["me"]["mri"], opened["me"]["id"])]
    one = await asyncio.to_thread(
        connector.conversations.get_conversation_member, opened["id"], members[0].id
    )
    assert one.name == members[0].name
    page = await asyncio.to_thread(
        connector.conversations.get_conversation_paged_members, opened["id"], 50
    )
    assert [m.id for m in page.members] == [members[0].id]
    assert page.continuation_token is None


async def test_connector_client_creates_a_personal_conversation(
    chat: Chat, connector: Any, tenant: SeededTenant
) -> None:
    """``create_conversation`` (botbuilder sends ``tenantID``) finds the installed personal chat
    and posts the activity in it."""
    opened = await chat.open(tenant.admin)
    parameters = ConversationParameters(
        is_group=False,
        bot=ChannelAccount(id=f"28:{TEST_APP.client_id}"),
        members=[ChannelAccount(id=opened["me"]["mri"])],
        tenant_id=tenant.id,
        channel_data={"tenant": {"id": tenant.id}},
        activity=Activity(type="message", text="proactive"),
    )
    created = await asyncio.to_thread(connector.conversations.create_conversation, parameters)
    assert created.id == opened["id"]
    assert _stored(chat, opened["id"])[created.activity_id]["text"] == "proactive"


async def test_teams_connector_client_reads_the_team_and_its_channels(
    chat: Chat, sb: Harness, credentials: SandboxAppCredentials, tenant: SeededTenant
) -> None:
    """``TeamsConnectorClient``: TeamDetails and the General channel (name None)."""
    opened = await chat.open(tenant.admin, kind="channel", team="Voice Ops")
    client = TeamsConnectorClient(credentials, base_url=sb.endpoints.service_url)
    try:
        details = await asyncio.to_thread(client.teams.get_team_details, opened["id"])
        channels = await asyncio.to_thread(client.teams.get_teams_channels, opened["id"])
    finally:
        client.close()
    assert (details.id, details.name) == (opened["id"], "Voice Ops")
    assert details.aad_group_id
    assert [(c.id, c.name) for c in channels.conversations] == [(opened["id"], None)]


async def test_a_wrong_password_fails_botbuilder_s_token_request(
    sb: Harness, msal_http: httpx.Client
) -> None:
    """botbuilder raises PermissionError with Entra's AADSTS7000215."""
    wrong = SandboxAppCredentials(TEST_APP.client_id, "not-the-secret", sb.endpoints, msal_http)
    with pytest.raises(PermissionError, match="AADSTS7000215"):
        await asyncio.to_thread(wrong.get_access_token)


# ------------------------------------------------------------------------ JWT validation


@pytest.fixture
def authentication(sb: Harness, msal_http: httpx.Client) -> Any:
    """``ConfigurationBotFrameworkAuthentication`` of the suite's bot."""
    return bot_authentication(sb.endpoints, TEST_APP.client_id, TEST_APP.secret, msal_http)


@pytest.fixture
async def inbound(chat: Chat, bot: StandinBot, tenant: SeededTenant) -> list[tuple[Any, str]]:
    """Activities the channel sent the bot (install, a message, an invoke), with their headers,
    whatever the stand-in bot's own check made of them."""
    opened = await chat.open(tenant.admin)
    await chat.say(opened["id"], tenant.admin, "hello")
    path = f"/v3/conversations/{quote(opened['id'])}/activities"
    attachment = {"contentType": CARD, "content": card("Approve?")}
    sent = await bot.call("POST", path, json={"type": "message", "attachments": [attachment]})
    await chat.click(opened["id"], tenant.admin, sent.json()["id"], {"verb": "approve"})
    return [(Activity().deserialize(a), h) for a, h in bot.seen]


async def _check(authentication: Any, activity: Any, header: str | None) -> Any:
    return await authentication.authenticate_request(activity, header)


async def test_botbuilder_accepts_every_activity_the_channel_sends(
    authentication: Any, inbound: list[tuple[Any, str]]
) -> None:
    """Signature via the OpenID metadata's keys, issuer, audience, serviceurl, endorsement."""
    assert [a.type for a, _ in inbound] == [
        "installationUpdate",
        "conversationUpdate",
        "message",
        "invoke",
    ]
    for activity, header in inbound:
        result = await _check(authentication, activity, header)
        assert result.claims_identity.is_authenticated
        assert result.claims_identity.claims["aud"] == TEST_APP.client_id
        assert result.audience == "https://api.botframework.com"


async def test_botbuilder_replies_through_the_connector_factory_it_gets(
    authentication: Any, inbound: list[tuple[Any, str]], chat: Chat
) -> None:
    """The production path: a validated request's connector factory (botbuilder's async
    ConnectorClient, credentials from the factory) answers the message."""
    activity, header = next((a, h) for a, h in inbound if a.type == "message")
    result = await _check(authentication, activity, header)
    client = await result.connector_factory.create(activity.service_url, result.audience)
    async with client:
        reply = await client.conversations.reply_to_activity(
            activity.conversation.id, activity.id, Activity(type="message", text="validated")
        )
    assert _stored(chat, activity.conversation.id)[reply.id]["text"] == "validated"


async def test_botbuilder_refuses_a_request_without_a_token(
    authentication: Any, inbound: list[tuple[Any, str]]
) -> None:
    """No Authorization header, authentication on: PermissionError."""
    activity, _ = inbound[2]
    with pytest.raises(PermissionError):
        await _check(authentication, activity, None)


async def test_botbuilder_refuses_a_token_meant_for_another_bot(
    sb: Harness, msal_http: httpx.Client, inbound: list[tuple[Any, str]]
) -> None:
    """The audience is one bot's app id; a bot with another id refuses the token."""
    other = bot_authentication(sb.endpoints, "11111111-2222-4333-8444-555555555555", "x", msal_http)
    activity, header = inbound[2]
    with pytest.raises(PermissionError, match="Invalid AppId"):
        await _check(other, activity, header)


async def test_botbuilder_refuses_an_activity_with_another_service_url(
    authentication: Any, inbound: list[tuple[Any, str]]
) -> None:
    """The ``serviceurl`` claim binds the token to the activity's serviceUrl."""
    activity, header = inbound[2]
    activity.service_url = "https://smba.trafficmanager.net/teams/"
    with pytest.raises(PermissionError, match="serviceurl"):
        await _check(authentication, activity, header)


async def test_botbuilder_refuses_an_activity_for_a_channel_the_key_is_not_endorsed_for(
    authentication: Any, inbound: list[tuple[Any, str]]
) -> None:
    """The channel's keys are endorsed for ``msteams`` only."""
    activity, header = inbound[2]
    activity.channel_id = "webchat"
    with pytest.raises(Exception, match="endorsement"):
        await _check(authentication, activity, header)


async def test_botbuilder_refuses_a_tampered_token(
    authentication: Any, inbound: list[tuple[Any, str]]
) -> None:
    """A payload changed after signing (a longer life) fails the signature check."""
    activity, header = inbound[2]
    token_header, payload, signature = header.removeprefix("Bearer ").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["exp"] += 86400
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    with pytest.raises(jwt.InvalidSignatureError):
        await _check(
            authentication, activity, f"Bearer {token_header}.{forged.decode()}.{signature}"
        )


async def test_botbuilder_refuses_a_token_signed_by_another_key(
    authentication: Any, inbound: list[tuple[Any, str]]
) -> None:
    """Right claims and key id, wrong private key."""
    activity, header = inbound[2]
    token = header.removeprefix("Bearer ")
    claims = jwt.decode(token, options={"verify_signature": False})
    kid = jwt.get_unverified_header(token)["kid"]
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, impostor, algorithm="RS256", headers={"kid": kid})
    with pytest.raises(jwt.InvalidSignatureError):
        await _check(authentication, activity, f"Bearer {forged}")
