"""The runner process killed (SIGKILL) at each step boundary in turn: after a restart every
provisioning converges to the same final state with every object made once, a removal started
after any interruption leaves nothing of ours behind, and a removal killed at any of its own
boundaries still ends with the tenant as it was and no sign-in kept."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from provisioning.steps.provision import PROVISIONING
from provisioning.steps.removal import REMOVAL
from storage.ledger import LedgerStatus
from storage.runs import RunKind, RunStatus
from tests.support.harness import Harness, SeededTenant
from tests.support.product import (
    Product,
    added_objects,
    alike_tenant,
    facts,
    normalised,
    object_counts,
)

# Steps that record an intent before they create something can also die in between.
INTENDING = {
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
}
CRASHES = [
    f"{step.name}:{when}"
    for step in PROVISIONING
    for when in ("after_intent", "before_record", "after_record")
    if when != "after_intent" or step.name in INTENDING
]
REMOVAL_CRASHES = [
    f"{step.name}:{when}" for step in REMOVAL for when in ("before_record", "after_record")
]


@pytest.fixture
def product(sb: Harness, tmp_path: Path) -> Iterator[Product]:
    """The product with a one-second lease, so a dead runner's runs are free again quickly."""
    installed = Product.create(sb, f"sqlite:///{tmp_path / 'bot.db'}", RUNNER_LEASE_SECONDS="1")
    yield installed
    installed.close()


def _die_at(product: Product, crash: str, log: Path) -> None:
    """A runner process that works until it dies at ``crash``."""
    process = product.runner_process(crash=crash, log=log)
    try:
        code = process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert code == -signal.SIGKILL, log.read_text()


async def _crash(product: Product, tenant: SeededTenant, crash: str, log: Path) -> str:
    """Start a provisioning run and a runner process that dies at ``crash``."""
    product.onboard(tenant)
    run_id = await product.start(tenant)
    _die_at(product, crash, log)
    return run_id


@pytest.mark.parametrize("crash", CRASHES)
async def test_a_run_killed_at_a_step_boundary_converges_after_a_restart(
    sb: Harness,
    product: Product,
    uninterrupted: tuple[set[str], dict[str, int]],
    crash: str,
    tmp_path: Path,
) -> None:
    """Same final state as an uninterrupted run; the same number of objects of each kind."""
    tenant = alike_tenant(sb)
    before, counted = facts(sb, tenant), object_counts(sb, tenant)
    run_id = await _crash(product, tenant, crash, tmp_path / "runner.log")

    run = await product.converge(run_id)

    assert run.status == RunStatus.SUCCEEDED, (run.error, run.hint)
    expected_facts, expected_counts = uninterrupted
    assert normalised(tenant, facts(sb, tenant) - before) == expected_facts
    assert added_objects(counted, object_counts(sb, tenant)) == expected_counts
    entries = product.runtime.store.ledger(tenant.id)
    assert {e.status for e in entries} == {LedgerStatus.CREATED}


@pytest.mark.parametrize("crash", [c for c in CRASHES if not c.endswith("after_record")])
async def test_removal_after_an_interruption_leaves_nothing_of_ours(
    sb: Harness, product: Product, crash: str, tmp_path: Path
) -> None:
    """The admin removes the integration after a crash mid-provisioning: all of it goes."""
    tenant = alike_tenant(sb)
    before = facts(sb, tenant)
    provisioning = await _crash(product, tenant, crash, tmp_path / "runner.log")

    removal = await product.converge(await product.start(tenant, RunKind.REMOVE))

    assert removal.status == RunStatus.SUCCEEDED, (removal.error, removal.hint)
    assert product.run(provisioning).status == RunStatus.CANCELLED
    assert facts(sb, tenant) == before
    assert product.runtime.vault.purposes(tenant.id) == []


@pytest.mark.parametrize("crash", REMOVAL_CRASHES)
async def test_a_removal_killed_at_a_step_boundary_still_removes_everything(
    sb: Harness, product: Product, crash: str, tmp_path: Path
) -> None:
    """The removal's own runner dies; after a restart the tenant is as it was before."""
    tenant = alike_tenant(sb)
    before = facts(sb, tenant)
    product.onboard(tenant)
    provisioned = await product.converge(await product.start(tenant))
    assert provisioned.status == RunStatus.SUCCEEDED, provisioned.error
    removal_id = await product.start(tenant, RunKind.REMOVE)
    _die_at(product, crash, tmp_path / "runner.log")

    removal = await product.converge(removal_id)

    assert removal.status == RunStatus.SUCCEEDED, (removal.error, removal.hint)
    assert facts(sb, tenant) == before
    assert product.runtime.vault.purposes(tenant.id) == []
    entries = product.runtime.store.ledger(tenant.id)
    assert {e.status for e in entries} == {LedgerStatus.REMOVED}
