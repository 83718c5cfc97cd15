"""The sandbox's notion of time: wall time plus an offset that tests can advance."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    """Wall-clock time shifted by an adjustable offset, so hour-long waits pass in a test."""

    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        """Seconds since the epoch, as the sandbox sees them."""
        return time.time() + self._offset

    def utcnow(self) -> datetime:
        """The sandbox's current time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.now(), tz=UTC)

    def advance(self, seconds: float) -> None:
        """Move the sandbox's time forward (never backward)."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        self._offset += seconds

    @property
    def offset(self) -> float:
        """How far the sandbox's time is ahead of the wall clock."""
        return self._offset

    def reset(self) -> None:
        """Return to wall-clock time."""
        self._offset = 0.0


def iso(ts: float) -> str:
    """Format a timestamp the way Graph does: ISO 8601, UTC, seconds, trailing ``Z``."""
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
