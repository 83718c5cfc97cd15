"""Generated malformed activities, signed and unsigned, never get a 5xx from ``/api/messages``
and never stop the bot: afterwards it still answers a real user."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import jwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.bot.conftest import ChannelKey
from tests.bot.test_teams import _activity
from tests.support.bot import BotUnderTest, Client
from tests.support.harness import Harness

EXAMPLES = 1200
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = (
    "type",
    "id",
    "name",
    "channelId",
    "from",
    "conversation",
    "recipient",
    "channelData",
    "value",
    "text",
    "locale",
    "replyToId",
    "attachments",
    "entities",
    "membersAdded",
    "action",
)
TYPES = st.sampled_from(
    ["message", "invoke", "installationUpdate", "conversationUpdate", "event", "typing", ""]
) | st.text(max_size=12)
VERBS = st.sampled_from(
    ["help", "connect", "integrate", "remove_confirm", "retry", "cancel", "status", "nope"]
) | st.text(max_size=10)


def _invoke_value() -> st.SearchStrategy[Any]:
    action = st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Action.Execute", "Action.Submit"]) | st.text(max_size=8),
            "verb": VERBS,
            "data": st.dictionaries(
                st.sampled_from(["tenant", "conversation", "run", "confirmation", "verb"]),
                JSON,
                max_size=4,
            )
            | JSON,
        }
    )
    return st.fixed_dictionaries({"action": action | JSON}) | JSON


@st.composite
def activities(draw: st.DrawFn, base: dict[str, Any], service_urls: list[str]) -> dict[str, Any]:
    """The real conversation's activity, then fields replaced, removed or made up."""
    activity = dict(base)
    activity["type"] = draw(TYPES)
    if activity["type"] == "invoke" or draw(st.booleans()):
        activity["name"] = draw(st.sampled_from(["adaptiveCard/action", "", "task/fetch"]))
        activity["value"] = draw(_invoke_value())
    activity["serviceUrl"] = draw(st.sampled_from(service_urls))
    if draw(st.integers(0, 9)) > 0:
        # Most go to conversations the channel does not know (its 404 ends any answer fast).
        conversation = dict(activity["conversation"])
        conversation["id"] = draw(st.text(min_size=1, max_size=30))
        activity["conversation"] = conversation
    for field in draw(st.sets(st.sampled_from(FIELDS), max_size=3)):
        activity.pop(field, None)
    activity |= draw(st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=3))
    return activity


def _token(key: ChannelKey, app_id: str, service_url: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": "https://api.botframework.com",
        "aud": app_id,
        "serviceurl": service_url if isinstance(service_url, str) else "",
        "nbf": now - 5,
        "iat": now - 5,
        "exp": now + 3600,
    }
    return jwt.encode(claims, key.pem, algorithm="RS256", headers={"kid": key.kid})


async def test_generated_malformed_activities_never_get_a_5xx_nor_stop_the_bot(
    sb: Harness, under: BotUnderTest, chat: Client, channel_key: ChannelKey
) -> None:
    """1,200 activities: some not JSON, some not activities, most oddly shaped, half signed."""
    base = _activity(sb, chat, "help")
    # Only ever loopback: a reply to a made-up service URL must not leave the machine.
    urls = [sb.endpoints.service_url, "http://127.0.0.1:9/", "not a url", ""]
    statuses: list[int] = []
    http = httpx.Client(timeout=30)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        activity=activities(base, urls),
        signed=st.booleans(),
        body=st.none() | st.binary(max_size=40) | st.text(max_size=40),
    )
    def post(activity: dict[str, Any], signed: bool, body: bytes | str | None) -> None:
        headers = {"Content-Type": "application/json"}
        if signed:
            token = _token(channel_key, under.app_id, activity.get("serviceUrl"))
            headers["Authorization"] = f"Bearer {token}"
        if body is None:
            response = http.post(f"{under.url}/api/messages", json=activity, headers=headers)
        else:
            response = http.post(f"{under.url}/api/messages", content=body, headers=headers)
        statuses.append(response.status_code)
        assert response.status_code < 500, (activity, response.text)

    with http:
        await asyncio.to_thread(post)
    assert len(statuses) >= 1000
    assert 200 in statuses  # some were well-formed enough to be handled
    async with httpx.AsyncClient(timeout=10) as checking:
        assert (await checking.get(f"{under.url}/healthz")).status_code == 200
        assert (await checking.get(f"{under.url}/readyz")).status_code == 200
    await chat.say("help")
    await chat.wait_for("the answer to help", lambda cards: "What I can do" in str(cards), 120)
