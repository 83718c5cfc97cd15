"""Domain steps decide on what they see: create what is missing, keep what is ours, refuse what
is not, wait while Microsoft or DNS catch up (SPEC step 3)."""

from __future__ import annotations

from typing import Any

import pytest

from provisioning.engine.contract import Done, Failed, Wait
from provisioning.microsoft.errors import ErrorKind
from provisioning.steps import domain
from tests.support.fake_engine import FakeEngine
from tests.support.give_ups import DNS_GIVE_UP, REPLICATION_GIVE_UP


async def test_dns_subdomain_points_at_the_region_s_sbc(fx: FakeEngine) -> None:
    """An A record (AAAA for IPv6) at ``<prefix>.<region>.<zone>``, recorded as intended first."""
    ctx, probe = fx.context()
    outcome = await domain.dns_subdomain(ctx)
    assert isinstance(outcome, Done)
    assert fx.dns.records()[(f"{fx.params.sbc_domain}.", "A")] == ("192.0.2.10",)
    assert [i.key for i in probe.intended] == [f"{fx.params.sbc_domain}|A"]


async def test_a_record_type_the_region_dropped_is_removed(fx: FakeEngine) -> None:
    """The region lost its IPv6 address: our old AAAA record goes."""
    name = f"{fx.params.sbc_domain}."
    await fx.context()[0].ports.zone.set_records(name, "AAAA", ["2001:db8::1"], 300)
    ctx, _ = fx.context([("dns_records", f"{fx.params.sbc_domain}|AAAA", "created", {})])
    await domain.dns_subdomain(ctx)
    assert (name, "AAAA") not in fx.dns.records()


async def test_the_domain_is_added_with_one_call_when_the_ledger_has_none(fx: FakeEngine) -> None:
    """No ledger entry: intend, then create straight away (no look first)."""
    ctx, probe = fx.context()
    assert isinstance(await domain.tenant_domain(ctx), Done)
    assert fx.params.sbc_domain in fx.microsoft.domains
    assert [i.kind for i in probe.intended] == ["domain"]
    assert fx.microsoft.calls == ["add_domain"]


async def test_a_lost_answer_to_add_domain_is_harmless(fx: FakeEngine) -> None:
    """An earlier attempt intended it and Microsoft added it: the clash is ours, so done."""
    fx.microsoft.fail("add_domain", ErrorKind.TRANSIENT, after=True)
    ctx, _ = fx.context()
    with pytest.raises(Exception, match="injected"):
        await domain.tenant_domain(ctx)
    ctx, probe = fx.context([("domain", fx.params.sbc_domain, "intended", {})])
    assert isinstance(await domain.tenant_domain(ctx), Done)
    assert probe.withdrawn == []


async def test_a_domain_that_is_not_ours_stops_the_step_and_takes_the_intent_back(
    fx: FakeEngine,
) -> None:
    """Never take over what the bot did not create, nor leave it in the ledger for removal."""
    fx.microsoft.domains[fx.params.sbc_domain] = True
    ctx, probe = fx.context()
    outcome = await domain.tenant_domain(ctx)
    assert isinstance(outcome, Failed)
    assert "did not create it" in outcome.message
    assert [i.key for i in probe.withdrawn] == [fx.params.sbc_domain]


async def test_the_txt_record_waits_while_the_new_domain_replicates(fx: FakeEngine) -> None:
    """Graph answers 404 for a while after a create: wait, don't fail."""
    ctx, _ = fx.context()
    outcome = await domain.txt_record(ctx)
    assert isinstance(outcome, Wait)
    assert "creating the domain" in outcome.reason


async def test_the_txt_record_is_published_and_handed_on(fx: FakeEngine) -> None:
    """Microsoft's text lands in the zone and in the step's outputs for the next step."""
    ctx, _ = fx.context()
    await domain.tenant_domain(ctx)
    outcome = await domain.txt_record(ctx)
    assert isinstance(outcome, Done)
    text = fx.microsoft.domain_codes[fx.params.sbc_domain]
    assert outcome.outputs == {"txt": text}
    assert fx.dns.records()[(f"{fx.params.sbc_domain}.", "TXT")] == (text,)


def _published(fx: FakeEngine) -> dict[str, dict[str, Any]]:
    text = "MS=ms42"
    fx.dns.history.append((fx.clock.now(), (f"{fx.params.sbc_domain}.", "TXT"), (text,)))
    return {"txt_record": {"txt": text}}


async def test_dns_propagated_waits_until_every_server_has_the_record(fx: FakeEngine) -> None:
    """Verification is asked only once the TXT record is on all authoritative servers."""
    fx.dns.lag = 20
    ctx, _ = fx.context(outputs=_published(fx))
    waiting = await domain.dns_propagated(ctx)
    assert isinstance(waiting, Wait)
    assert waiting.reason == "Waiting for DNS: the record is on 1 of 3 name servers"
    assert waiting.until - fx.clock.now() == pytest.approx(1.0, abs=0.05)
    fx.clock.advance(21)
    assert isinstance(await domain.dns_propagated(ctx), Done)


async def test_a_silent_name_server_is_waited_for_and_named(fx: FakeEngine) -> None:
    """A secondary that does not answer is "not visible yet", never an error."""
    fx.dns.silent = {2}
    ctx, _ = fx.context(outputs=_published(fx))
    outcome = await domain.dns_propagated(ctx)
    assert isinstance(outcome, Wait)
    assert "2 of 3" in outcome.reason
    assert "ns3 no answer" in outcome.reason
    fx.dns.silent = set()
    assert isinstance(await domain.dns_propagated(ctx), Done)


async def test_after_48_hours_the_provider_s_dns_is_blamed_not_microsoft(fx: FakeEngine) -> None:
    """The give-up names the silent server, and the hint sends the admin to the provider."""
    fx.dns.silent = {1}
    ctx, _ = fx.context(outputs=_published(fx))
    fx.clock.advance(DNS_GIVE_UP + 1)
    outcome = await domain.dns_propagated(ctx)
    assert isinstance(outcome, Failed)
    assert "ns2" in outcome.message
    assert "provider" in outcome.hint
    assert "Microsoft" not in outcome.hint


async def test_domain_verified_waits_out_a_negative_answer(fx: FakeEngine) -> None:
    """If Microsoft still cannot see the record, wait the zone's negative TTL and ask again."""
    fx.microsoft.domains[fx.params.sbc_domain] = False
    fx.microsoft.domain_codes[fx.params.sbc_domain] = "MS=ms1"
    ctx, _ = fx.context()
    outcome = await domain.domain_verified(ctx)
    assert isinstance(outcome, Wait)
    assert outcome.until - fx.clock.now() == pytest.approx(fx.dns.negative_ttl_seconds, abs=1)


async def test_domain_verified_asks_once_when_the_record_is_everywhere(fx: FakeEngine) -> None:
    """One verify call, no look before it."""
    ctx, _ = fx.context()
    await domain.tenant_domain(ctx)
    await domain.txt_record(ctx)
    fx.microsoft.calls.clear()
    assert isinstance(await domain.domain_verified(ctx), Done)
    assert fx.microsoft.calls == ["verify_domain"]


async def test_the_txt_record_step_repeated_after_verification_is_done(fx: FakeEngine) -> None:
    """Microsoft offers no record for a verified domain: nothing left to publish."""
    fx.microsoft.domains[fx.params.sbc_domain] = True
    ctx, probe = fx.context([("domain", fx.params.sbc_domain, "created", {})])
    outcome = await domain.txt_record(ctx)
    assert isinstance(outcome, Done)
    assert probe.intended == []


async def test_the_txt_record_gives_up_when_graph_never_shows_the_new_domain(
    fx: FakeEngine,
) -> None:
    """Graph still answers 404 for the domain after 30 minutes: the step fails naming Microsoft
    Graph, publishes nothing in the provider's zone and makes no further call."""
    ctx, _ = fx.context()
    fx.clock.advance(REPLICATION_GIVE_UP + 1)

    outcome = await domain.txt_record(ctx)

    assert isinstance(outcome, Failed)
    assert outcome.message == (
        "Microsoft Graph still does not show the new domain after 30 minutes."
    )
    assert "Microsoft 365 admin centre" in outcome.hint
    assert fx.microsoft.calls == ["verification_txt", "get_domain"]
    assert fx.dns.writes == 0


async def test_domain_verified_gives_up_when_graph_never_shows_the_new_domain(
    fx: FakeEngine,
) -> None:
    """``verify`` still answers 404 after 30 minutes: the step fails naming Microsoft Graph."""
    ctx, _ = fx.context()
    fx.clock.advance(REPLICATION_GIVE_UP + 1)

    outcome = await domain.domain_verified(ctx)

    assert isinstance(outcome, Failed)
    assert outcome.message.startswith("Microsoft Graph still does not show the new domain")
    assert "Microsoft 365 admin centre" in outcome.hint
    assert fx.microsoft.calls == ["verify_domain"]


async def test_domain_verified_gives_up_after_48_hours_blaming_microsoft_not_the_provider(
    fx: FakeEngine,
) -> None:
    """Microsoft refuses verification for 48 hours: the step fails with Microsoft's text, and
    the hint says it is Microsoft that cannot verify (the provider's servers do their part)."""
    fx.microsoft.domains[fx.params.sbc_domain] = False
    fx.microsoft.domain_codes[fx.params.sbc_domain] = "MS=ms1"
    ctx, _ = fx.context()
    fx.clock.advance(DNS_GIVE_UP + 1)

    outcome = await domain.domain_verified(ctx)

    assert isinstance(outcome, Failed)
    assert outcome.message == "Domain verification failed"
    assert outcome.hint.startswith("Microsoft could not verify the domain for 48 hours")
    assert fx.microsoft.calls == ["verify_domain"]


async def test_after_48_hours_secondaries_that_never_catch_up_are_blamed_on_the_provider(
    fx: FakeEngine,
) -> None:
    """Every server answers but two never get the record: the give-up counts them and sends
    the admin to the provider, not to Microsoft."""
    fx.dns.lag = 3 * DNS_GIVE_UP
    ctx, _ = fx.context(outputs=_published(fx))
    fx.clock.advance(DNS_GIVE_UP + 1)

    outcome = await domain.dns_propagated(ctx)

    assert isinstance(outcome, Failed)
    assert outcome.message == (
        "The TXT record is visible on 1 of 3 of the provider's name servers after 48 hours."
    )
    assert "provider" in outcome.hint
    assert "Microsoft" not in outcome.hint
    assert fx.microsoft.calls == []
