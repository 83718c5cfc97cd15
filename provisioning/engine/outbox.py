"""The notification outbox: each event a subscriber must hear about, delivered by one process.

Rows are claimed with a lease, like runs. A subscriber's rows go out in order, one at a time,
at most one every ``progress_interval`` seconds, milestones included (the bot updates the run's
card at every delivery, and SPEC.md allows a conversation one update a second); progress rows
are coalesced (only the newest pending one for a run and subscriber is sent); a failed delivery
is retried with backoff, honouring the receiver's ``Retry-After``; rows left by a process that
died are taken over when its lease runs out. A row delivered is never sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, or_, update
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from provisioning import metrics
from provisioning.engine.clock import Clock
from storage.database import database_now
from storage.events import ProgressEvent
from storage.notifications import NotificationRecord, NotificationStatus

_log = logging.getLogger(__name__)
MAX_DELIVERY_ATTEMPTS = 20
BACKOFF_CAP_SECONDS = 300.0


@dataclass(frozen=True)
class Notification:
    """One event for one subscriber, as a delivery sees it."""

    id: int
    generation: int
    event_id: int
    subscriber: str
    run_id: str
    tenant_id: str
    category: str  # milestone | progress
    name: str  # the milestone, or the progress event's kind
    message: str
    step: str | None
    data: dict[str, Any]
    at: float
    attempts: int
    created_at: float


class DeliveryFailed(Exception):  # noqa: N818 - the deliverer's verdict on one attempt
    """This attempt failed: try again after ``retry_after`` (or backoff), unless ``permanent``."""

    def __init__(
        self, reason: str, *, retry_after: float | None = None, permanent: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.permanent = permanent


Deliver = Callable[[Notification], Awaitable[None]]


class Outbox:
    """Claims, completes and reschedules notifications."""

    def __init__(self, engine: Engine, progress_interval: float = 1.0) -> None:
        self.engine = engine
        self.progress_interval = progress_interval

    def _now_sql(self) -> ColumnElement[float]:
        return database_now(self.engine)

    def _supersede_stale_progress(self, session: Session) -> None:
        """Pending progress rows with a newer pending one for the same run and subscriber."""
        newer = aliased(NotificationRecord)
        stale = (
            select(NotificationRecord.id)
            .where(
                col(NotificationRecord.status) == NotificationStatus.PENDING.value,
                col(NotificationRecord.category) == "progress",
                col(NotificationRecord.lease_owner).is_(None),
            )
            .where(
                select(newer.id)
                .where(
                    col(newer.run_id) == col(NotificationRecord.run_id),
                    col(newer.subscriber) == col(NotificationRecord.subscriber),
                    col(newer.category) == "progress",
                    col(newer.status) == NotificationStatus.PENDING.value,
                    col(newer.id) > col(NotificationRecord.id),
                )
                .exists()
            )
        )
        ids = list(session.exec(stale).all())
        if ids:
            session.execute(
                update(NotificationRecord)
                .where(col(NotificationRecord.id).in_(ids))
                .values(status=NotificationStatus.SUPERSEDED.value)
            )

    def claim(
        self, owner: str, now: float, lease_seconds: float, limit: int = 20
    ) -> list[Notification]:
        """Up to ``limit`` due notifications, the oldest of each subscriber not already out."""
        db_now = self._now_sql()
        out: list[Notification] = []
        with Session(self.engine) as session:
            self._supersede_stale_progress(session)
            session.commit()
            busy = aliased(NotificationRecord)
            subscriber_busy = (
                select(busy.id)
                .where(
                    col(busy.subscriber) == col(NotificationRecord.subscriber),
                    col(busy.status) == NotificationStatus.PENDING.value,
                    col(busy.lease_owner).is_not(None),
                    col(busy.lease_expires_at) >= db_now,
                )
                .exists()
            )
            heads = (
                select(NotificationRecord.subscriber, func.min(NotificationRecord.id).label("head"))
                .where(col(NotificationRecord.status) == NotificationStatus.PENDING.value)
                .where(~subscriber_busy)
                .group_by(col(NotificationRecord.subscriber))
                .limit(limit)
            )
            for _subscriber, head in session.execute(heads).all():
                row = session.get(NotificationRecord, head)
                if row is None or row.due_at > now:
                    continue
                if self._too_soon(session, row, now):
                    continue
                result = session.execute(
                    update(NotificationRecord)
                    .where(
                        col(NotificationRecord.id) == head,
                        col(NotificationRecord.status) == NotificationStatus.PENDING.value,
                        or_(
                            col(NotificationRecord.lease_expires_at).is_(None),
                            col(NotificationRecord.lease_expires_at) < db_now,
                        ),
                    )
                    .values(
                        lease_owner=owner,
                        lease_expires_at=db_now + lease_seconds,
                        lease_generation=col(NotificationRecord.lease_generation) + 1,
                    )
                )
                session.commit()
                if result.rowcount != 1:  # type: ignore[attr-defined]
                    continue
                row = session.get(NotificationRecord, head, populate_existing=True)
                event = session.get(ProgressEvent, row.event_id) if row else None
                if row is None or event is None:
                    continue
                out.append(
                    Notification(
                        id=head,
                        generation=row.lease_generation,
                        event_id=row.event_id,
                        subscriber=row.subscriber,
                        run_id=row.run_id,
                        tenant_id=row.tenant_id,
                        category=row.category,
                        name=row.name,
                        message=event.message,
                        step=event.step,
                        data=json.loads(event.data),
                        at=event.at,
                        attempts=row.attempts,
                        created_at=row.created_at,
                    )
                )
        return out

    def _too_soon(self, session: Session, row: NotificationRecord, now: float) -> bool:
        """A subscriber hears at most once per ``progress_interval``: a milestone updates the
        same card as progress does, so it waits its turn too (by a second at most)."""
        last = session.exec(
            select(func.max(NotificationRecord.delivered_at)).where(
                col(NotificationRecord.subscriber) == row.subscriber
            )
        ).first()
        if last is None or now - last >= self.progress_interval:
            return False
        row.due_at = last + self.progress_interval
        session.add(row)
        session.commit()
        return True

    def _settle(self, note: Notification, **values: Any) -> bool:
        with Session(self.engine) as session:
            result = session.execute(
                update(NotificationRecord)
                .where(
                    col(NotificationRecord.id) == note.id,
                    col(NotificationRecord.lease_generation) == note.generation,
                    col(NotificationRecord.status) == NotificationStatus.PENDING.value,
                )
                .values(lease_owner=None, lease_expires_at=None, **values)
            )
            session.commit()
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def delivered(self, note: Notification, now: float) -> bool:
        """Mark delivered; ``False`` if another process took the row over meanwhile."""
        return self._settle(note, status=NotificationStatus.DELIVERED.value, delivered_at=now)

    def failed(self, note: Notification, now: float, delay: float, reason: str) -> bool:
        """Try again after ``delay`` seconds."""
        return self._settle(
            note,
            attempts=note.attempts + 1,
            due_at=now + delay,
            last_error=reason[:500],
        )

    def dead(self, note: Notification, reason: str) -> bool:
        """Give up on this row (the subscriber cannot be reached any more)."""
        return self._settle(
            note,
            attempts=note.attempts + 1,
            status=NotificationStatus.DEAD.value,
            last_error=reason[:500],
        )

    def pending(self) -> int:
        """How many notifications wait to go out (for metrics)."""
        with Session(self.engine) as session:
            count = session.exec(
                select(func.count()).where(
                    col(NotificationRecord.status) == NotificationStatus.PENDING.value
                )
            ).one()
            return int(count)

    def oldest_pending(self) -> float | None:
        """When the oldest notification waiting to go out was created (for metrics)."""
        with Session(self.engine) as session:
            oldest = session.exec(
                select(func.min(NotificationRecord.created_at)).where(
                    col(NotificationRecord.status) == NotificationStatus.PENDING.value
                )
            ).one()
            return None if oldest is None else float(oldest)

    def of_run(self, run_id: str) -> list[NotificationRecord]:
        """A run's notifications, oldest first."""
        with Session(self.engine) as session:
            return list(
                session.exec(
                    select(NotificationRecord)
                    .where(col(NotificationRecord.run_id) == run_id)
                    .order_by(col(NotificationRecord.id))
                ).all()
            )


class Notifier:
    """Delivers the outbox through ``deliver`` until stopped (any number may run at once)."""

    def __init__(
        self,
        outbox: Outbox,
        deliver: Deliver,
        clock: Clock,
        owner: str,
        *,
        lease_seconds: float = 30.0,
        idle_poll_seconds: float = 0.5,
        seed: int | None = None,
    ) -> None:
        self.outbox = outbox
        self.deliver = deliver
        self.clock = clock
        self.owner = owner
        self.lease = lease_seconds
        self.idle_poll = idle_poll_seconds
        self._rng = random.Random(seed)

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set."""
        while not stop.is_set():
            sent = await self.drain_once()
            if not sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.idle_poll)

    async def drain_once(self) -> int:
        """Claim what is due and deliver it (subscribers in parallel); how many were tried."""
        notes = await asyncio.to_thread(self.outbox.claim, self.owner, self.clock.now(), self.lease)
        await asyncio.gather(*(self._one(n) for n in notes))
        return len(notes)

    async def _one(self, note: Notification) -> None:
        try:
            await asyncio.wait_for(self.deliver(note), self.lease * 0.8)
        except DeliveryFailed as exc:
            await self._failed(note, exc.reason, exc.retry_after, exc.permanent)
        except Exception as exc:
            _log.exception("delivering notification %s failed", note.id)
            await self._failed(note, f"{type(exc).__name__}: {exc}", None, False)
        else:
            now = self.clock.now()
            if await asyncio.to_thread(self.outbox.delivered, note, now):
                metrics.notification_delivered(note.category, now - note.created_at)

    async def _failed(
        self, note: Notification, reason: str, retry_after: float | None, permanent: bool
    ) -> None:
        if permanent or note.attempts + 1 >= MAX_DELIVERY_ATTEMPTS:
            await asyncio.to_thread(self.outbox.dead, note, reason)
            return
        if retry_after is not None:
            delay = retry_after * self._rng.uniform(1.0, 1.2)
        else:
            delay = min(BACKOFF_CAP_SECONDS, 2.0**note.attempts) * self._rng.uniform(0.8, 1.2)
        await asyncio.to_thread(self.outbox.failed, note, self.clock.now(), delay, reason)
