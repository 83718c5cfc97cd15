"""Activating and deactivating one user: the waits on Microsoft's number operation and on what
Teams shows end after 30 minutes with the admin sent to the Teams admin centre."""

from __future__ import annotations

from provisioning.engine.contract import Failed, Wait
from provisioning.microsoft.fakes.world import FakeUser
from provisioning.params import ActivationParams
from provisioning.steps import activation
from tests.support.fake_engine import FakeEngine
from tests.support.give_ups import REPLICATION_GIVE_UP

NUMBER = "+441234567"
POLICY = "Callroute-E164"


def _params(fx: FakeEngine) -> ActivationParams:
    fx.microsoft.users["u"] = FakeUser("u", "alice@contoso.test", "GB")
    return ActivationParams(fx.params.tenant_id, "u", "alice@contoso.test", NUMBER, POLICY, POLICY)


async def test_a_number_assignment_unfinished_after_30_minutes_fails_naming_microsoft(
    fx: FakeEngine,
) -> None:
    """Microsoft's operation still running after 30 minutes: the step fails, sends the admin to
    the Teams admin centre, and only looked at the operation (no second assignment)."""
    fx.microsoft.number_operation_seconds = 3600
    params = _params(fx)
    ctx, probe = fx.context(params=params)
    assert isinstance(await activation.assign_number(ctx), Wait)
    # Built before the clock moves: the step's give-up clock started with the first attempt.
    later, _ = fx.context(data=probe.kept, params=params)
    fx.clock.advance(REPLICATION_GIVE_UP + 1)
    fx.microsoft.calls.clear()

    outcome = await activation.assign_number(later)

    assert isinstance(outcome, Failed)
    assert outcome.message == f"Microsoft has not finished assigning {NUMBER} after 30 minutes."
    assert "Teams admin centre" in outcome.hint
    assert fx.microsoft.calls == ["number_operation"]


async def test_teams_not_showing_the_activation_after_30_minutes_fails_naming_teams(
    fx: FakeEngine,
) -> None:
    """The number and policy never appear on the user: the step fails saying what Teams
    still does not show, and sends the admin to the Teams admin centre."""
    ctx, _ = fx.context(params=_params(fx))
    fx.clock.advance(REPLICATION_GIVE_UP + 1)

    outcome = await activation.confirm_active(ctx)

    assert isinstance(outcome, Failed)
    assert outcome.message == (
        f"Teams still does not show {NUMBER} and {POLICY} on alice@contoso.test after 30 minutes."
    )
    assert "Teams admin centre" in outcome.hint


async def test_teams_still_showing_our_policy_after_30_minutes_fails_naming_teams(
    fx: FakeEngine,
) -> None:
    """Deactivation: the policy never leaves the user in what Teams shows; after 30 minutes
    the step fails and sends the admin to the Teams admin centre."""
    params = _params(fx)
    fx.microsoft.users["u"].grants["OnlineVoiceRoutingPolicy"] = POLICY
    ctx, _ = fx.context(params=params)
    fx.clock.advance(REPLICATION_GIVE_UP + 1)

    outcome = await activation.confirm_inactive(ctx)

    assert isinstance(outcome, Failed)
    assert outcome.message == (
        "Teams still shows alice@contoso.test with our number or policy after 30 minutes."
    )
    assert "Teams admin centre" in outcome.hint


async def test_a_number_removal_unfinished_after_30_minutes_fails_naming_microsoft(
    fx: FakeEngine,
) -> None:
    """Taking the number off waits on Microsoft's operation, but not for ever: after 30
    minutes the admin is sent to the Teams admin centre, with no second removal started."""
    params = _params(fx)
    fx.microsoft.users["u"].numbers[NUMBER] = "directRouting"
    fx.microsoft.number_operation_seconds = 3600
    ctx, probe = fx.context(params=params)
    assert isinstance(await activation.unassign_number(ctx), Wait)
    later, _ = fx.context(data=probe.kept, params=params)
    fx.clock.advance(REPLICATION_GIVE_UP + 1)
    fx.microsoft.calls.clear()

    outcome = await activation.unassign_number(later)

    assert isinstance(outcome, Failed)
    assert outcome.message == f"Microsoft has not finished removing {NUMBER} after 30 minutes."
    assert "Teams admin centre" in outcome.hint
    assert fx.microsoft.calls == ["number_operation"]
