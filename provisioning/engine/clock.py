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
