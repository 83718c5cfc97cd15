"""Backoff for transient failures: ``Retry-After`` when Microsoft gives one, else exponential."""

from __future__ import annotations

import random

MAX_ATTEMPTS = 12
BASE_SECONDS = 1.0
CAP_SECONDS = 60.0


def backoff(attempt: int, retry_after: float | None, rng: random.Random) -> float:
    """Seconds to wait before attempt ``attempt + 1`` (attempts count from 1)."""
    if retry_after is not None and retry_after >= 0:
        return min(max(retry_after, 0.1), 3600.0)
    delay = min(CAP_SECONDS, BASE_SECONDS * 2 ** (attempt - 1))
    return float(delay * rng.uniform(0.8, 1.2))
