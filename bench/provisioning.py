"""Provisioning figures: end-to-end time against the critical path with realistic latencies, and
domain verification under a DNS propagation delay.

Run ``python bench/provisioning.py``. It starts its own sandbox and drives the real product
(adapters, SQLite database, vault, an in-process runner) through a full provisioning.

- End to end: Graph answers in 100 ms and the Teams admin API in 400 ms, DNS propagation and
  Direct Routing activation are immediate. The critical path is the longest chain of the plan's
  dependency graph, each step weighted by how long it took in that same run (from its
  ``step_started`` to its ``step_done`` event); end to end is from the run's creation to its
  end. Their ratio shows what the engine adds: scheduling, persistence, and any step that did
  not run as soon as its dependencies allowed.
- Verification: the provider zone's secondaries lag ``P`` seconds behind the primary. From the
  moment both records are published, the domain must be verified within ``P + 5`` s, and
  Microsoft must be asked to verify exactly once (an early ask fails and, in real life, leaves a
  cached negative answer behind).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results import result  # noqa: E402
from provisioning.steps.provision import PROVISIONING  # noqa: E402
from storage.events import ProgressEvent  # noqa: E402
from storage.runs import ACTIVE, RunRecord, RunStatus  # noqa: E402
from tests.support.harness import Harness, SeededTenant  # noqa: E402
from tests.support.product import Product  # noqa: E402
from tests.support.sandbox_process import running_sandbox  # noqa: E402

GRAPH_MS = 100
TEAMS_MS = 400
PROPAGATION_SECONDS = 15.0


def _tenant(harness: Harness) -> SeededTenant:
    return harness.make_tenant(
        users=50,
        teams_phone_share=0.5,
        free_seats={"MCOSTANDARD": 1},
        other_provider={"name": "Fabrikam Voice", "users": 5},
    )


async def _provision(product: Product, tenant: SeededTenant) -> RunRecord:
    """Start a provisioning run and let one in-process runner carry it to its end."""
    run_id = product.start(tenant)
    runner = product.runner(idle_poll_seconds=0.05)
    stop = asyncio.Event()
    worker = asyncio.create_task(runner.run_forever(stop))
    try:
        while product.run(run_id).status in {s.value for s in ACTIVE}:  # noqa: ASYNC110
            await asyncio.sleep(0.05)  # the run lives in the database: poll it
    finally:
        stop.set()
        await worker
    run = product.run(run_id)
    if run.status != RunStatus.SUCCEEDED:
        raise RuntimeError(f"provisioning ended {run.status}: {run.error} ({run.hint})")
    return run


def _step_times(events: list[ProgressEvent]) -> dict[str, tuple[float, float]]:
    """Each step's (started, done) times."""
    started = {e.step: e.at for e in events if e.kind == "step_started" and e.step}
    done = {e.step: e.at for e in events if e.kind == "step_done" and e.step}
    return {name: (started[name], done[name]) for name in done}


def _critical_path(times: dict[str, tuple[float, float]]) -> tuple[float, list[str]]:
    """The longest dependency chain, weighting each step by its own duration."""
    longest: dict[str, tuple[float, list[str]]] = {}
    for step in PROVISIONING:  # the plan lists every step after its dependencies
        start, end = times[step.name]
        before = max((longest[n] for n in step.needs), default=(0.0, []), key=lambda x: x[0])
        longest[step.name] = (before[0] + (end - start), [*before[1], step.name])
    return max(longest.values(), key=lambda x: x[0])


def end_to_end_figure(harness: Harness, database: Path) -> bool:
    """Provisioning with realistic latencies against its critical path."""
    harness.control.patch(
        "/knobs",
        json={
            "latency_ms": {"graph": GRAPH_MS, "teams_admin": TEAMS_MS},
            "dns_propagation_seconds": 0,
        },
    )
    product = Product.create(harness, f"sqlite:///{database}")
    try:
        tenant = _tenant(harness)
        product.onboard(tenant)
        run = asyncio.run(_provision(product, tenant))
        times = _step_times(product.runtime.store.events(run.id))
    finally:
        product.close()
    assert run.finished_at is not None
    total = run.finished_at - run.created_at
    critical, chain = _critical_path(times)
    origin = run.created_at
    for name, (start, end) in sorted(times.items(), key=lambda kv: kv[1][0]):
        span = f"{start - origin:6.2f} s → {end - origin:6.2f} s"
        print(f"  {name:<16} {span}  ({end - start:.2f} s)")
    print(f"critical path {critical:.2f} s: {' → '.join(chain)}")
    print(f"end to end    {total:.2f} s (Graph {GRAPH_MS} ms, Teams admin {TEAMS_MS} ms)")
    return result("provisioning_end_to_end", total, "s", round(1.2 * critical, 3), at_most=True)


def verification_figures(harness: Harness, database: Path) -> list[bool]:
    """Verification after a propagation delay, asked for once."""
    harness.control.patch(
        "/knobs",
        json={
            "latency_ms": {"graph": GRAPH_MS, "teams_admin": TEAMS_MS},
            "dns_propagation_seconds": PROPAGATION_SECONDS,
        },
    )
    product = Product.create(harness, f"sqlite:///{database}")
    try:
        tenant = _tenant(harness)
        product.onboard(tenant)
        # A rule that never fires counts every verify call of this tenant.
        counter = harness.add_fault(
            kind="503", service="graph", operation="domains.verify", tenant=tenant.id, rate=0.0
        )
        run = asyncio.run(_provision(product, tenant))
        times = _step_times(product.runtime.store.events(run.id))
    finally:
        product.close()
    rules = harness.control.get("/faults").json()["faults"]
    calls = next(r["matched"] for r in rules if r["id"] == counter["id"])
    published = max(times["txt_record"][1], times["dns_subdomain"][1])
    verified = times["domain_verified"][1] - published
    print(
        f"records published, then verified {verified:.2f} s later "
        f"(propagation {PROPAGATION_SECONDS:g} s); verify called {calls} time(s)"
    )
    return [
        result("domain_verified_after_publish", verified, "s", PROPAGATION_SECONDS + 5, True),
        result("domain_verify_calls", float(calls), "calls", 1.0, at_most=True),
    ]


def main() -> int:
    """Run every figure; exit non-zero if any fails."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_sandbox(Path(tmp) / "sandbox") as (endpoints, _),
    ):
        harness = Harness(endpoints)
        try:
            started = time.perf_counter()
            passed = [end_to_end_figure(harness, Path(tmp) / "e2e.db")]
            passed += verification_figures(harness, Path(tmp) / "verify.db")
            print(f"({time.perf_counter() - started:.0f} s in all)")
        finally:
            with contextlib.suppress(httpx.HTTPError):
                harness.close()
    return 0 if all(passed) else 1


if __name__ == "__main__":
    sys.exit(main())
