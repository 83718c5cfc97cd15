"""The real product against the shared sandbox, with a fresh SQLite database per test, and
the reference outcome that interrupted or disturbed runs are compared with."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.runs import RunStatus
from tests.support.harness import Harness
from tests.support.product import Product, alike_tenant, facts, normalised


@pytest.fixture
def product(sb: Harness, tmp_path: Path) -> Iterator[Product]:
    """The product wired to the shared sandbox."""
    installed = Product.create(sb, f"sqlite:///{tmp_path / 'bot.db'}")
    yield installed
    installed.close()


@pytest.fixture(scope="module")
def uninterrupted(_shared_harness: Harness, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """What an undisturbed provisioning adds to an :func:`alike_tenant` (names normalised)."""
    sb = _shared_harness
    product = Product.create(sb, f"sqlite:///{tmp_path_factory.mktemp('ref') / 'bot.db'}")
    try:
        tenant = alike_tenant(sb)
        before = facts(sb, tenant)
        product.onboard(tenant)
        run = asyncio.run(product.converge(product.start(tenant)))
        assert run.status == RunStatus.SUCCEEDED, (run.error, run.hint)
        return normalised(tenant, facts(sb, tenant) - before)
    finally:
        product.close()
        sb.cleanup()
