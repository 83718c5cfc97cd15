"""Dial plan, usage, policy and route: created in one call when new, corrected in place when
ours and drifted, refused when someone else's (SPEC step 3, dial plan and routing)."""

from __future__ import annotations

from provisioning.engine.contract import Done, Failed
from provisioning.microsoft.ports.voice import DialPlan, Gateway, RoutingPolicy
from provisioning.steps import voice
from tests.support.fake_engine import FakeEngine


async def test_the_usage_is_appended_and_the_others_kept(fx: FakeEngine) -> None:
    """The Global list is extended; another provider's usages stay."""
    fx.microsoft.usages[:] = ["OtherProvider", "Emergency"]
    ctx, _ = fx.context()
    assert isinstance(await voice.pstn_usage(ctx), Done)
    assert fx.microsoft.usages == ["OtherProvider", "Emergency", "Callroute-E164"]


async def test_a_usage_with_our_name_that_is_not_ours_is_refused(fx: FakeEngine) -> None:
    """Someone else's ``Callroute-E164`` usage: stop, and take the intent back."""
    fx.microsoft.usages[:] = ["Callroute-E164"]
    ctx, probe = fx.context()
    outcome = await voice.pstn_usage(ctx)
    assert isinstance(outcome, Failed)
    assert probe.withdrawn


async def test_a_dial_plan_is_created_with_e164_rules_for_the_tenant_s_country(
    fx: FakeEngine,
) -> None:
    """National numbers become +<country code>…; one create call."""
    ctx, _ = fx.context()
    assert isinstance(await voice.dial_plan(ctx), Done)
    plan = fx.microsoft.dial_plans["Callroute-E164"]
    assert ("National", "+44$1") in {(r.name, r.translation) for r in plan.rules}
    assert fx.microsoft.calls == ["create_DialPlan"]


async def test_a_drifted_dial_plan_of_ours_is_corrected_in_place(fx: FakeEngine) -> None:
    """Ours and changed by hand: updated, not recreated, nothing new intended."""
    ctx, _ = fx.context()
    await voice.dial_plan(ctx)
    plan = fx.microsoft.dial_plans["Callroute-E164"]
    fx.microsoft.dial_plans["Callroute-E164"] = DialPlan(plan.name, "drifted", ())
    ctx, probe = fx.context([("dial_plan", "Callroute-E164", "created", {})])
    await voice.dial_plan(ctx)
    assert fx.microsoft.dial_plans["Callroute-E164"] == plan
    assert probe.intended == []


async def test_a_policy_of_someone_else_is_refused_and_left_alone(fx: FakeEngine) -> None:
    """A ``Callroute-E164`` policy the bot did not create (the real Callroute, say)."""
    theirs = RoutingPolicy("Callroute-E164", ("Theirs",), "theirs")
    fx.microsoft.policies["Callroute-E164"] = theirs
    ctx, probe = fx.context()
    outcome = await voice.routing_policy(ctx)
    assert isinstance(outcome, Failed)
    assert fx.microsoft.policies["Callroute-E164"] == theirs
    assert probe.withdrawn


async def test_the_route_uses_our_gateway_and_usage(fx: FakeEngine) -> None:
    """Voice route ``Callroute-E164`` through our gateway with our usage."""
    fx.microsoft.usages.append("Callroute-E164")
    fx.microsoft.gateways[fx.params.sbc_domain] = Gateway(fx.params.sbc_domain, 5061, True)
    ctx, _ = fx.context()
    assert isinstance(await voice.voice_route(ctx), Done)
    route = fx.microsoft.routes["Callroute-E164"]
    assert route.gateways == (fx.params.sbc_domain,)
    assert route.usages == ("Callroute-E164",)
