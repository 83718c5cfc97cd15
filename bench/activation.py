"""Activation figures: 100 users activated at once, then deactivated, against a bound made of
Microsoft's number operation time and the round trips of one activation's critical chain.

Run ``python bench/activation.py``. It starts its own sandbox (Graph at 100 ms, the Teams admin
API at 400 ms, number operations of 10 s, Teams' throttling at its default of 500 requests per
10 s) and drives the real product (adapters, SQLite, runners in this process).

- One activation's critical chain: check the user (1 Graph round trip), look at and assign the
  number (2), Microsoft's operation (``OP`` s, watched every second: up to 1 s more and a round
  trip per look), confirm in Teams (1); the dial plan and policy grants (1 Teams round trip
  each) run beside the number. B = OP + 1 s + 5 × Graph latency. A hundred at once fit within
  B unless throttling binds: the Teams admin API allows 500 requests per 10 s, two per
  activation, so 100 activations need at least 100 × 2 / 50 = 4 s of its quota, under B.
  Target: all 100 done within 1.5 × max(B, throttled time); throughput printed against the
  throttling limit (25 activations a second).
- The same for 100 deactivations (number off with its operation, policy and dial plan off,
  confirm).
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results import result  # noqa: E402
from bench.sandboxed import run_figures  # noqa: E402
from provisioning.integrations import UserView  # noqa: E402
from tests.support.harness import Harness  # noqa: E402
from tests.support.product import Product  # noqa: E402
from tests.support.voice import as_if_integrated, inactive_users, run_until_ended  # noqa: E402

USERS = 100
OP_SECONDS = 10.0
LATENCY_MS = {"entra": 0.0, "graph": 100.0, "teams_admin": 400.0}
TEAMS_REQUESTS_PER_SECOND = 500 / 10
TEAMS_REQUESTS_EACH = 2
GRAPH_CHAIN = 5
POLL_SECONDS = 1.0
TARGET = 1.5


def _bound() -> tuple[float, float]:
    chain = OP_SECONDS + POLL_SECONDS + GRAPH_CHAIN * LATENCY_MS["graph"] / 1000
    throttled = USERS * TEAMS_REQUESTS_EACH / TEAMS_REQUESTS_PER_SECOND
    return chain, throttled


async def figures(harness: Harness, tmp: Path) -> list[bool]:
    """Every figure of this benchmark."""
    # As ``python app.py runner`` and ``serve`` run: a thread per database call in flight.
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(max_workers=32, thread_name_prefix="db")
    )
    tenant = harness.make_tenant(
        users=USERS + 10,
        teams_phone_share=1.0,
        knobs={"number_operation_seconds": OP_SECONDS},
    )
    product = Product.create(harness, f"sqlite:///{tmp / 'bench.db'}")
    try:
        product.onboard(tenant)
        as_if_integrated(harness, product, tenant)
        users = product.runtime.integrations.users
        await users.sync(tenant.id)
        chosen = await inactive_users(product, tenant, USERS)
        harness.control.patch("/knobs", json={"latency_ms": LATENCY_MS})
        activations = product.runtime.integrations.activations
        chain, throttled = _bound()
        bound = max(chain, throttled)
        print(
            f"bound = max(chain {chain:.1f} s = operation {OP_SECONDS:.0f} s + poll "
            f"{POLL_SECONDS:.0f} s + {GRAPH_CHAIN} Graph round trips × 100 ms, throttled "
            f"{throttled:.1f} s = {USERS} × {TEAMS_REQUESTS_EACH} Teams requests / "
            f"{TEAMS_REQUESTS_PER_SECOND:.0f} per s) = {bound:.1f} s"
        )
        passed = []

        def activate(i: int, user: UserView) -> Awaitable[str]:
            return activations.activate(tenant.id, user.user_id, f"+4420794{60000 + i}", "b", None)

        def deactivate(i: int, user: UserView) -> Awaitable[str]:
            return activations.deactivate(tenant.id, user.user_id, "b", None)

        starts: list[tuple[str, Callable[[int, UserView], Awaitable[str]]]] = [
            ("activations_100", activate),
            ("deactivations_100", deactivate),
        ]
        for name, start in starts:
            runs = [await start(i, u) for i, u in enumerate(chosen)]
            started = time.perf_counter()
            ended = await run_until_ended(product, runs, poll=0.05)
            elapsed = time.perf_counter() - started
            if set(ended) != {"succeeded"}:
                raise SystemExit(f"not every run succeeded: {ended}")
            limit = TEAMS_REQUESTS_PER_SECOND / TEAMS_REQUESTS_EACH
            print(
                f"{name}: {elapsed:.1f} s, {USERS / elapsed:.1f} per second "
                f"(throttling allows {limit:.0f} per second)"
            )
            passed.append(result(name, elapsed, "s", bound, True, TARGET))
        voice = harness.state(tenant)["voice"]["users"]
        if any(u.upn in voice for u in chosen):
            raise SystemExit("a deactivated user still has voice")
        return passed
    finally:
        product.close()


def main() -> int:
    """Run every figure; exit non-zero if any fails."""
    return run_figures(figures)


if __name__ == "__main__":
    sys.exit(main())
