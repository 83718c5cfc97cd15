"""Graph's identity-API throttling: token buckets per application and tenant.

Limits and costs from research/graph-entra.md §3.8: resource units per 10 s by tenant size
(3,500 / 5,000 / 8,000), 3,000 writes per 2 min 30 s, and per-request costs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sandbox.clock import Clock
from sandbox.directory.tenant import Tenant
from sandbox.graph import errors

_COSTS = {
    "users.list": 2,
    "users.get": 2,
    "users.delta": 2,
    "users.count": 2,
    "subscribedSkus.list": 3,
    "me.memberOf": 2,
}
_WRITE_WINDOW = 150.0


@dataclass
class _Bucket:
    capacity: float
    window: float
    level: float
    updated: float

    def refill(self, now: float) -> None:
        self.level = min(
            self.capacity, self.level + (now - self.updated) * self.capacity / self.window
        )
        self.updated = now

    def wait_for(self, amount: float) -> float:
        return (amount - self.level) * self.window / self.capacity


def request_cost(operation: str, method: str, has_select: bool, top: int | None) -> int:
    """Resource units a request costs."""
    cost = _COSTS.get(operation, 1)
    if method == "GET":
        if has_select:
            cost -= 1
        if top is not None and top < 20:
            cost -= 1
    return max(cost, 1)


class Throttle:
    """Buckets for every (application, tenant) pair."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}

    def _bucket(
        self, kind: str, app_id: str, tenant_id: str, capacity: float, window: float, now: float
    ) -> _Bucket:
        key = (kind, app_id, tenant_id)
        bucket = self._buckets.get(key)
        if bucket is None or bucket.capacity != capacity:
            bucket = _Bucket(capacity, window, capacity, now)
            self._buckets[key] = bucket
        return bucket

    def charge(self, tenant: Tenant, app_id: str, cost: int, is_write: bool) -> dict[str, str]:
        """Take ``cost`` units (and a write), or raise 429 with ``Retry-After``.

        Returns the headers Graph adds to a successful answer.
        """
        knobs = tenant.knobs.throttling
        if not knobs.enabled:
            return {}
        now = self._clock.now()
        units = float(knobs.resource_units_per_10s or tenant.size_class_units())
        ru = self._bucket("ru", app_id, tenant.id, units, 10.0, now)
        ru.refill(now)
        writes = None
        if is_write:
            writes = self._bucket(
                "w", app_id, tenant.id, float(knobs.writes_per_150s), _WRITE_WINDOW, now
            )
            writes.refill(now)
        scope = f"Tenant_Application/ReadWrite/{app_id}/{tenant.id}"
        if ru.level < cost:
            raise self._throttled(ru.wait_for(cost), scope, "ResourceUnitLimitExceeded")
        if writes is not None and writes.level < 1:
            raise self._throttled(writes.wait_for(1), scope, "WriteLimitExceeded")
        ru.level -= cost
        if writes is not None:
            writes.level -= 1
        headers = {"x-ms-resource-unit": str(cost)}
        used = 1 - ru.level / ru.capacity
        if used > 0.8:
            headers["x-ms-throttle-limit-percentage"] = f"{used:.1f}"
        return headers

    @staticmethod
    def _throttled(wait: float, scope: str, reason: str) -> errors.GraphError:
        return errors.GraphError(
            429,
            "TooManyRequests",
            "Please retry again later.",
            {
                "Retry-After": str(max(1, math.ceil(wait))),
                "x-ms-throttle-scope": scope,
                "x-ms-throttle-information": reason,
            },
        )

    def reset(self) -> None:
        """Refill every bucket."""
        self._buckets.clear()
