"""The product's log as configured for JSON lines, captured for a test to read."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from provisioning.log_format import configure


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """What the product writes to its log, as configured for JSON lines."""
    configure(json_lines=True, verbose=False)
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    out = io.StringIO()
    handler.setStream(out)
    yield out
    logging.getLogger().removeHandler(handler)


def records(out: io.StringIO) -> list[dict[str, Any]]:
    """Each line, parsed."""
    return [json.loads(line) for line in out.getvalue().splitlines()]
