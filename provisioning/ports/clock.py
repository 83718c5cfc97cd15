"""Time as a port: the runner and the steps read it here, so tests can move it."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """The current time, in seconds since the epoch."""

    def now(self) -> float:
        """Now."""
        ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> float:
        """Now."""
        return time.time()


class OffsetClock:
    """Wall-clock time plus an offset a test (or a sandbox in step with it) can advance."""

    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset

    def now(self) -> float:
        """Now, shifted."""
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        """Move forward."""
        self.offset += seconds
