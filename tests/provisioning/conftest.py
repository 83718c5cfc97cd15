"""Fixtures for unit tests of the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.fake_engine import FakeEngine, fake_engine


@pytest.fixture
def fx(tmp_path: Path) -> FakeEngine:
    """Fakes, a migrated database and a plan for Contoso."""
    return fake_engine(tmp_path)
