"""Bot figures with 50 conversations at once, each of its own tenant, through the sandbox's
channel over real HTTP, against ``python app.py serve --with-runner`` in its own process.

Run ``python bench/bot_latency.py``. It starts its own sandbox (Graph answers in 100 ms, the
Teams admin API in 400 ms, as in bench/provisioning.py) and the bot.

- Message acknowledgement: every conversation types messages (``status``, ``help``…) one
  after the other, a second apart on average; the figure is the p99 of the time the channel
  waits for the bot's HTTP 200.
  The bot answers a message later, in the background: acknowledging takes no round trip to
  anyone, so the bound is the issue's budget, 150 ms.
- Invoke answers: every conversation presses, a second after each answer on average, buttons whose
  answer is a card that needs
  Microsoft (``Check again`` on the wizard runs the readiness check: two Graph round trips in
  a row, 0.2 s at the configured latency, plus the provider zone's DNS); the figure is the p99
  of the time until the channel has the answer card. Bound: the issue's budget, 1 s.
- Throttling: then 10 of the tenants integrate at once, with their progress cards updated in
  place; the channel counts every call of the bot it answers with 429. Bound: none allowed.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results import result  # noqa: E402
from bench.sandboxed import run_figures  # noqa: E402
from tests.support.bot import BotEndpoint, Client, card_of, find_action, served_bot, text_of  # noqa: E402
from tests.support.harness import Harness, SeededTenant  # noqa: E402

LATENCY_MS = {"entra": 0.0, "graph": 100.0, "teams_admin": 400.0}
CONVERSATIONS = 50
MESSAGES_EACH = 20
PRESSES_EACH = 6
# After each answer a user reads for a second on average before typing or pressing again
# (faster than anyone works), so the 50 conversations send ~45 messages or ~35 presses a
# second together. Users are independent: each starts at a random moment and thinks for an
# exponentially distributed time (the usual closed-loop model), not in lockstep with the others.
THINK_SECONDS = 1.0
_rng = random.Random(10)
INTEGRATING = 10
ACK_BOUND_S = 0.150
INVOKE_BOUND_S = 1.0
WORDS = ("status", "help", "STATUS please", "what can you do? help")


def _having(text: str) -> Any:
    def predicate(cards: list[dict[str, Any]]) -> dict[str, Any] | None:
        return next((c for c in reversed(cards) if text in text_of(card_of(c))), None)

    return predicate


def _spread(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    p50, p90, top = cuts[49] * 1000, cuts[89] * 1000, max(samples) * 1000
    return f"p50 {p50:.0f} ms, p90 {p90:.0f} ms, max {top:.0f} ms"


def p99(samples: list[float]) -> float:
    """The 99th percentile (inclusive method)."""
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


async def _conversation(http: httpx.AsyncClient, bot: BotEndpoint, tenant: SeededTenant) -> Client:
    chat = Client(http, bot, tenant)
    await chat.open(tenant.admin)
    return chat


class Load:
    """The chat page's two timed calls, on aiohttp: the load generator must not be what is
    slow (httpx's pool costs milliseconds a request with hundreds of connections)."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self._session, self._base = session, base.rstrip("/")

    async def say(self, chat: Client, text: str) -> float:
        """Type ``text``; seconds until the channel had the bot's HTTP answer."""
        return await self._post(chat, "messages", {"user": chat.user, "text": text})

    async def press(self, chat: Client, card: dict[str, Any], title: str) -> float:
        """Press ``title`` on ``card``; seconds until the channel had the answer card."""
        action = find_action(card_of(card), title)
        body = {
            "user": chat.user,
            "activityId": card["id"],
            "action": {"type": "Action.Execute", "verb": action["verb"], "data": action["data"]},
        }
        return await self._post(chat, "actions", body)

    async def _post(self, chat: Client, kind: str, body: dict[str, Any]) -> float:
        url = f"{self._base}/api/conversations/{quote(chat.conversation, safe='')}/{kind}"
        started = time.perf_counter()
        async with self._session.post(url, json=body) as response:
            answer = await response.json()
        elapsed = time.perf_counter() - started
        assert response.status == 200, answer
        assert answer["delivery"]["status"] == 200, answer
        return elapsed


async def _messages(load: Load, chat: Client) -> list[float]:
    """A user typing: one message, a short pause to read, the next."""
    times = []
    await asyncio.sleep(_rng.uniform(0, THINK_SECONDS))
    for index in range(MESSAGES_EACH):
        times.append(await load.say(chat, WORDS[index % len(WORDS)]))
        await asyncio.sleep(_rng.expovariate(1 / THINK_SECONDS))
    return times


async def _signed_in(chat: Client, step: str) -> dict[str, Any]:
    """Step 1 done: the wizard card where it then stands."""
    await chat.say("connect")
    wizard = await chat.wait_for("the wizard", _having("Step 1 of 4"), 120)
    link = next(
        a["url"]
        for a in _actions(card_of(wizard))
        if a.get("title") == "Sign in to Microsoft (step 1)"
    )
    await chat.sign_in(link, chat.tenant.admin)
    found: dict[str, Any] = await chat.wait_for(step, _having(step), 120)
    return found


def _actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack: list[Any] = [card]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Action."):
                found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


async def _presses(load: Load, chat: Client, wizard: dict[str, Any]) -> list[float]:
    """``Check again`` on the blocked wizard, again and again (the answer replaces the card)."""
    times = []
    await asyncio.sleep(_rng.uniform(0, THINK_SECONDS))
    for _ in range(PRESSES_EACH):
        times.append(await load.press(chat, wizard, "Check again"))
        await asyncio.sleep(_rng.expovariate(1 / THINK_SECONDS))
    return times


def _throttled(harness: Harness, app_id: str) -> int:
    bots = harness.control.get("/bots").json()["bots"]
    return int(next(b["throttled"] for b in bots if b["app_id"] == app_id))


async def _integrate(http: httpx.AsyncClient, bot: BotEndpoint, tenant: SeededTenant) -> None:
    chat = await _conversation(http, bot, tenant)
    wizard = await _signed_in(chat, "Step 3 of 4")
    link = next(
        a["url"]
        for a in _actions(card_of(wizard))
        if a.get("title") == "Sign in to the Teams admin centre (step 3)"
    )
    await chat.sign_in(link, tenant.admin)
    wizard = await chat.wait_for("step 4", _having("Step 4 of 4"), 120)
    await chat.press(wizard, "Integrate")
    await chat.wait_for("the end", _having("is connected"), 600)


async def figures(harness: Harness, tmp: Path) -> list[bool]:
    """Every figure of this benchmark."""
    # Blocked at step 2 (no free licence): "Check again" runs the readiness check each time.
    blocked = [harness.make_tenant(users=6, teams_phone_share=0.5) for _ in range(CONVERSATIONS)]
    ready = [
        harness.make_tenant(users=6, teams_phone_share=0.5, free_seats={"STANDARDPACK": 1})
        for _ in range(INTEGRATING)
    ]
    # The production default: connections to Microsoft outlive a readiness check.
    with served_bot(harness, tmp, HTTP_KEEPALIVE_SECONDS="30") as bot:
        for tenant in [*blocked, *ready]:
            bot.grant(tenant)
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        async with httpx.AsyncClient(
            base_url=harness.endpoints.chat, timeout=60, limits=limits
        ) as http:
            chats = list(await asyncio.gather(*(_conversation(http, bot, t) for t in blocked)))
            harness.control.patch("/knobs", json={"latency_ms": LATENCY_MS})

            session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200))
            load = Load(session, harness.endpoints.chat)
            acks = [
                t for ts in await asyncio.gather(*(_messages(load, c) for c in chats)) for t in ts
            ]
            print(f"{len(acks)} messages from {len(chats)} conversations at once: {_spread(acks)}")
            passed = [result("message_ack_p99", p99(acks), "s", ACK_BOUND_S, True)]

            wizards = await asyncio.gather(*(_signed_in(c, "Step 2 of 4") for c in chats))
            pressing = (_presses(load, c, w) for c, w in zip(chats, wizards, strict=True))
            answers = [t for ts in await asyncio.gather(*pressing) for t in ts]
            await session.close()
            print(f"{len(answers)} button presses answered with a card: {_spread(answers)}")
            passed.append(result("invoke_answer_p99", p99(answers), "s", INVOKE_BOUND_S, True))

            before = _throttled(harness, bot.app_id)
            started = time.perf_counter()
            await asyncio.gather(*(_integrate(http, bot, t) for t in ready))
            throttled = _throttled(harness, bot.app_id) - before
            print(
                f"{INTEGRATING} integrations at once in {time.perf_counter() - started:.0f} s, "
                f"{throttled} calls answered 429"
            )
            passed.append(
                result("channel_429_during_provisioning", throttled, "responses", 1, True, 0)
            )
    return passed


def main() -> int:
    """Run every figure; exit non-zero if any fails."""
    return run_figures(figures)


if __name__ == "__main__":
    sys.exit(main())
