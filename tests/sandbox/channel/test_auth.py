"""Who may call the Bot Connector (bot-docs ``bot-framework-rest-connector-authentication.md``,
"Bot to Connector"; research/botframework-teams.md §2.2): registered bots with a Bot Framework
token from the ``botframework.com`` tenant (multi-tenant bots) or their own (single-tenant)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import jwt
import pytest

from tests.sandbox.channel.conftest import Chat, quote
from tests.support.harness import Harness, SeededTenant
from tests.support.standin_bot import NAME, StandinBot

BOTFRAMEWORK_TENANT = "d6d49420-f39b-4df7-a1dc-d59a935871db"


async def _send(service_url: str, conversation: str, token: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=service_url) as http:
        return await http.post(
            f"/v3/conversations/{quote(conversation)}/activities",
            json={"type": "message", "text": "x"},
            headers={"Authorization": f"Bearer {token}"} if token else {},
        )


async def test_the_standin_bot_asks_the_botframework_tenant_for_its_token(bot: StandinBot) -> None:
    """The production path: ``{authority}/botframework.com/oauth2/v2.0/token``; the token is the
    Bot Framework tenant's (``iss`` sts.windows.net/d6d49420…/, ``aud`` api.botframework.com)."""
    claims = jwt.decode(await bot.token(), options={"verify_signature": False})
    assert claims["tid"] == BOTFRAMEWORK_TENANT
    assert claims["iss"] == f"https://sts.windows.net/{BOTFRAMEWORK_TENANT}/"
    assert claims["aud"] == "https://api.botframework.com"
    assert claims["appid"] == bot.app_id


async def test_a_botframework_tenant_token_is_accepted(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """A multi-tenant bot's token sends into a conversation of any customer tenant."""
    conversation = (await chat.open(tenant.admin))["id"]
    response = await _send(bot.endpoints.service_url, conversation, await bot.token())
    assert response.status_code == 201, response.text


@pytest.fixture
async def single_tenant_bot(sb: Harness, tenant: SeededTenant) -> AsyncIterator[StandinBot]:
    """The stand-in bot as a single-tenant app: tokens from its own tenant."""
    standin = StandinBot(sb.endpoints, token_tenant=tenant.id)
    await standin.start()
    response = sb.control.post(
        "/bots", json={"app_id": standin.app_id, "name": NAME, "endpoint": standin.endpoint}
    )
    assert response.status_code == 201, response.text
    yield standin
    sb.control.delete(f"/bots/{standin.app_id}")
    await standin.stop()


async def test_a_single_tenant_bot_s_own_tenant_token_is_accepted(
    sb: Harness, single_tenant_bot: StandinBot, tenant: SeededTenant
) -> None:
    """``{authority}/{tenant}/oauth2/v2.0/token`` (SingleTenant) works as well."""
    async with httpx.AsyncClient(base_url=sb.endpoints.chat) as http:
        opened = await http.post(
            "/api/conversations",
            json={"bot": single_tenant_bot.app_id, "tenant": tenant.id, "user": tenant.admin},
        )
    token = await single_tenant_bot.token()
    assert jwt.decode(token, options={"verify_signature": False})["tid"] == tenant.id
    response = await _send(sb.endpoints.service_url, opened.json()["id"], token)
    assert response.status_code == 201, response.text


async def test_calls_without_a_token_are_refused(
    chat: Chat, bot: StandinBot, tenant: SeededTenant
) -> None:
    """§2.2: every connector call needs a bearer token."""
    conversation = (await chat.open(tenant.admin))["id"]
    response = await _send(bot.endpoints.service_url, conversation, "")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "Unauthorized"


async def test_a_graph_token_is_not_a_bot_framework_token(
    chat: Chat, bot: StandinBot, tenant: SeededTenant, sb: Harness
) -> None:
    """§2.2: the audience must be https://api.botframework.com."""
    conversation = (await chat.open(tenant.admin))["id"]
    graph_token = sb.entra.app_token(tenant.id).json()["access_token"]
    response = await _send(bot.endpoints.service_url, conversation, graph_token)
    assert response.status_code == 401
    assert "audience" in response.json()["error"]["message"]


async def test_a_forged_token_is_refused(chat: Chat, bot: StandinBot, tenant: SeededTenant) -> None:
    """A token with a tampered payload fails the signature check."""
    conversation = (await chat.open(tenant.admin))["id"]
    header, payload, signature = (await bot.token()).split(".")
    forged = ".".join([header, payload[:-4] + "AAAA", signature])
    response = await _send(bot.endpoints.service_url, conversation, forged)
    assert response.status_code == 401


async def test_an_app_that_is_not_a_registered_bot_is_refused(
    chat: Chat, bot: StandinBot, tenant: SeededTenant, sb: Harness
) -> None:
    """The token must belong to a bot the channel knows, not merely to an Entra app."""
    conversation = (await chat.open(tenant.admin))["id"]
    other = {"client_id": "7c0e1f2a-3b4c-4d5e-8f90-a1b2c3d4e5f6", "secret": "other-secret-1~x"}
    registered = sb.control.post("/apps", json={**other, "display_name": "Not a bot"})
    assert registered.status_code == 201, registered.text
    token = sb.https.post(
        f"{sb.endpoints.authority}/botframework.com/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": other["client_id"],
            "client_secret": other["secret"],
            "scope": "https://api.botframework.com/.default",
        },
    ).json()["access_token"]
    response = await _send(bot.endpoints.service_url, conversation, token)
    assert response.status_code == 401
    assert "registered bot" in response.json()["error"]["message"]
