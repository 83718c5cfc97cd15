"""Teams' rate limits for bots (research/botframework-teams.md §3.4), over sliding windows."""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable

# Per bot per conversation, for sending and creating conversations: (window seconds, requests).
PER_CONVERSATION = ((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800))
# Per app per tenant, every connector call.
PER_TENANT = ((1.0, 50),)


class SlidingWindows:
    """Counts requests per key; a request over any window's limit is refused with a wait."""

    def __init__(
        self, windows: tuple[tuple[float, int], ...], now: Callable[[], float] = time.monotonic
    ) -> None:
        self._windows = windows
        self._now = now
        self._longest = max(w for w, _ in windows)
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def clear(self) -> None:
        """Forget every count."""
        self._seen.clear()

    def take(self, key: str) -> float | None:
        """Count a request; ``None`` if allowed, else seconds until it would be."""
        now = self._now()
        seen = self._seen[key]
        while seen and seen[0] <= now - self._longest:
            seen.popleft()
        wait = 0.0
        for window, limit in self._windows:
            recent = [t for t in seen if t > now - window]
            if len(recent) >= limit:
                wait = max(wait, recent[-limit] + window - now)
        if wait > 0:
            return wait
        seen.append(now)
        return None


def retry_after(wait: float) -> str:
    """``Retry-After`` in whole seconds, never zero."""
    return str(max(1, math.ceil(wait)))
