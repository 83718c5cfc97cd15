"""Suite-wide fixtures: one sandbox process per session (tests work in tenants of their own),
private sandboxes for tests that move its clock far ahead, a Knot DNS server, and Debian's
Chromium for the tests in a browser."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser

from tests.support.chromium import launched_chromium
from tests.support.harness import Harness
from tests.support.knot import KnotServer, running_knot
from tests.support.sandbox_process import SandboxEndpoints, running_sandbox


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxEndpoints]:
    """The sandbox process shared by the session."""
    with running_sandbox(Path(tmp_path_factory.mktemp("sandbox"))) as (endpoints, _):
        yield endpoints


@pytest.fixture(scope="session")
def _shared_harness(sandbox: SandboxEndpoints) -> Iterator[Harness]:
    harness = Harness(sandbox)
    yield harness
    harness.close()


@pytest.fixture
def sb(_shared_harness: Harness) -> Iterator[Harness]:
    """The shared sandbox; tenants, faults and knob changes are undone after the test."""
    yield _shared_harness
    _shared_harness.cleanup()


@pytest.fixture
def private_sandbox(tmp_path: Path) -> Iterator[Harness]:
    """A sandbox process of the test's own (for tests that move its clock)."""
    with running_sandbox(tmp_path / "sandbox") as (endpoints, _):
        harness = Harness(endpoints)
        yield harness
        harness.close()


@pytest.fixture(scope="session")
def knot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnotServer]:
    """A real authoritative server for ``provider.test`` (SOA TTL 3600, negative TTL 300)."""
    with running_knot(Path(tmp_path_factory.mktemp("knot"))) as server:
        yield server


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless."""
    async with launched_chromium() as launched:
        yield launched
