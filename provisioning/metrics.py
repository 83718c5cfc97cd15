"""Prometheus metrics: what this process did (Microsoft calls, step attempts, syncs,
notification deliveries) and, read from the database at scrape time, where the work stands
(runs by kind and status, the outbox's depth, the tenants' users by status).

The instruments are process-wide, in a registry of their own (never prometheus_client's global
one); each wiring exposes them beside its own :class:`StateCollector` through :class:`Metrics`.
Labels take a few known values only: never a tenant, a user, a URL or a message.

Imports nothing of ours but ``storage``: the engine, the adapters and sync all record here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from storage.runs import RunKind, RunStatus

__all__ = [
    "CONTENT_TYPE",
    "Metrics",
    "StateCollector",
    "StateSources",
    "microsoft_call",
    "notification_delivered",
    "step_attempt",
    "sync_ended",
    "sync_page",
]

_log = logging.getLogger(__name__)
PREFIX = "direct_routing"
CONTENT_TYPE = CONTENT_TYPE_LATEST

# The process's own counts, exposed by every wiring's registry.
INSTRUMENTS = CollectorRegistry()

# A Microsoft round trip takes tens of milliseconds to seconds; a big users page up to ~10 s.
_CALL_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# One step attempt: a few round trips, or a long page-by-page step.
_STEP_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
# A notification waits for its subscriber's previous one and for progress coalescing.
_DELIVERY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0)

MICROSOFT_CALLS = Counter(
    f"{PREFIX}_microsoft_calls",
    "Calls to Microsoft (and the provider's DNS zone) by service and answer: an HTTP status, "
    "a DNS rcode, or 'error' when no answer came (reset, timeout, refused connection).",
    ["service", "status"],
    registry=INSTRUMENTS,
)
MICROSOFT_CALL_SECONDS = Histogram(
    f"{PREFIX}_microsoft_call_duration_seconds",
    "How long a call to Microsoft (or the provider's DNS zone) took, answered or not.",
    ["service"],
    buckets=_CALL_BUCKETS,
    registry=INSTRUMENTS,
)
STEP_ATTEMPT_SECONDS = Histogram(
    f"{PREFIX}_step_attempt_duration_seconds",
    "One attempt of a run's step, by plan kind, step and outcome: done, wait, failed "
    "(for good), error (transient, retried).",
    ["kind", "step", "outcome"],
    buckets=_STEP_BUCKETS,
    registry=INSTRUMENTS,
)
SYNC_PAGES = Counter(
    f"{PREFIX}_sync_pages",
    "Pages of users a sync saved, by cursor: directory (Graph) or voice (Teams).",
    ["cursor"],
    registry=INSTRUMENTS,
)
SYNC_USERS = Counter(
    f"{PREFIX}_sync_users",
    "Users a sync saved, by cursor: directory (Graph) or voice (Teams).",
    ["cursor"],
    registry=INSTRUMENTS,
)
SYNCS = Counter(
    f"{PREFIX}_syncs",
    "User syncs that ended, by kind (full, delta) and outcome (finished, failed).",
    ["kind", "outcome"],
    registry=INSTRUMENTS,
)
DELIVERY_SECONDS = Histogram(
    f"{PREFIX}_notification_delivery_latency_seconds",
    "From a notification's creation to its delivery, by category (milestone, progress).",
    ["category"],
    buckets=_DELIVERY_BUCKETS,
    registry=INSTRUMENTS,
)


# ------------------------------------------------------------------------------ recording


class _Call:
    """What a call answered, if it answered."""

    status: str | None = None

    def answered(self, status: int | str) -> None:
        """An HTTP status code or a DNS rcode's name."""
        self.status = str(status)


@contextmanager
def microsoft_call(service: str) -> Iterator[_Call]:
    """Time and count the call made in the block; ``service`` is graph, teams_admin, entra or
    dns. A block left by an exception before :meth:`_Call.answered` counts as ``error``; one
    cancelled is not counted (it is nobody's answer)."""
    call = _Call()
    started = time.perf_counter()
    try:
        yield call
    except Exception:
        _count_call(service, call.status or "error", time.perf_counter() - started)
        raise
    _count_call(service, call.status or "error", time.perf_counter() - started)


def _count_call(service: str, status: str, seconds: float) -> None:
    MICROSOFT_CALLS.labels(service, status).inc()
    MICROSOFT_CALL_SECONDS.labels(service).observe(seconds)


def step_attempt(kind: str, step: str, outcome: str, seconds: float) -> None:
    """One attempt of ``step`` of a ``kind`` run ended with ``outcome``."""
    STEP_ATTEMPT_SECONDS.labels(kind, step, outcome).observe(seconds)


def sync_page(cursor: str, users: int) -> None:
    """A sync saved a page of ``users`` from ``cursor`` (directory or voice)."""
    SYNC_PAGES.labels(cursor).inc()
    SYNC_USERS.labels(cursor).inc(users)


def sync_ended(kind: str, outcome: str) -> None:
    """A ``kind`` sync ``finished`` or ``failed``."""
    SYNCS.labels(kind, outcome).inc()


def notification_delivered(category: str, seconds: float) -> None:
    """A notification went out ``seconds`` after it was created."""
    DELIVERY_SECONDS.labels(category).observe(max(0.0, seconds))


# ------------------------------------------------------------------ state at scrape time


@dataclass(frozen=True)
class StateSources:
    """Where the state comes from: each a small aggregate query (blocking), and the clock."""

    # (kind, status) -> how many runs.
    runs: Callable[[], Mapping[tuple[str, str], int]]
    # Notifications waiting to go out, and when the oldest of them was created.
    outbox_pending: Callable[[], int]
    outbox_oldest: Callable[[], float | None]
    now: Callable[[], float]
    # status -> how many users of every tenant (removed ones aside); None: no user sync here.
    users: Callable[[], Mapping[str, int]] | None = None


class StateCollector:
    """Reads the database each time it is scraped (a prometheus_client Collector)."""

    def __init__(self, sources: StateSources) -> None:
        self._sources = sources

    def collect(self) -> Iterable[Metric]:
        """The state now; a database that cannot be read says so rather than failing the
        scrape (the process's own counts still go out)."""
        readable = GaugeMetricFamily(
            f"{PREFIX}_database_readable",
            "1 when this scrape could read the state below from the database, else 0.",
        )
        try:
            families = list(self._state())
        except Exception:
            _log.warning("metrics: the database could not be read", exc_info=True)
            readable.add_metric([], 0)
            return [readable]
        readable.add_metric([], 1)
        return [readable, *families]

    def _state(self) -> Iterator[Metric]:
        sources = self._sources
        runs = GaugeMetricFamily(
            f"{PREFIX}_runs",
            "Runs in the database by kind and status (pending, running and waiting are active).",
            labels=["kind", "status"],
        )
        counted = {(k.value, s.value): 0 for k in RunKind for s in RunStatus}
        counted.update(sources.runs())
        for (kind, status), count in sorted(counted.items()):
            runs.add_metric([kind, status], count)
        yield runs

        pending = GaugeMetricFamily(
            f"{PREFIX}_outbox_pending",
            "Notifications waiting to be delivered (the outbox's depth).",
            value=sources.outbox_pending(),
        )
        oldest = sources.outbox_oldest()
        age = 0.0 if oldest is None else max(0.0, sources.now() - oldest)
        yield pending
        yield GaugeMetricFamily(
            f"{PREFIX}_outbox_oldest_pending_age_seconds",
            "How long the oldest notification waiting to be delivered has waited (0: none).",
            value=age,
        )

        if sources.users is not None:
            users = GaugeMetricFamily(
                f"{PREFIX}_tenant_users",
                "Users of all tenants as the last syncs saw them, by status.",
                labels=["status"],
            )
            for status, count in sorted(sources.users().items()):
                users.add_metric([status], count)
            yield users


class Metrics:
    """One wiring's registry: the process's instruments, its resources, and its state."""

    def __init__(self, state: StateCollector | None = None) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(INSTRUMENTS)  # a registry is a collector of its metrics
        ProcessCollector(registry=self.registry)
        if state is not None:
            self.registry.register(state)

    def render(self) -> bytes:
        """The Prometheus text exposition (blocking: the state is read from the database)."""
        return generate_latest(self.registry)
