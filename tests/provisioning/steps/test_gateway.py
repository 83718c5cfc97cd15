"""The gateway user, its licence and the PSTN gateway: one call each in the usual case, and the
right decision from the tenant's state after a refusal or a lost answer."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from provisioning.engine.contract import Done, Failed, Wait
from provisioning.microsoft.catalog import MCOSTANDARD_PLAN, TEAMS_PLAN
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.fakes.world import MCOSTANDARD_SKU, FakeUser
from provisioning.microsoft.ports.directory import SubscribedSku
from provisioning.steps import gateway
from storage.runs import RunStatus
from tests.support.fake_engine import FakeEngine
from tests.support.give_ups import ACTIVATION_GIVE_UP, REPLICATION_GIVE_UP
from tests.support.replication import with_lagging_licences

E3 = "6fd2c87f-b296-42f0-b197-1e91e994b900"


def _upn(fx: FakeEngine) -> str:
    return f"callroute.teams@{fx.params.sbc_domain}"


def _with_user(fx: FakeEngine, **extra: object) -> str:
    fx.microsoft.domains[fx.params.sbc_domain] = True
    fx.microsoft.users["u1"] = FakeUser("u1", _upn(fx), "GB", **extra)  # type: ignore[arg-type]
    return "u1"


async def test_the_licence_choice_prefers_one_that_carries_teams(fx: FakeEngine) -> None:
    """F8: an E3 seat (Teams and MCOSTANDARD) before a standalone MCOSTANDARD seat."""
    fx.microsoft.skus[E3] = SubscribedSku(
        E3, "ENTERPRISEPACK", 10, 0, frozenset({MCOSTANDARD_PLAN, TEAMS_PLAN, "a", "b"})
    )
    ctx, _ = fx.context()
    outcome = await gateway.choose_licence(ctx)
    assert isinstance(outcome, Done)
    assert outcome.outputs == {"sku_id": E3}


async def test_a_standalone_mcostandard_seat_is_the_fallback(fx: FakeEngine) -> None:
    """Without a Teams licence free, the standalone seat is taken (readiness warned)."""
    ctx, _ = fx.context()
    outcome = await gateway.choose_licence(ctx)
    assert isinstance(outcome, Done)
    assert outcome.outputs == {"sku_id": MCOSTANDARD_SKU}


async def test_without_a_free_seat_the_admin_is_told_what_to_do(fx: FakeEngine) -> None:
    """No free licence carrying MCOSTANDARD: stop with a fix the admin can act on."""
    fx.microsoft.skus.clear()
    ctx, _ = fx.context()
    outcome = await gateway.choose_licence(ctx)
    assert isinstance(outcome, Failed)
    assert "MCOSTANDARD" in outcome.message
    assert "Free or buy" in outcome.hint


async def test_the_gateway_user_is_created_with_one_call(fx: FakeEngine) -> None:
    """No ledger entry: create at once; its id is handed on and kept in the ledger."""
    fx.microsoft.domains[fx.params.sbc_domain] = True
    ctx, probe = fx.context()
    outcome = await gateway.gateway_user(ctx)
    assert isinstance(outcome, Done)
    user = fx.microsoft.user_by_upn(_upn(fx))
    assert user is not None
    assert outcome.outputs == {"user_id": user.id}
    assert outcome.created[0].data == {"id": user.id}
    assert fx.microsoft.calls == ["create_user"]
    assert [i.key for i in probe.intended] == [_upn(fx)]


async def test_someone_else_s_user_with_our_name_stops_the_step(fx: FakeEngine) -> None:
    """The UPN is taken and the ledger never had it: not ours, intent taken back."""
    _with_user(fx)
    ctx, probe = fx.context()
    outcome = await gateway.gateway_user(ctx)
    assert isinstance(outcome, Failed)
    assert "did not create it" in outcome.message
    assert probe.withdrawn


async def test_a_lost_answer_to_create_user_finds_our_user(fx: FakeEngine) -> None:
    """Intended earlier, created, answer lost: the clash is ours; the id is looked up."""
    _with_user(fx)
    ctx, _ = fx.context([("user", _upn(fx), "intended", {})])
    outcome = await gateway.gateway_user(ctx)
    assert isinstance(outcome, Done)
    assert outcome.outputs == {"user_id": "u1"}


async def test_the_licence_is_assigned_with_one_call(fx: FakeEngine) -> None:
    """User id and SKU come from the earlier steps: one ``assignLicense``."""
    user_id = _with_user(fx)
    ctx, _ = fx.context(
        outputs={
            "gateway_user": {"user_id": user_id},
            "choose_licence": {"sku_id": MCOSTANDARD_SKU},
        }
    )
    assert isinstance(await gateway.gateway_licence(ctx), Done)
    assert fx.microsoft.users[user_id].skus == {MCOSTANDARD_SKU}
    assert fx.microsoft.calls == ["assign_licence"]


async def test_a_lost_answer_to_assign_licence_is_done_on_the_retry(fx: FakeEngine) -> None:
    """M1: the only seat was taken by our own user; the retry sees that and is done."""
    user_id = _with_user(fx)
    fx.microsoft.fail("assign_licence", ErrorKind.TRANSIENT, after=True)
    outputs = {"gateway_user": {"user_id": user_id}, "choose_licence": {"sku_id": MCOSTANDARD_SKU}}
    ctx, _ = fx.context(outputs=outputs)
    with pytest.raises(ServiceError):
        await gateway.gateway_licence(ctx)
    assert fx.microsoft.skus[MCOSTANDARD_SKU].free == 0
    ledger: list[tuple[str, str, str, dict[str, object]]] = [
        ("licence", f"{_upn(fx)}|{MCOSTANDARD_SKU}", "intended", {})
    ]
    ctx, _ = fx.context(ledger, outputs=outputs)
    outcome = await gateway.gateway_licence(ctx)
    assert isinstance(outcome, Done)
    assert outcome.created[0].key == f"{_upn(fx)}|{MCOSTANDARD_SKU}"


Ledger = list[tuple[str, str, str, dict[str, object]]]


async def _licence_assigned_and_answer_lost(fx: FakeEngine) -> tuple[Ledger, dict[str, Any]]:
    """The gateway user got the only MCOSTANDARD seat, the answer was lost: what the retry has
    (the intent in the ledger, the earlier steps' outputs)."""
    user_id = _with_user(fx)
    fx.microsoft.fail("assign_licence", ErrorKind.TRANSIENT, after=True)
    outputs = {"gateway_user": {"user_id": user_id}, "choose_licence": {"sku_id": MCOSTANDARD_SKU}}
    ctx, probe = fx.context(outputs=outputs)
    with pytest.raises(ServiceError):
        await gateway.gateway_licence(ctx)
    assert fx.microsoft.skus[MCOSTANDARD_SKU].free == 0
    intent = probe.intended[0]
    return [(intent.kind, intent.key, "intended", dict(intent.data))], outputs


async def test_a_retry_that_reads_before_the_licence_replicates_takes_no_second_seat(
    fx: FakeEngine,
) -> None:
    """M1 with replication lag: the user shows no licence yet though our seat is counted; the
    retry waits for the SKU it intended instead of licensing the user from another one."""
    fx.microsoft.skus[E3] = SubscribedSku(E3, "ENTERPRISEPACK", 5, 0, frozenset({MCOSTANDARD_PLAN}))
    ledger, outputs = await _licence_assigned_and_answer_lost(fx)
    ctx, probe = fx.context(ledger, outputs=outputs)
    ctx, replica = with_lagging_licences(ctx)

    waiting = await gateway.gateway_licence(ctx)

    assert isinstance(waiting, Wait)
    assert probe.withdrawn == []
    replica.catch_up()
    ctx, _ = fx.context(ledger, data=probe.kept, outputs=outputs)
    outcome = await gateway.gateway_licence(ctx)
    assert isinstance(outcome, Done)
    assert outcome.created[0].key == f"{_upn(fx)}|{MCOSTANDARD_SKU}"
    assert fx.microsoft.users["u1"].skus == {MCOSTANDARD_SKU}
    assert fx.microsoft.skus[E3].consumed == 0


async def test_a_retry_that_reads_before_the_licence_replicates_is_not_told_no_seat_is_free(
    fx: FakeEngine,
) -> None:
    """M1 with replication lag and no other subscription: wait for Microsoft to show the
    licence, never "no licence is free" (our own user holds the last seat)."""
    ledger, outputs = await _licence_assigned_and_answer_lost(fx)
    ctx, _ = fx.context(ledger, outputs=outputs)
    ctx, _ = with_lagging_licences(ctx)

    outcome = await gateway.gateway_licence(ctx)

    assert isinstance(outcome, Wait)
    assert "licence" in outcome.reason


async def test_the_retry_licenses_from_the_sku_the_intent_names(fx: FakeEngine) -> None:
    """The ledger's intent, not a fresh choice, says which subscription an earlier attempt
    used: the retry assigns that SKU again (Graph accepts a SKU the user already holds)."""
    fx.microsoft.skus[E3] = SubscribedSku(E3, "ENTERPRISEPACK", 5, 0, frozenset({MCOSTANDARD_PLAN}))
    ledger, _ = await _licence_assigned_and_answer_lost(fx)
    outputs = {"gateway_user": {"user_id": "u1"}, "choose_licence": {"sku_id": E3}}
    ctx, _ = fx.context(ledger, outputs=outputs)

    outcome = await gateway.gateway_licence(ctx)

    assert isinstance(outcome, Done)
    assert outcome.outputs == {"sku_id": MCOSTANDARD_SKU}
    assert fx.microsoft.users["u1"].skus == {MCOSTANDARD_SKU}


async def test_a_seat_taken_meanwhile_moves_to_another_subscription(fx: FakeEngine) -> None:
    """The chosen seat went to someone else: look again, take another, don't fail."""
    user_id = _with_user(fx)
    sku = fx.microsoft.skus[MCOSTANDARD_SKU]
    fx.microsoft.skus[MCOSTANDARD_SKU] = replace(sku, consumed=1)
    fx.microsoft.skus[E3] = SubscribedSku(E3, "ENTERPRISEPACK", 5, 0, frozenset({MCOSTANDARD_PLAN}))
    outputs = {"gateway_user": {"user_id": user_id}, "choose_licence": {"sku_id": MCOSTANDARD_SKU}}
    ctx, probe = fx.context(outputs=outputs)
    outcome = await gateway.gateway_licence(ctx)
    assert isinstance(outcome, Wait)
    assert probe.kept == {"sku_id": E3}
    ctx, _ = fx.context(data=probe.kept, outputs=outputs)
    assert isinstance(await gateway.gateway_licence(ctx), Done)
    assert fx.microsoft.users[user_id].skus == {E3}


async def test_the_gateway_waits_for_domain_activation(fx: FakeEngine) -> None:
    """Microsoft refuses the gateway until it has activated the domain: wait (up to 24 h)."""
    fx.microsoft.domains[fx.params.sbc_domain] = True
    ctx, _ = fx.context()
    outcome = await gateway.pstn_gateway(ctx)
    assert isinstance(outcome, Wait)
    assert "up to 24 hours" in outcome.reason
    _with_user(fx, plans={MCOSTANDARD_PLAN})
    ctx, _ = fx.context([("gateway", fx.params.sbc_domain, "intended", {})])
    assert isinstance(await gateway.pstn_gateway(ctx), Done)
    made = fx.microsoft.gateways[fx.params.sbc_domain]
    assert (made.enabled, made.sip_port) == (True, 5061)


async def test_the_gateway_user_gives_up_when_microsoft_never_lets_users_onto_the_domain(
    fx: FakeEngine,
) -> None:
    """Users still refused on the new domain after 30 minutes: the step fails, Microsoft's
    text kept and the admin sent to the Microsoft 365 admin centre, with no further call."""
    fx.microsoft.domains[fx.params.sbc_domain] = False
    ctx, _ = fx.context()
    fx.clock.advance(REPLICATION_GIVE_UP + 1)

    outcome = await gateway.gateway_user(ctx)

    assert isinstance(outcome, Failed)
    assert outcome.message == "the domain of the UPN is not verified"
    assert "Microsoft 365 admin centre" in outcome.hint
    assert fx.microsoft.calls == ["create_user"]


async def test_the_licence_gives_up_when_microsoft_never_shows_the_new_user(
    fx: FakeEngine,
) -> None:
    """``assignLicense`` still answers 404 for the user after 30 minutes: the step fails and
    sends the admin to the gateway user in the Microsoft 365 admin centre."""
    outputs = {"gateway_user": {"user_id": "u1"}, "choose_licence": {"sku_id": MCOSTANDARD_SKU}}
    ctx, _ = fx.context(outputs=outputs)
    fx.clock.advance(REPLICATION_GIVE_UP + 1)

    outcome = await gateway.gateway_licence(ctx)

    assert isinstance(outcome, Failed)
    assert "gateway user in the Microsoft 365 admin centre" in outcome.hint
    assert fx.microsoft.calls == ["assign_licence"]


async def test_a_lost_licence_that_never_shows_gives_up_and_lets_the_retry_choose_afresh(
    fx: FakeEngine,
) -> None:
    """The intended seat went to someone else and the user shows no licence after 30 minutes:
    the step fails naming Microsoft, and takes its intent back so a retry chooses again."""
    _with_user(fx)
    sku = fx.microsoft.skus[MCOSTANDARD_SKU]
    fx.microsoft.skus[MCOSTANDARD_SKU] = replace(sku, consumed=1)
    key = f"{_upn(fx)}|{MCOSTANDARD_SKU}"
    outputs = {"gateway_user": {"user_id": "u1"}, "choose_licence": {"sku_id": MCOSTANDARD_SKU}}
    ctx, probe = fx.context([("licence", key, "intended", {})], outputs=outputs)
    fx.clock.advance(REPLICATION_GIVE_UP + 1)

    outcome = await gateway.gateway_licence(ctx)

    assert isinstance(outcome, Failed)
    assert outcome.hint.startswith("Microsoft does not show a licence on the gateway user")
    assert [i.key for i in probe.withdrawn] == [key]
    assert fx.microsoft.calls == ["assign_licence", "find_user"]


async def test_the_gateway_gives_up_after_48_hours_without_direct_routing_activation(
    fx: FakeEngine,
) -> None:
    """Microsoft still refuses the gateway after 48 hours: the step fails with Microsoft's
    text and a hint that names Microsoft and the licence to check, making no further call."""
    fx.microsoft.domains[fx.params.sbc_domain] = True
    ctx, _ = fx.context()
    fx.clock.advance(ACTIVATION_GIVE_UP + 1)

    outcome = await gateway.pstn_gateway(ctx)

    assert isinstance(outcome, Failed)
    assert outcome.message == "the domain is not activated yet"
    assert outcome.hint.startswith("Microsoft has not activated the domain for Direct Routing")
    assert "gateway user is licensed" in outcome.hint
    assert fx.microsoft.calls == ["create_Gateway"]


async def test_a_run_whose_domain_is_never_activated_fails_and_stops_calling_microsoft(
    fx: FakeEngine,
) -> None:
    """The whole run: parked on the activation wait, failed once 48 hours have passed with the
    hint naming Microsoft, and silent towards Microsoft from then on."""
    fx.microsoft.activation_seconds = 96 * 3600
    run_id = fx.start()
    await fx.runner().drain()
    assert fx.store.steps(run_id)["pstn_gateway"].status == "waiting"

    fx.clock.advance(ACTIVATION_GIVE_UP + 1)
    await fx.runner().drain()

    run = fx.store.run(run_id)
    assert run is not None
    assert run.status == RunStatus.FAILED
    assert (run.hint or "").startswith("Microsoft has not activated the domain")
    calls = list(fx.microsoft.calls)
    fx.clock.advance(ACTIVATION_GIVE_UP)
    await fx.runner().drain()
    assert fx.microsoft.calls == calls
