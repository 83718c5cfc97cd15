"""Provisioning steps decide on what they see: create what is missing, keep what is ours,
refuse what is not, wait while Microsoft or DNS catch up (SPEC step 3; DESIGN.md, the engine)."""

from __future__ import annotations

from typing import Any

import pytest

from provisioning.errors import ErrorKind
from provisioning.fakes.microsoft import MCOSTANDARD_PLAN, MCOSTANDARD_SKU, FakeUser
from provisioning.ports.graph import SubscribedSku
from provisioning.steps import provision
from provisioning.steps.contract import Done, Failed, Wait
from tests.support.fake_engine import FakeEngine

E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900"


async def test_dns_subdomain_points_at_the_region_s_sbc(fx: FakeEngine) -> None:
    """An A record (AAAA for IPv6) at ``<prefix>.<region>.<zone>``, recorded as intended first."""
    ctx, intended = fx.context()
    outcome = await provision.dns_subdomain(ctx)
    assert isinstance(outcome, Done)
    assert fx.dns.records()[(f"{fx.plan.sbc_domain}.", "A")] == ("192.0.2.10",)
    assert [i.key for i in intended] == [f"{fx.plan.sbc_domain}|A"]


async def test_tenant_domain_is_added_once(fx: FakeEngine) -> None:
    """Missing: added (intent first). Present and ours: left alone."""
    ctx, intended = fx.context()
    assert isinstance(await provision.tenant_domain(ctx), Done)
    assert fx.plan.sbc_domain in fx.microsoft.domains
    assert [i.kind for i in intended] == ["domain"]
    ours: list[tuple[str, str, str, dict[str, Any]]] = [
        ("domain", fx.plan.sbc_domain, "intended", {})
    ]
    ctx, intended = fx.context(ours)
    assert isinstance(await provision.tenant_domain(ctx), Done)
    assert intended == []
    assert fx.microsoft.calls.count("add_domain") == 1


async def test_a_domain_that_is_not_ours_stops_the_step(fx: FakeEngine) -> None:
    """Never take over what the bot did not create."""
    fx.microsoft.domains[fx.plan.sbc_domain] = True
    ctx, _ = fx.context()
    outcome = await provision.tenant_domain(ctx)
    assert isinstance(outcome, Failed)
    assert "did not create it" in outcome.message


async def test_a_lost_answer_to_add_domain_is_harmless(fx: FakeEngine) -> None:
    """CONFLICT on add means an earlier attempt (whose answer was lost) added it already."""
    fx.microsoft.failures.append(("add_domain", ErrorKind.CONFLICT, None))
    ctx, intended = fx.context()
    assert isinstance(await provision.tenant_domain(ctx), Done)
    assert [i.kind for i in intended] == ["domain"]


async def test_txt_record_waits_while_the_new_domain_replicates(fx: FakeEngine) -> None:
    """Graph answers 404 for a while after a create: wait, don't fail."""
    ctx, _ = fx.context()
    outcome = await provision.txt_record(ctx)
    assert isinstance(outcome, Wait)
    assert "creating the domain" in outcome.reason


async def test_dns_propagated_waits_until_every_server_has_the_record(fx: FakeEngine) -> None:
    """Verification is asked only once the TXT record is on all authoritative servers."""
    fx.dns.lag = 20
    ctx, _ = fx.context()
    await provision.tenant_domain(ctx)
    await provision.txt_record(ctx)
    txt = fx.dns.records()[(f"{fx.plan.sbc_domain}.", "TXT")]
    ledger = [
        (
            "dns_records",
            f"{fx.plan.sbc_domain}|TXT",
            "created",
            {"values": list(txt), "name": fx.plan.sbc_domain + ".", "type": "TXT"},
        )
    ]
    ctx, _ = fx.context(ledger)
    waiting = await provision.dns_propagated(ctx)
    assert isinstance(waiting, Wait)
    assert waiting.reason == "Waiting for DNS: the record is on 1 of 3 name servers"
    fx.clock.advance(21)
    assert isinstance(await provision.dns_propagated(ctx), Done)


async def test_domain_verified_waits_out_a_negative_answer(fx: FakeEngine) -> None:
    """If Microsoft still cannot see the record, wait the zone's negative TTL and ask again."""
    fx.microsoft.domains[fx.plan.sbc_domain] = False
    fx.microsoft.domain_codes[fx.plan.sbc_domain] = "MS=ms1"
    ctx, _ = fx.context()
    outcome = await provision.domain_verified(ctx)
    assert isinstance(outcome, Wait)
    assert outcome.until - fx.clock.now() == pytest.approx(fx.dns.negative_ttl_seconds, abs=1)


async def test_gateway_licence_prefers_the_smallest_sku_with_mcostandard(fx: FakeEngine) -> None:
    """A standalone MCOSTANDARD seat before an E3 seat."""
    fx.microsoft.skus[E3] = SubscribedSku(
        E3, "ENTERPRISEPACK", 10, 0, frozenset({MCOSTANDARD_PLAN, "a", "b", "c"})
    )
    upn = f"callroute.teams@{fx.plan.sbc_domain}"
    fx.microsoft.users["u1"] = FakeUser("u1", upn, "GB")
    ctx, intended = fx.context([("user", upn, "created", {})])
    assert isinstance(await provision.gateway_licence(ctx), Done)
    assert fx.microsoft.users["u1"].skus == {MCOSTANDARD_SKU}
    assert intended[0].kind == "licence"


async def test_gateway_licence_without_a_free_seat_tells_the_admin_what_to_do(
    fx: FakeEngine,
) -> None:
    """No free licence carrying MCOSTANDARD: stop with a fix the admin can act on."""
    fx.microsoft.skus.clear()
    upn = f"callroute.teams@{fx.plan.sbc_domain}"
    fx.microsoft.users["u1"] = FakeUser("u1", upn, "GB")
    ctx, _ = fx.context([("user", upn, "created", {})])
    outcome = await provision.gateway_licence(ctx)
    assert isinstance(outcome, Failed)
    assert "MCOSTANDARD" in outcome.message
    assert "Free or buy" in outcome.hint


async def test_pstn_usage_is_appended_and_others_are_kept(fx: FakeEngine) -> None:
    """The Global list is read, extended and written back whole."""
    fx.microsoft.usages[:] = ["OtherProvider", "Emergency"]
    ctx, _ = fx.context()
    await provision.pstn_usage(ctx)
    assert fx.microsoft.usages == ["OtherProvider", "Emergency", "Callroute-E164"]


async def test_a_dial_plan_of_ours_is_corrected_in_place(fx: FakeEngine) -> None:
    """Check-then-act: a drifted dial plan of ours is updated, not recreated."""
    ctx, _ = fx.context()
    await provision.dial_plan(ctx)
    plan = fx.microsoft.dial_plans["Callroute-E164"]
    fx.microsoft.dial_plans["Callroute-E164"] = plan.__class__(plan.name, "drifted", ())
    ctx, intended = fx.context([("dial_plan", "Callroute-E164", "created", {})])
    await provision.dial_plan(ctx)
    assert fx.microsoft.dial_plans["Callroute-E164"] == plan
    assert intended == []


async def test_the_gateway_waits_for_domain_activation(fx: FakeEngine) -> None:
    """ "Can not use the … domain" means: not activated yet; wait (up to 24 hours)."""
    fx.microsoft.domains[fx.plan.sbc_domain] = True
    ctx, _ = fx.context()
    outcome = await provision.pstn_gateway(ctx)
    assert isinstance(outcome, Wait)
    assert "up to 24 hours" in outcome.reason
    fx.microsoft.users["u1"] = FakeUser(
        "u1", f"callroute.teams@{fx.plan.sbc_domain}", "GB", plans={MCOSTANDARD_PLAN}
    )
    ctx, _ = fx.context([("gateway", fx.plan.sbc_domain, "intended", {})])
    assert isinstance(await provision.pstn_gateway(ctx), Done)
    gateway = fx.microsoft.gateways[fx.plan.sbc_domain]
    assert (gateway.enabled, gateway.sip_port) == (True, 5061)


async def test_the_route_uses_our_gateway_and_usage(fx: FakeEngine) -> None:
    """Voice route ``Callroute-E164`` through our gateway with our usage."""
    fx.microsoft.usages.append("Callroute-E164")
    fx.microsoft.gateways[fx.plan.sbc_domain] = object()  # type: ignore[assignment]
    ctx, _ = fx.context()
    assert isinstance(await provision.voice_route(ctx), Done)
    route = fx.microsoft.routes["Callroute-E164"]
    assert route.gateways == (fx.plan.sbc_domain,)
    assert route.usages == ("Callroute-E164",)
