"""A real tenant for ``make test-live``: the product's own settings (production endpoints,
the provider's zone) and a tenant whose admin has signed in through the bot (steps 1 and 3).

Never part of ``make test``: it changes a real tenant (it provisions, then removes again).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

import app

REQUIRED = ("LIVE_TENANT_ID", "LIVE_CONFIRM")


@pytest.fixture(scope="session")
def live() -> Iterator[app.Runtime]:
    """The product's runtime on its configured database, for the live tenant."""
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing or os.environ.get("LIVE_CONFIRM") != "provision-and-remove":
        raise pytest.UsageError(
            "make test-live needs LIVE_TENANT_ID (a test tenant whose admin signed in through "
            "the bot) and LIVE_CONFIRM=provision-and-remove, besides the product's settings "
            f"(.env); missing: {', '.join(missing) or 'LIVE_CONFIRM=provision-and-remove'}"
        )
    settings = app.Settings.load()
    problems = settings.problems()
    if problems:
        raise pytest.UsageError("the product's settings are not usable: " + "; ".join(problems))
    runtime = app.build_runtime(settings)
    yield runtime
    runtime.close()
