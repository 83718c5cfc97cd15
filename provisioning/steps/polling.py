"""How often to look again while waiting on Microsoft or DNS, and when to give up."""

from __future__ import annotations


def poll_interval(elapsed: float, first: float = 1.0, ceiling: float = 300.0) -> float:
    """Look again after ``first`` seconds, slowing to ``ceiling`` as the wait grows long.

    Most waits end within a minute (polled every ``first`` seconds); the rare day-long ones
    are looked at every ``ceiling`` seconds once they have lasted an hour.
    """
    if elapsed < 60:
        return first
    if elapsed < 600:
        return min(ceiling, max(first, 10.0))
    if elapsed < 3600:
        return min(ceiling, max(first, 60.0))
    return max(first, ceiling)


# Microsoft: DNS verification "30-60 minutes in rare cases", activation "up to 24 hours".
DNS_GIVE_UP = 48 * 3600.0
ACTIVATION_GIVE_UP = 48 * 3600.0
REPLICATION_WAIT = 5.0
REPLICATION_GIVE_UP = 30 * 60.0
