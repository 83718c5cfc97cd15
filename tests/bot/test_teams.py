"""What reaches ``/api/messages``: only activities the channel signed for this bot are
handled; every other token gets 401 and no handler runs (research/botframework-teams.md §2.3)."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from bot import teams
from sandbox.channel.model import user_mri
from tests.bot.conftest import ChannelKey
from tests.support.bot import BOT_NAME, BotUnderTest, Client, card_of, text_of
from tests.support.harness import Harness, SeededTenant

ISSUER = "https://api.botframework.com"


def _activity(sb: Harness, chat: Client, text: str, **changes: Any) -> dict[str, Any]:
    """A message as Teams' channel sends it to the bot, in the chat's conversation."""
    tenant = chat.tenant.id
    return {
        "type": "message",
        "id": uuid.uuid4().hex,
        "timestamp": dt.datetime.now(dt.UTC).isoformat(),
        "channelId": "msteams",
        "serviceUrl": sb.endpoints.service_url,
        "from": {"id": user_mri(tenant, chat.user), "aadObjectId": chat.user, "name": "Admin"},
        "conversation": {
            "id": chat.conversation,
            "conversationType": "personal",
            "tenantId": tenant,
        },
        "recipient": {"id": f"28:{chat.under.app_id}", "name": BOT_NAME},
        "channelData": {"tenant": {"id": tenant}},
        "locale": "en-US",
        "text": text,
    } | changes


def _claims(sb: Harness, under: BotUnderTest, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": ISSUER,
        "aud": under.app_id,
        "serviceurl": sb.endpoints.service_url,
        "nbf": now - 5,
        "iat": now - 5,
        "exp": now + 3600,
    } | changes


def _signed(key: ChannelKey, claims: dict[str, Any]) -> str:
    return jwt.encode(claims, key.pem, algorithm="RS256", headers={"kid": key.kid})


def _other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


async def _post(under: BotUnderTest, activity: dict[str, Any], token: str | None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(f"{under.url}/api/messages", json=activity, headers=headers)
    return response.status_code


def _wizards(chat: Client) -> list[str]:
    return [t for t in (text_of(card_of(a)) for a in chat.bot_cards()) if "Step 1 of 4" in t]


Forgery = Callable[[Harness, BotUnderTest, ChannelKey, dict[str, Any]], str | None]

FORGERIES: dict[str, Forgery] = {
    "forged signature": lambda sb, under, key, activity: jwt.encode(
        _claims(sb, under), _other_key(), algorithm="RS256", headers={"kid": key.kid}
    ),
    "alg none": lambda sb, under, key, activity: jwt.encode(
        _claims(sb, under), "", algorithm="none", headers={"kid": key.kid}
    ),
    "expired": lambda sb, under, key, activity: _signed(
        key,
        _claims(
            sb,
            under,
            nbf=int(time.time()) - 7200,
            iat=int(time.time()) - 7200,
            exp=int(time.time()) - 3600,
        ),
    ),
    "wrong audience": lambda sb, under, key, activity: _signed(
        key, _claims(sb, under, aud=str(uuid.uuid4()))
    ),
    "wrong issuer": lambda sb, under, key, activity: _signed(
        key, _claims(sb, under, iss="https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/")
    ),
    "swapped serviceUrl": lambda sb, under, key, activity: _signed(
        key, _claims(sb, under, serviceurl="https://smba.trafficmanager.net/emea/")
    ),
    "unknown key": lambda sb, under, key, activity: jwt.encode(
        _claims(sb, under), _other_key(), algorithm="RS256", headers={"kid": "not-published"}
    ),
    # The channel's key is endorsed for msteams only; this activity claims another channel.
    "missing endorsement": lambda sb, under, key, activity: (
        activity.update(channelId="webchat") or _signed(key, _claims(sb, under))
    ),
    "no header": lambda sb, under, key, activity: None,
}


async def test_an_activity_the_channel_signed_is_handled(
    sb: Harness, under: BotUnderTest, chat: Client, channel_key: ChannelKey
) -> None:
    """The baseline the forgeries differ from: the channel's key, its claims, 200 and an answer."""
    status = await _post(
        under, _activity(sb, chat, "connect"), _signed(channel_key, _claims(sb, under))
    )
    assert status == 200
    await chat.wait_for("the wizard", lambda cards: _wizards(chat))


@pytest.mark.parametrize("forgery", list(FORGERIES))
async def test_a_forged_token_gets_401_and_no_handler_runs(
    sb: Harness,
    under: BotUnderTest,
    tenant: SeededTenant,
    chat: Client,
    channel_key: ChannelKey,
    forgery: str,
) -> None:
    """Forged signature, alg=none, expired, wrong audience or issuer, a serviceUrl other than
    the token's, an unknown key, a key not endorsed for the channel, no header: 401."""
    activity = _activity(sb, chat, "connect")
    token = FORGERIES[forgery](sb, under, channel_key, activity)
    assert await _post(under, activity, token) == 401
    # Turns of a conversation are handled in order: once the next one is answered, the
    # forged one would have been too.
    await chat.say("help")
    await chat.wait_for("the answer to help", lambda cards: "What I can do" in str(cards))
    assert _wizards(chat) == []


async def test_sends_past_the_channels_rate_limit_all_arrive_once(
    sb: Harness, under: BotUnderTest, chat: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twenty cards at once into one conversation (Teams takes 7 a second): the channel
    answers 429 with Retry-After, the bot waits and sends again, and each card arrives once;
    the channel token is reused, not asked for again."""
    await chat.wait_for("the welcome card", lambda cards: cards)
    surface = under.bot.surface
    token_requests: list[str] = []
    post = surface._http.post

    def counting(url: str, *args: Any, **kwargs: Any) -> httpx.Response:
        token_requests.append(url)
        return post(url, *args, **kwargs)

    monkeypatch.setattr(surface._http, "post", counting)
    throttled_before = _throttled(sb, under)
    reference = {"serviceUrl": sb.endpoints.service_url, "conversation": {"id": chat.conversation}}
    cards = [_card(f"card {n}") for n in range(20)]

    ids = await asyncio.gather(*(surface.send(reference, card) for card in cards))

    assert _throttled(sb, under) > throttled_before
    assert len(set(ids)) == 20
    shown = [text_of(card_of(a)) for a in chat.bot_cards()]
    assert sorted(t for t in shown if t.startswith("card ")) == sorted(
        f"card {n}" for n in range(20)
    )
    assert token_requests == []


def test_retry_after_is_read_as_seconds_or_as_an_http_date() -> None:
    """Both forms of RFC 9110 §10.2.3; a date in the past means now."""
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert teams._failure(429, {"Retry-After": "7"}, "").retry_after == 7
    assert teams._retry_after(date, now) == 30
    assert teams._retry_after(email.utils.formatdate(now - 30, usegmt=True), now) == 0
    assert teams._retry_after("soon", now) is None


def _throttled(sb: Harness, under: BotUnderTest) -> int:
    bots = sb.control.get("/bots").json()["bots"]
    return int(next(b["throttled"] for b in bots if b["app_id"] == under.app_id))


def _card(text: str) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": text, "wrap": True}],
    }
