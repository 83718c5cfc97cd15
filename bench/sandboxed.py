"""Running a benchmark's figures against a sandbox of its own, in a temporary folder."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from tests.support.harness import Harness
from tests.support.sandbox_process import running_sandbox

Figures = Callable[[Harness, Path], Coroutine[Any, Any, list[bool]]]


def run_figures(figures: Figures) -> int:
    """Start a sandbox, run ``figures`` with it; 0 when every figure passed, else 1."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_sandbox(Path(tmp) / "sandbox") as (endpoints, _),
    ):
        harness = Harness(endpoints)
        try:
            passed = asyncio.run(figures(harness, Path(tmp)))
        finally:
            harness.close()
    return 0 if all(passed) else 1
