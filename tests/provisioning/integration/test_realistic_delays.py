"""Provisioning and removal against the sandbox with Microsoft's delays at realistic values
(Direct Routing activation 60 s, replication 5 s, policy grants 30 s, number operations 10 s,
DNS propagation 15 s), moved through with the clock: every wait between steps is a durable
timer that the sandbox, not a fake, has to satisfy."""

from __future__ import annotations

import json
from pathlib import Path

from storage.runs import ACTIVE, RunKind, RunRecord, RunStatus
from tests.support.clocks import SandboxClock
from tests.support.harness import Harness
from tests.support.product import Product, alike_tenant, facts

DELAYS = {
    "activation_seconds": 60,
    "consistency_seconds": 5,
    "grant_delay_seconds": 30,
    "number_operation_seconds": 10,
}


async def _drive(product: Product, clock: SandboxClock, run_id: str) -> tuple[RunRecord, float]:
    """Run the runner; whenever the run sleeps on a timer, move both clocks to it."""
    runner = product.runner(hold_seconds=0.0, lease_seconds=30.0)
    moved = 0.0
    for _ in range(500):
        await runner.drain()
        run = product.run(run_id)
        if run.status not in {s.value for s in ACTIVE}:
            return run, moved
        assert run.next_wake_at is not None
        step = max(0.0, run.next_wake_at - clock.now()) + 0.05
        clock.advance(step)
        moved += step
    raise AssertionError("the run did not end")


def _wait_reasons(product: Product, run_id: str) -> list[str]:
    return [e.message for e in product.runtime.store.events(run_id) if e.kind == "step_waiting"]


async def test_provisioning_and_removal_wait_out_microsoft_s_delays(
    private_sandbox: Harness, tmp_path: Path
) -> None:
    """Both succeed; the admin saw each wait; the tenant ends as it began."""
    sb = private_sandbox
    clock = SandboxClock(sb)
    product = Product.create(sb, f"sqlite:///{tmp_path / 'bot.db'}", clock=clock)
    try:
        tenant = alike_tenant(sb)
        sb.control.patch(f"/tenants/{tenant.id}/knobs", json=DELAYS)
        sb.control.patch("/knobs", json={"dns_propagation_seconds": 15})
        before = facts(sb, tenant)
        product.onboard(tenant)

        run, waited = await _drive(product, clock, await product.start(tenant))

        assert run.status == RunStatus.SUCCEEDED, (run.error, run.hint)
        reasons = " | ".join(_wait_reasons(product, run.id))
        assert "Waiting for DNS" in reasons
        assert "activate the domain for Direct Routing" in reasons
        assert "finish creating the domain" in reasons
        assert waited >= 60 + 15  # activation and propagation passed on the clock

        enabled = _enable_two_users(sb, tenant)
        removal, _ = await _drive(product, clock, await product.start(tenant, RunKind.REMOVE))

        assert removal.status == RunStatus.SUCCEEDED, (removal.error, removal.hint)
        reasons = " | ".join(_wait_reasons(product, removal.id))
        assert "Removing phone numbers from 2 user(s)" in reasons
        # A queued unassignment frees the policy only once applied (F7): removal waited.
        assert "Waiting for the voice routing policy to be unassigned" in reasons
        voice = sb.state(tenant)["voice"]
        assert not set(enabled) & set(voice["users"])
        assert facts(sb, tenant) == before
    finally:
        product.close()


def _enable_two_users(sb: Harness, tenant: object) -> list[str]:
    """Our policy, dial plan and a number for two Teams Phone users; the grants and numbers
    take effect only after Microsoft's delays."""
    from tests.provisioning.integration.test_provisioning import _enable_users

    enabled = _enable_users(sb, tenant, count=2)  # type: ignore[arg-type]
    sb.advance_clock(31)  # the grants and number assignments apply
    state = sb.state(tenant)  # type: ignore[arg-type]
    assert all(upn in state["voice"]["users"] for upn in enabled), json.dumps(state["voice"])
    return enabled
