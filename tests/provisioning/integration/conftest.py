"""The real product against the shared sandbox, with a fresh SQLite database per test, and
the reference outcome that interrupted or disturbed runs are compared with."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.runs import RunStatus
from tests.support.harness import Harness
from tests.support.product import (
    Product,
    added_objects,
    alike_tenant,
    facts,
    normalised,
    object_counts,
)


@pytest.fixture
def product(sb: Harness, tmp_path: Path) -> Iterator[Product]:
    """The product wired to the shared sandbox."""
    installed = Product.create(sb, f"sqlite:///{tmp_path / 'bot.db'}")
    yield installed
    installed.close()


@pytest.fixture(scope="module")
def uninterrupted(
    _shared_harness: Harness, tmp_path_factory: pytest.TempPathFactory
) -> tuple[set[str], dict[str, int]]:
    """What an undisturbed provisioning adds to an :func:`alike_tenant`: the facts (names
    normalised) and how many objects of each kind."""
    sb = _shared_harness
    product = Product.create(sb, f"sqlite:///{tmp_path_factory.mktemp('ref') / 'bot.db'}")
    try:
        tenant = alike_tenant(sb)
        before, counted = facts(sb, tenant), object_counts(sb, tenant)
        product.onboard(tenant)

        async def provision() -> RunStatus:
            run = await product.converge(await product.start(tenant))
            assert run.status == RunStatus.SUCCEEDED, (run.error, run.hint)
            return RunStatus(run.status)

        asyncio.run(provision())
        added = added_objects(counted, object_counts(sb, tenant))
        return normalised(tenant, facts(sb, tenant) - before), added
    finally:
        product.close()
        sb.cleanup()
