"""Dial plan and routing (SPEC step 3, second half): all named ``<brand>-E164``, used only by
users the product enables; the org-wide Global policy is never changed."""

from __future__ import annotations

from provisioning.dial_rules import ROUTE_PATTERN, e164_rules
from provisioning.engine.contract import Done, LedgerItem, Outcome
from provisioning.microsoft.ports.voice import DialPlan, RoutingPolicy, VoiceRoute
from provisioning.naming import Names
from provisioning.steps.common import Ctx, ensure, not_ours


async def dial_plan(ctx: Ctx) -> Outcome:
    """Tenant dial plan ``<brand>-E164`` with E.164 normalisation rules."""
    p = ctx.params
    name = Names(p.brand).e164
    want = DialPlan(
        name, f"{p.brand}: normalise dialled numbers to E.164", e164_rules(p.country_code)
    )
    return await ensure(ctx, "dial_plan", want)


async def pstn_usage(ctx: Ctx) -> Outcome:
    """PSTN usage ``<brand>-E164`` added to the tenant-wide (Global) list; others kept."""
    name = Names(ctx.params.brand).e164
    item = LedgerItem("pstn_usage", name)
    ours = ctx.ledger.has("pstn_usage", name)
    if not ours:
        await ctx.intend(item)
    added = await ctx.ports.voice.add_usage(name)
    if not added and not ours:
        await ctx.withdraw(item)
        return not_ours("PSTN usage", name)
    return Done((item,))


async def routing_policy(ctx: Ctx) -> Outcome:
    """Voice routing policy ``<brand>-E164`` with our usage; the Global policy is untouched."""
    p = ctx.params
    name = Names(p.brand).e164
    want = RoutingPolicy(name, (name,), f"{p.brand} Direct Routing")
    return await ensure(ctx, "routing_policy", want)


async def voice_route(ctx: Ctx) -> Outcome:
    """Voice route ``<brand>-E164`` through our gateway using our usage."""
    p = ctx.params
    name = Names(p.brand).e164
    want = VoiceRoute(name, ROUTE_PATTERN, (p.sbc_domain,), (name,))
    return await ensure(ctx, "voice_route", want)
