"""A full provisioning and removal in a real test tenant (``make test-live``): what no sandbox
can settle. It reads first (``doctor``), provisions, checks the result through Microsoft's own
answers, then removes everything again and checks nothing of ours is left."""

from __future__ import annotations

import asyncio
import os
import time

import app
from provisioning.doctor import Doctor, Verdict
from provisioning.integrations import RunKind
from storage.runs import ACTIVE, RunStatus

# Direct Routing activation can take hours; the run waits on durable timers meanwhile.
PROVISION_WITHIN = float(os.environ.get("LIVE_PROVISION_SECONDS", 6 * 3600))
REMOVE_WITHIN = float(os.environ.get("LIVE_REMOVE_SECONDS", 3600))


async def _until_done(runtime: app.Runtime, run_id: str, within: float) -> str:
    runner = runtime.runner(idle_poll_seconds=1.0)
    stop = asyncio.Event()
    worker = asyncio.create_task(runner.run_forever(stop))
    deadline = time.monotonic() + within
    try:
        while True:
            run = runtime.store.run(run_id)
            assert run is not None
            if run.status not in {s.value for s in ACTIVE}:
                return run.status
            assert time.monotonic() < deadline, f"run {run_id} still {run.status}"
            await asyncio.sleep(10)
    finally:
        stop.set()
        await worker


async def test_a_real_tenant_is_provisioned_and_removed(live: app.Runtime) -> None:
    """Doctor ok (or different only where the product copes); provisioning succeeds; removal
    succeeds and forgets the sign-ins."""
    tenant = os.environ["LIVE_TENANT_ID"]
    s = live.settings
    doctor = Doctor(
        tenant, s.microsoft, s.identity, s.dns, live.vault, live.clock, live.ports.msal_client
    )
    findings = await doctor.run()
    for finding in findings:
        print(finding.line())
    assert all(f.verdict == Verdict.OK or f.copes for f in findings)

    run_id = await live.integrations.start(tenant, RunKind.PROVISION, "make test-live")
    assert await _until_done(live, run_id, PROVISION_WITHIN) == RunStatus.SUCCEEDED
    view = await live.integrations.view(run_id)
    assert all(step.status == "done" for step in view.steps)

    removal = await live.integrations.start(tenant, RunKind.REMOVE, "make test-live")
    assert await _until_done(live, removal, REMOVE_WITHIN) == RunStatus.SUCCEEDED
    assert live.vault.purposes(tenant) == []
