"""What the steps share: the give-up clock of every wait on Microsoft or DNS."""

from __future__ import annotations

from dataclasses import replace

from provisioning.engine.contract import Failed, Wait
from provisioning.steps.common import wait_or_give_up
from tests.support.fake_engine import FakeEngine


class StoppedClock:
    """Time that moves only when the test says (the limit is met to the second)."""

    def __init__(self, now: float) -> None:
        self.at = now

    def now(self) -> float:
        """Now."""
        return self.at


async def test_a_wait_goes_on_up_to_its_limit_and_fails_just_past_it(fx: FakeEngine) -> None:
    """At the limit the step still waits (with its reason); a second later it fails with the
    system's text and the hint."""
    ctx, _ = fx.context()
    clock = StoppedClock(ctx.started_at + 1800)
    ctx = replace(ctx, clock=clock)
    waiting = wait_or_give_up(ctx, 1800, "waiting", "still refused", "check it")
    assert isinstance(waiting, Wait)
    assert waiting.reason == "waiting"
    clock.at += 1

    outcome = wait_or_give_up(ctx, 1800, "waiting", "still refused", "check it")

    assert outcome == Failed("still refused", "check it")
