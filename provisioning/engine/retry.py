"""When to try a failing step again, and when to stop trying.

The budget is per failure window: it counts *consecutive* transient failures and any outcome
the step itself returns starts a new window, so a 48-hour wait with the odd blip in between
never adds up to a failure. Throttling (the system named a time to come back) is judged by how
long it has lasted, not by how often it happened.
"""

from __future__ import annotations

import random

MAX_ATTEMPTS = 12
THROTTLE_BUDGET_SECONDS = 2 * 3600.0
BASE_SECONDS = 1.0
CAP_SECONDS = 60.0


def backoff(attempt: int, retry_after: float | None, rng: random.Random) -> float:
    """Seconds to wait before attempt ``attempt + 1`` (attempts count from 1).

    ``Retry-After`` is honoured with up to 20 % added, so throttled runs don't return in step.
    """
    if retry_after is not None and retry_after >= 0:
        return min(max(retry_after, 0.1) * rng.uniform(1.0, 1.2), 3600.0)
    delay = min(CAP_SECONDS, BASE_SECONDS * 2 ** (attempt - 1))
    return float(delay * rng.uniform(0.8, 1.2))


def exhausted(attempts: int, failing_for: float) -> bool:
    """Whether a window of consecutive transient failures has gone on too long.

    ``attempts`` counts the failures that were not throttling; ``failing_for`` is how long the
    window has lasted, throttling included.
    """
    return attempts >= MAX_ATTEMPTS or failing_for > THROTTLE_BUDGET_SECONDS
