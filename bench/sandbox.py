"""Sandbox figures: seeding 100,000 users; Graph reads and Teams admin requests per second
with latency knobs at zero.

Run ``python bench/sandbox.py``. It starts its own sandbox process, so nothing else competes
with it but the load generator (one process, asyncio, keep-alive HTTPS connections).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results import result  # noqa: E402
from tests.support.harness import Harness  # noqa: E402
from tests.support.sandbox_process import running_sandbox  # noqa: E402

SEED_USERS = 100_000
READ_SECONDS = 8.0
CONCURRENCY = 48


def seed_figure(harness: Harness) -> bool:
    """Time one control-API call that creates and seeds a 100,000-user tenant."""
    started = time.perf_counter()
    tenant = harness.make_tenant(
        users=SEED_USERS, teams_phone_share=0.6, unlicensed_share=0.1, free_seats={"MCOSTANDARD": 1}
    )
    elapsed = time.perf_counter() - started
    assert tenant.summary["users"] == SEED_USERS + 1
    print(f"seeded {SEED_USERS:,} users in {elapsed:.2f} s", flush=True)
    return result("sandbox_seed_100k_users", elapsed, "s", 10.0, at_most=True)


async def _load(
    base: str, token: str, paths: list[str], ssl_context: object, seconds: float
) -> tuple[int, int, list[float]]:
    """Keep CONCURRENCY requests in flight for ``seconds``; count answers and latencies."""
    connector = aiohttp.TCPConnector(limit=CONCURRENCY, ssl=ssl_context)  # type: ignore[arg-type]
    headers = {"Authorization": f"Bearer {token}"}
    ok = errors = 0
    latencies: list[float] = []
    rng = random.Random(1)
    deadline = time.perf_counter() + seconds

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal ok, errors
        while time.perf_counter() < deadline:
            path = rng.choice(paths)
            started = time.perf_counter()
            async with session.get(base + path, headers=headers) as response:
                await response.read()
                if response.status == 200:
                    ok += 1
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1

    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(session) for _ in range(CONCURRENCY)))
    return ok, errors, latencies


def _rate(
    name: str, base: str, token: str, paths: list[str], harness: Harness, bound: float
) -> bool:
    ssl_context = harness.endpoints.ssl_context()
    asyncio.run(_load(base, token, paths, ssl_context, 1.0))  # warm-up
    ok, errors, latencies = asyncio.run(_load(base, token, paths, ssl_context, READ_SECONDS))
    latencies.sort()
    rate = ok / READ_SECONDS
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else float("nan")
    p99 = latencies[int(len(latencies) * 0.99)] * 1000 if latencies else float("nan")
    print(
        f"{name}: {ok} requests in {READ_SECONDS:.0f} s with {CONCURRENCY} connections, "
        f"{errors} errors; p50 {p50:.1f} ms, p99 {p99:.1f} ms",
        flush=True,
    )
    return result(name, rate, "req/s", bound, at_most=False) and errors == 0


def reads_figure(harness: Harness) -> bool:
    """Sustained Graph reads per second against a 10,000-user tenant, throttling off."""
    tenant = harness.make_tenant(users=10_000, teams_phone_share=0.6)
    harness.control.patch(f"/tenants/{tenant.id}/knobs", json={"throttling": {"enabled": False}})
    scopes = ["https://graph.microsoft.com/User.Read", "https://graph.microsoft.com/User.Read.All"]
    token = harness.entra.user_token(tenant.domain, tenant.admin, scopes)["access_token"]
    users = harness.https.get(
        f"{harness.endpoints.graph}/users?$select=id&$top=500",
        headers={"Authorization": f"Bearer {token}"},
    ).json()["value"]
    paths = [f"/users/{u['id']}" for u in users] + [
        "/users?$top=100&$select=id,userPrincipalName,assignedPlans",
        "/organization",
        "/me",
    ]
    return _rate(
        "sandbox_graph_reads_per_second", harness.endpoints.graph, token, paths, harness, 1000.0
    )


def teams_admin_figure(harness: Harness) -> bool:
    """Sustained Teams admin API requests per second, latency knob at zero, throttling off."""
    tenant = harness.make_tenant(
        users=2_000, teams_phone_share=0.6, other_provider={"name": "Fabrikam Voice", "users": 50}
    )
    harness.control.patch(
        f"/tenants/{tenant.id}/knobs", json={"teams_throttling": {"enabled": False}}
    )
    teams = harness.teams(tenant)
    users = teams.get("/Teams.User/users?top=300").json()["users"]
    paths = (
        [f"/Teams.User/users/{u['objectId']}" for u in users]
        + [
            f"/Skype.Policy/configurations/{kind}"
            for kind in (
                "TenantDialPlan",
                "OnlineVoiceRoutingPolicy",
                "OnlinePstnUsages",
                "OnlinePSTNGateway",
                "OnlineVoiceRoute",
            )
        ]
        + ["/Teams.User/users?top=100"]
    )
    return _rate(
        "sandbox_teams_admin_requests_per_second",
        harness.endpoints.teams_admin,
        teams.token,
        paths,
        harness,
        500.0,
    )


def main() -> int:
    """Run both figures; exit non-zero if any fails."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_sandbox(Path(tmp) / "sandbox") as (endpoints, _),
    ):
        harness = Harness(endpoints)
        try:
            passed = [seed_figure(harness), reads_figure(harness), teams_admin_figure(harness)]
        finally:
            with contextlib.suppress(httpx.HTTPError):
                harness.close()
    return 0 if all(passed) else 1


if __name__ == "__main__":
    sys.exit(main())
