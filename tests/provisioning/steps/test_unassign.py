"""Removal's first step: telephony off every user holding our policy or dial plan, following
Microsoft's number operations to their end, keeping its progress across attempts."""

from __future__ import annotations

from typing import Any

import pytest

from provisioning.engine.contract import Done, Failed, Wait
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.fakes.world import FakeUser
from provisioning.steps.unassign import unassign_users
from tests.support.fake_engine import FakeEngine
from tests.support.give_ups import REPLICATION_GIVE_UP

OURS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("routing_policy", "Callroute-E164", "created", {}),
    ("dial_plan", "Callroute-E164", "created", {}),
]
GRANTS = {"OnlineVoiceRoutingPolicy": "Callroute-E164", "TenantDialPlan": "Callroute-E164"}


def _ours(fx: FakeEngine, uid: str, number: str, kind: str = "directRouting") -> None:
    fx.microsoft.users[uid] = FakeUser(
        uid, f"{uid}@contoso.test", "GB", numbers={number: kind}, grants=dict(GRANTS)
    )


async def test_users_holding_our_policy_lose_number_policy_and_dial_plan(fx: FakeEngine) -> None:
    """SPEC removal step 1; another provider's users keep everything."""
    w = fx.microsoft
    _ours(fx, "ours", "+441234")
    w.users["theirs"] = FakeUser(
        "theirs",
        "theirs@contoso.test",
        "GB",
        numbers={"+445678": "directRouting"},
        grants={"OnlineVoiceRoutingPolicy": "OtherProvider"},
    )
    ctx, _ = fx.context(OURS, params=fx.removal_params())
    outcome = await unassign_users(ctx)
    assert isinstance(outcome, Done)
    assert outcome.note == "Unassigned 1 user(s)."
    assert w.users["ours"].numbers == {}
    assert w.users["ours"].grants == {"OnlineVoiceRoutingPolicy": None, "TenantDialPlan": None}
    assert w.users["theirs"].numbers == {"+445678": "directRouting"}
    assert w.users["theirs"].grants == {"OnlineVoiceRoutingPolicy": "OtherProvider"}


async def test_number_removals_are_followed_to_their_end(fx: FakeEngine) -> None:
    """M4: the operation Microsoft returns is polled until it has finished."""
    fx.microsoft.number_operation_seconds = 10
    _ours(fx, "a", "+441111")
    ctx, probe = fx.context(OURS, params=fx.removal_params())
    first = await unassign_users(ctx)
    assert isinstance(first, Wait)
    assert first.reason == "Removing phone numbers from 1 user(s)"
    assert fx.microsoft.users["a"].numbers  # still there: the operation runs
    fx.clock.advance(11)
    ctx, _ = fx.context(OURS, data=probe.kept, params=fx.removal_params())
    outcome = await unassign_users(ctx)
    assert isinstance(outcome, Done)
    assert outcome.note == "Unassigned 1 user(s)."
    assert fx.microsoft.users["a"].numbers == {}


async def test_a_long_walk_keeps_its_progress_across_a_fault(fx: FakeEngine) -> None:
    """Users handled before a fault are not handled again by the next attempt."""
    for i in range(5):
        _ours(fx, f"u{i}", f"+44100{i}")
    fx.microsoft.fail("numbers_of", ErrorKind.TRANSIENT, skip=2)
    ctx, probe = fx.context(OURS, params=fx.removal_params())
    # Two users are handled, then the fault hits the third one's number lookup.
    with pytest.raises(ServiceError):
        await unassign_users(ctx)
    assert len(probe.kept["handled"]) == 2
    ctx, probe2 = fx.context(OURS, data=probe.kept, params=fx.removal_params())
    assert isinstance(await unassign_users(ctx), Done)
    assert fx.microsoft.count("unassign_number") == 5
    assert all(not u.numbers for u in fx.microsoft.users.values())
    assert len(probe2.kept["handled"]) == 5


async def test_only_our_direct_routing_numbers_are_removed(fx: FakeEngine) -> None:
    """A calling-plan number of a user holding our policy was never routed through us."""
    _ours(fx, "mixed", "+443333", kind="callingPlan")
    ctx, _ = fx.context(OURS, params=fx.removal_params())
    assert isinstance(await unassign_users(ctx), Done)
    assert fx.microsoft.users["mixed"].numbers == {"+443333": "callingPlan"}
    assert fx.microsoft.count("unassign_number") == 0


async def test_resource_accounts_holding_our_policy_keep_their_number_and_are_reported(
    fx: FakeEngine,
) -> None:
    """M3: the grant comes off (so the policy can go), the line URI stays, the admin is told."""
    fx.microsoft.users["ra"] = FakeUser(
        "ra",
        "ra-1@contoso.test",
        None,
        account_type="ResourceAccount",
        numbers={"+449999": "directRouting"},
        grants={"OnlineVoiceRoutingPolicy": "Callroute-E164"},
    )
    ctx, _ = fx.context(OURS, params=fx.removal_params())
    outcome = await unassign_users(ctx)
    assert isinstance(outcome, Done)
    assert "ra-1@contoso.test" in outcome.note
    assert fx.microsoft.users["ra"].numbers == {"+449999": "directRouting"}
    assert fx.microsoft.users["ra"].grants == {"OnlineVoiceRoutingPolicy": None}


async def test_another_provider_s_resource_accounts_are_neither_touched_nor_reported(
    fx: FakeEngine,
) -> None:
    """M3: a resource account without our policy is none of our business."""
    fx.microsoft.users["ra"] = FakeUser(
        "ra",
        "ra-2@contoso.test",
        None,
        account_type="resourceAccount",
        numbers={"+448888": "directRouting"},
        grants={"OnlineVoiceRoutingPolicy": "OtherProvider"},
    )
    ctx, _ = fx.context(OURS, params=fx.removal_params())
    outcome = await unassign_users(ctx)
    assert isinstance(outcome, Done)
    assert "ra-2" not in outcome.note
    assert fx.microsoft.users["ra"].grants == {"OnlineVoiceRoutingPolicy": "OtherProvider"}


async def test_users_are_matched_by_the_names_provisioning_recorded(fx: FakeEngine) -> None:
    """M2: after a brand change, users holding the old policy are still found by the ledger."""
    fx.microsoft.users["old"] = FakeUser(
        "old",
        "old@contoso.test",
        "GB",
        grants={"OnlineVoiceRoutingPolicy": "Tag:OldBrand-E164"},
    )
    ctx, _ = fx.context(
        [("routing_policy", "OldBrand-E164", "created", {})], params=fx.removal_params()
    )
    assert isinstance(await unassign_users(ctx), Done)
    assert fx.microsoft.users["old"].grants == {"OnlineVoiceRoutingPolicy": None}


async def test_a_failed_number_removal_stops_with_microsoft_s_words(fx: FakeEngine) -> None:
    """An operation that ends failed is not taken for done."""
    fx.microsoft.number_operation_seconds = 5
    _ours(fx, "a", "+441111")
    ctx, probe = fx.context(OURS, params=fx.removal_params())
    await unassign_users(ctx)
    for op in fx.microsoft.operations.values():
        op.applied, op.status = True, "failed"
    ctx, _ = fx.context(OURS, data=probe.kept, params=fx.removal_params())
    outcome = await unassign_users(ctx)
    assert isinstance(outcome, Failed)
    assert "+441111" in outcome.message


async def test_number_removals_unfinished_after_30_minutes_fail_naming_microsoft(
    fx: FakeEngine,
) -> None:
    """Microsoft's operation still running after 30 minutes: the step fails, sends the admin to
    the Teams admin centre, and only looked at the operation (nothing started again)."""
    fx.microsoft.number_operation_seconds = 3600
    _ours(fx, "a", "+441111")
    ctx, probe = fx.context(OURS, params=fx.removal_params())
    assert isinstance(await unassign_users(ctx), Wait)
    # Built before the clock moves: the step's give-up clock started with the first attempt.
    later, _ = fx.context(OURS, data=probe.kept, params=fx.removal_params())
    fx.clock.advance(REPLICATION_GIVE_UP + 1)
    fx.microsoft.calls.clear()

    outcome = await unassign_users(later)

    assert isinstance(outcome, Failed)
    assert outcome.message == "Microsoft has not finished removing 1 number(s) after 30 minutes."
    assert "Teams admin centre" in outcome.hint
    assert fx.microsoft.calls == ["users", "number_operation"]
