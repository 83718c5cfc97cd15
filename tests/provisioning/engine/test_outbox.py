"""The notification outbox: each milestone and progress change for a subscriber is delivered
by one process, in order, retried with backoff (honouring Retry-After), taken over after a
crash, and never sent twice once delivered."""

from __future__ import annotations

import asyncio

from provisioning.engine.outbox import DeliveryFailed, Notification, Notifier
from provisioning.engine.store import Emit
from storage.notifications import NotificationRecord, NotificationStatus
from tests.provisioning.engine.conftest import Bench
from tests.provisioning.engine.test_runner import wait


def _notifier(bench: Bench, deliver: object, owner: str = "n1") -> Notifier:
    return Notifier(bench.outbox, deliver, bench.clock, owner, lease_seconds=5, seed=1)  # type: ignore[arg-type]


async def test_each_subscriber_hears_of_milestones_and_progress(bench: Bench) -> None:
    """One row per event and subscriber; the run's milestones all arrive, in order."""
    run_id = bench.start(subscriber="conv-1")
    await bench.runner().drain()
    seen: list[Notification] = []

    async def deliver(note: Notification) -> None:
        seen.append(note)

    notifier = _notifier(bench, deliver)
    while await notifier.drain_once():
        pass
    milestones = [n.name for n in seen if n.category == "milestone"]
    assert milestones == ["b_done", "run_succeeded"]
    assert {n.subscriber for n in seen} == {"conv-1"}
    assert all(r.status != NotificationStatus.PENDING for r in bench.outbox.of_run(run_id))


async def test_progress_is_coalesced_to_the_newest_change(bench: Bench) -> None:
    """A subscriber that fell behind gets the latest progress, not every step of it."""
    bench.start(subscriber="conv-1")
    await bench.runner().drain()
    seen: list[Notification] = []

    async def deliver(note: Notification) -> None:
        seen.append(note)

    notifier = _notifier(bench, deliver)
    while await notifier.drain_once():
        pass
    progress = [n for n in seen if n.category == "progress"]
    assert len(progress) <= 2  # the last change before each milestone at most
    superseded = [
        r for r in bench.outbox.of_run(seen[0].run_id) if r.status == NotificationStatus.SUPERSEDED
    ]
    assert superseded


async def test_a_failed_delivery_is_retried_after_retry_after(bench: Bench) -> None:
    """429 with Retry-After: the row waits that long (plus jitter), then goes out."""
    bench.script.then("a", wait(3600))
    run_id = bench.start(subscriber="conv-1")
    await bench.runner().drain()
    attempts: list[float] = []

    async def deliver(note: Notification) -> None:
        attempts.append(bench.clock.now())
        if len(attempts) == 1:
            raise DeliveryFailed("429 Too Many Requests", retry_after=30)

    notifier = _notifier(bench, deliver)
    await notifier.drain_once()
    assert await notifier.drain_once() == 0  # not due yet
    row = _pending(bench, run_id)
    assert 30 <= row.due_at - attempts[0] <= 36.1
    assert row.last_error == "429 Too Many Requests"
    bench.clock.advance(37)
    assert await notifier.drain_once() == 1
    assert len(attempts) == 2


def _pending(bench: Bench, run_id: str) -> NotificationRecord:
    return next(r for r in bench.outbox.of_run(run_id) if r.status == NotificationStatus.PENDING)


async def test_retry_after_waits_are_spread_by_jitter(bench: Bench) -> None:
    """Each 429 with Retry-After: 30 waits 30 s to 36 s, and not the same time every time (so
    notifiers throttled together do not all come back at once)."""
    bench.script.then("a", wait(3600))
    run_id = bench.start(subscriber="conv-1")
    await bench.runner().drain()
    attempts: list[float] = []

    async def deliver(note: Notification) -> None:
        attempts.append(bench.clock.now())
        raise DeliveryFailed("429 Too Many Requests", retry_after=30)

    notifier = _notifier(bench, deliver)  # seeded: the same draws on every run of the test
    waits = []
    for _ in range(8):
        assert await notifier.drain_once() == 1
        waits.append(_pending(bench, run_id).due_at - attempts[-1])
        bench.clock.advance(37)
    assert all(30 <= w <= 36.1 for w in waits)
    assert max(waits) - min(waits) > 1  # spread by the jitter, not by the clock's reading


async def test_a_5xx_without_retry_after_is_retried_later_with_backoff(bench: Bench) -> None:
    """502 and no Retry-After: not tried again at once, each wait longer than the one before;
    then delivered, once."""
    bench.script.then("a", wait(3600))
    run_id = bench.start(subscriber="conv-1")
    await bench.runner().drain()
    attempts: list[float] = []
    delivered: list[int] = []

    async def deliver(note: Notification) -> None:
        attempts.append(bench.clock.now())
        if len(attempts) <= 2:
            raise DeliveryFailed("502 Bad Gateway")
        delivered.append(note.event_id)

    notifier = _notifier(bench, deliver)
    waits = []
    for _ in range(2):
        assert await notifier.drain_once() == 1
        assert await notifier.drain_once() == 0  # not again at once
        row = _pending(bench, run_id)
        assert row.last_error == "502 Bad Gateway"
        waits.append(row.due_at - attempts[-1])
        bench.clock.advance(5)
    assert waits[0] >= 0.8
    assert waits[1] - waits[0] > 0.3  # backed off further, beyond what the jitter spans
    assert await notifier.drain_once() == 1
    bench.clock.advance(600)
    assert await notifier.drain_once() == 0  # delivered: never sent again
    assert len(attempts) == 3
    assert len(delivered) == 1
    row = next(r for r in bench.outbox.of_run(run_id) if r.event_id == delivered[0])
    assert row.status == NotificationStatus.DELIVERED


async def test_a_row_left_by_a_crashed_notifier_is_delivered_by_another(bench: Bench) -> None:
    """Claimed, then the process died: after the lease another notifier delivers it, once."""
    bench.script.then("a", wait(3600))
    bench.start(subscriber="conv-1")
    await bench.runner().drain()
    claimed = bench.outbox.claim("dead", bench.clock.now(), 5)
    assert len(claimed) == 1
    seen: list[int] = []

    async def deliver(note: Notification) -> None:
        seen.append(note.event_id)

    other = _notifier(bench, deliver, owner="n2")
    assert await other.drain_once() == 0  # still leased by the dead one
    bench.clock.advance(6)
    assert await other.drain_once() == 1
    assert seen == [claimed[0].event_id]
    assert not bench.outbox.delivered(claimed[0], bench.clock.now())  # the dead one is fenced
    assert await other.drain_once() == 0


async def test_two_notifiers_never_deliver_the_same_row(bench: Bench) -> None:
    """Claims are exclusive: every event id arrives exactly once across both."""
    for subscriber in ("conv-1", "conv-2", "conv-3"):
        bench.store.subscribe(bench.start(subscriber=subscriber), "shared", bench.clock.now())
        await bench.runner().drain()
    seen: list[tuple[int, str]] = []

    async def deliver(note: Notification) -> None:
        await asyncio.sleep(0.01)
        seen.append((note.event_id, note.subscriber))

    a, b = _notifier(bench, deliver, "a"), _notifier(bench, deliver, "b")
    while sum(await asyncio.gather(a.drain_once(), b.drain_once())):
        pass
    assert len(seen) == len(set(seen))
    assert {s for _, s in seen} == {"conv-1", "conv-2", "conv-3", "shared"}


async def test_a_subscriber_that_is_gone_stops_receiving(bench: Bench) -> None:
    """A permanent failure (the app was removed) marks the row dead instead of retrying."""
    bench.script.then("a", wait(3600))
    run_id = bench.start(subscriber="conv-1")
    await bench.runner().drain()

    async def deliver(note: Notification) -> None:
        raise DeliveryFailed("403 MessageWritesBlocked", permanent=True)

    await _notifier(bench, deliver).drain_once()
    rows = bench.outbox.of_run(run_id)
    assert NotificationStatus.DEAD in {r.status for r in rows}


async def test_events_written_without_subscribers_create_no_rows(bench: Bench) -> None:
    """The outbox holds only what someone asked to hear."""
    run_id = bench.start()
    await bench.runner().drain()
    assert bench.outbox.of_run(run_id) == []
    assert Emit.milestone("x", "y").kind == "milestone"
