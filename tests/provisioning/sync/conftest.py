"""A product installation and a seeded tenant for the sync tests, over the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from provisioning.naming import Names
from provisioning.sync.service import UserSync
from provisioning.sync.store import SyncStore
from tests.support.harness import Harness
from tests.support.product import Product


@pytest.fixture
def product(sb: Harness, tmp_path: Path) -> Iterator[Product]:
    """The product on a database of its own."""
    installed = Product.create(sb, f"sqlite:///{tmp_path / 'sync.db'}")
    yield installed
    installed.close()


@pytest.fixture
def store(product: Product) -> SyncStore:
    """The synced users."""
    brand = product.runtime.settings.provisioning.brand
    return SyncStore(product.runtime.engine, Names(brand).e164)


@pytest.fixture
def sync(product: Product, store: SyncStore) -> UserSync:
    """The sync, reading the sandbox over HTTP."""
    return UserSync(store, product.runtime.ports, product.runtime.clock)
