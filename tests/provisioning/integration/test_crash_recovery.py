"""The runner process killed (SIGKILL) at each step boundary in turn (issue "provisioning
engine"): after a restart every run converges to the same final state with no object created
twice, and a removal started after any interruption leaves nothing of ours behind."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from provisioning.runner.runner import CrashPoint
from provisioning.steps.provision import PROVISIONING
from storage.ledger import LedgerStatus
from storage.runs import RunKind, RunStatus
from tests.support.harness import Harness, SeededTenant
from tests.support.product import Product, alike_tenant, facts, normalised

# Steps that record an intent before they create something can also die in between.
INTENDING = (
    "dns_subdomain",
    "tenant_domain",
    "txt_record",
    "gateway_user",
    "gateway_licence",
    "dial_plan",
    "pstn_usage",
    "routing_policy",
    "pstn_gateway",
    "voice_route",
)
CRASHES = [
    CrashPoint(step.name, when)
    for step in PROVISIONING
    for when in ("after_intent", "before_record", "after_record")
    if when != "after_intent" or step.name in INTENDING
]


@pytest.fixture
def product(sb: Harness, tmp_path: Path) -> Iterator[Product]:
    """The product with a one-second lease, so a dead runner's runs are free again quickly."""
    installed = Product.create(sb, f"sqlite:///{tmp_path / 'bot.db'}", RUNNER_LEASE_SECONDS="1")
    yield installed
    installed.close()


def _crash(product: Product, tenant: SeededTenant, crash: CrashPoint, log: Path) -> str:
    """Start a provisioning run and a runner process that dies at ``crash``."""
    product.onboard(tenant)
    run_id = product.start(tenant)
    process = product.runner_process(crash=crash, log=log)
    code = process.wait(timeout=120)
    assert code == -signal.SIGKILL, log.read_text()
    return run_id


@pytest.mark.parametrize("crash", CRASHES, ids=lambda c: f"{c.step}-{c.when}")
async def test_a_run_killed_at_a_step_boundary_converges_after_a_restart(
    sb: Harness, product: Product, uninterrupted: set[str], crash: CrashPoint, tmp_path: Path
) -> None:
    """Same final state as an uninterrupted run; every object exactly once in the ledger."""
    tenant = alike_tenant(sb)
    before = facts(sb, tenant)
    run_id = _crash(product, tenant, crash, tmp_path / "runner.log")

    run = await product.converge(run_id)

    assert run.status == RunStatus.SUCCEEDED, (run.error, run.hint)
    assert normalised(tenant, facts(sb, tenant) - before) == uninterrupted
    entries = product.runtime.store.ledger(tenant.id)
    keys = [(kind, key) for kind, key, _, _ in entries]
    assert len(keys) == len(set(keys))
    assert {status for _, _, status, _ in entries} == {LedgerStatus.CREATED}


@pytest.mark.parametrize(
    "crash",
    [c for c in CRASHES if c.when != "after_record"],
    ids=lambda c: f"{c.step}-{c.when}",
)
async def test_removal_after_an_interruption_leaves_nothing_of_ours(
    sb: Harness, product: Product, crash: CrashPoint, tmp_path: Path
) -> None:
    """The admin removes the integration after a crash mid-provisioning: all of it goes."""
    tenant = alike_tenant(sb)
    before = facts(sb, tenant)
    provisioning = _crash(product, tenant, crash, tmp_path / "runner.log")

    removal = await product.converge(product.start(tenant, RunKind.REMOVE))

    assert removal.status == RunStatus.SUCCEEDED, (removal.error, removal.hint)
    assert product.run(provisioning).status == RunStatus.CANCELLED
    assert facts(sb, tenant) == before
    assert product.runtime.vault.purposes(tenant.id) == []
