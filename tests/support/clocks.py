"""Clocks a test can move: the product's time, and the database's for leases, together."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import literal
from sqlalchemy.sql.elements import ColumnElement

from provisioning.engine.outbox import Outbox
from provisioning.engine.store import RunStore


class OffsetClock:
    """Wall-clock time plus an offset the test advances."""

    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset

    def now(self) -> float:
        """Now, shifted."""
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        """Move forward."""
        self.offset += seconds


class SkewedStore(RunStore):
    """A run store whose database clock runs ``clock.offset`` ahead, as the test moves it."""

    def __init__(self, engine: object, clock: OffsetClock) -> None:
        super().__init__(engine)  # type: ignore[arg-type]
        self.clock = clock

    def _now_sql(self) -> ColumnElement[float]:
        return super()._now_sql() + literal(self.clock.offset)


class SkewedOutbox(Outbox):
    """An outbox whose database clock moves with the test's clock."""

    def __init__(self, engine: object, clock: OffsetClock, **options: float) -> None:
        super().__init__(engine, **options)  # type: ignore[arg-type]
        self.clock = clock

    def _now_sql(self) -> ColumnElement[float]:
        return super()._now_sql() + literal(self.clock.offset)


class SandboxClock(OffsetClock):
    """The product's clock and the sandbox's, moved together: Microsoft's delays pass at once."""

    def __init__(self, harness: Any) -> None:
        super().__init__()
        self.harness = harness

    def advance(self, seconds: float) -> None:
        """Move both forward."""
        super().advance(seconds)
        self.harness.advance_clock(seconds)
