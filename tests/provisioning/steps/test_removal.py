"""Removal steps undo only what the ledger says is ours, tolerate what is gone, and wait for
what Microsoft has not released yet (SPEC "Removal")."""

from __future__ import annotations

from typing import Any

from provisioning.fakes.microsoft import FakeUser
from provisioning.ports.teams import Gateway, RoutingPolicy, VoiceRoute
from provisioning.steps import removal
from provisioning.steps.contract import Done, Wait
from tests.support.fake_engine import FakeEngine

OURS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("routing_policy", "Callroute-E164", "created", {}),
    ("dial_plan", "Callroute-E164", "created", {}),
]


async def test_users_holding_our_policy_lose_number_policy_and_dial_plan(fx: FakeEngine) -> None:
    """SPEC removal step 1; users of another provider keep everything."""
    w = fx.microsoft
    w.users["ours"] = FakeUser(
        "ours",
        "a@contoso.test",
        "GB",
        numbers=["+441234"],
        grants={"OnlineVoiceRoutingPolicy": "Callroute-E164", "TenantDialPlan": "Callroute-E164"},
    )
    w.users["theirs"] = FakeUser(
        "theirs",
        "b@contoso.test",
        "GB",
        numbers=["+445678"],
        grants={"OnlineVoiceRoutingPolicy": "OtherProvider"},
    )
    ctx, _ = fx.context(OURS)
    first = await removal.unassign_users(ctx)
    assert isinstance(first, Wait)
    assert isinstance(await removal.unassign_users(ctx), Done)
    assert w.users["ours"].numbers == []
    assert w.users["ours"].grants == {"OnlineVoiceRoutingPolicy": None, "TenantDialPlan": None}
    assert w.users["theirs"].numbers == ["+445678"]
    assert w.users["theirs"].grants == {"OnlineVoiceRoutingPolicy": "OtherProvider"}


async def test_resource_accounts_are_reported_not_changed(fx: FakeEngine) -> None:
    """Resource accounts carry line URIs without a voice routing policy: report them."""
    fx.microsoft.users["ra"] = FakeUser(
        "ra", "ra-1@contoso.test", None, account_type="resourceAccount", numbers=["+449999"]
    )
    ctx, _ = fx.context(OURS)
    outcome = await removal.unassign_users(ctx)
    assert isinstance(outcome, Done)
    assert "ra-1@contoso.test" in outcome.note
    assert fx.microsoft.users["ra"].numbers == ["+449999"]


async def test_an_assigned_policy_is_waited_for(fx: FakeEngine) -> None:
    """Unassignments apply asynchronously: the policy's removal waits until it is free."""
    fx.microsoft.policies["Callroute-E164"] = RoutingPolicy("Callroute-E164", ())
    fx.microsoft.users["u"] = FakeUser(
        "u", "u@contoso.test", "GB", grants={"OnlineVoiceRoutingPolicy": "Callroute-E164"}
    )
    ctx, _ = fx.context(OURS)
    assert isinstance(await removal.remove_policy(ctx), Wait)
    fx.microsoft.users["u"].grants.clear()
    outcome = await removal.remove_policy(ctx)
    assert isinstance(outcome, Done)
    assert [i.key for i in outcome.removed] == ["Callroute-E164"]


async def test_only_our_usage_leaves_the_global_list(fx: FakeEngine) -> None:
    """The other provider's usages stay."""
    fx.microsoft.usages[:] = ["OtherProvider", "Callroute-E164"]
    ctx, _ = fx.context([("pstn_usage", "Callroute-E164", "created", {})])
    await removal.remove_usage(ctx)
    assert fx.microsoft.usages == ["OtherProvider"]


async def test_things_already_gone_are_fine(fx: FakeEngine) -> None:
    """Removal works from any half-finished state: missing objects count as removed."""
    ledger: list[tuple[str, str, str, dict[str, Any]]] = [
        ("voice_route", "Callroute-E164", "intended", {}),
        ("gateway", fx.plan.sbc_domain, "intended", {}),
        ("domain", fx.plan.sbc_domain, "intended", {}),
    ]
    ctx, _ = fx.context(ledger)
    for step in (removal.remove_route, removal.remove_gateway, removal.remove_domain):
        assert isinstance(await step(ctx), Done)


async def test_a_gateway_linked_by_someone_else_s_route_is_waited_for(fx: FakeEngine) -> None:
    """The gateway cannot go while a route links it (teams-voice-api.md §3)."""
    fx.microsoft.gateways[fx.plan.sbc_domain] = Gateway(fx.plan.sbc_domain, 5061, True)
    fx.microsoft.routes["Theirs"] = VoiceRoute("Theirs", ".*", (fx.plan.sbc_domain,), ())
    ctx, _ = fx.context([("gateway", fx.plan.sbc_domain, "created", {})])
    outcome = await removal.remove_gateway(ctx)
    assert isinstance(outcome, Wait)
    assert fx.plan.sbc_domain in fx.microsoft.gateways
