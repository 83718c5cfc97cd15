"""Removal steps undo only what the ledger says is ours, tolerate what is gone, and wait for
what Microsoft has not released yet (SPEC "Removal")."""

from __future__ import annotations

from typing import Any

import pytest

from provisioning.engine.contract import Done, Failed, Wait
from provisioning.microsoft.errors import ErrorKind
from provisioning.microsoft.fakes.world import FakeUser
from provisioning.microsoft.ports.voice import Gateway, RoutingPolicy, VoiceRoute
from provisioning.steps import removal
from tests.support.fake_engine import FakeEngine
from tests.support.give_ups import REPLICATION_GIVE_UP


async def test_an_assigned_policy_is_waited_for(fx: FakeEngine) -> None:
    """Unassignments apply asynchronously: the policy's removal waits until it is free."""
    fx.microsoft.policies["Callroute-E164"] = RoutingPolicy("Callroute-E164", ())
    fx.microsoft.users["u"] = FakeUser(
        "u", "u@contoso.test", "GB", grants={"OnlineVoiceRoutingPolicy": "Callroute-E164"}
    )
    ctx, _ = fx.context([("routing_policy", "Callroute-E164", "created", {})])
    waiting = await removal.remove_policy(ctx)
    assert isinstance(waiting, Wait)
    assert "unassigned from every user" in waiting.reason
    fx.microsoft.users["u"].grants.clear()
    outcome = await removal.remove_policy(ctx)
    assert isinstance(outcome, Done)
    assert [i.key for i in outcome.removed] == ["Callroute-E164"]


async def test_only_our_usage_leaves_the_global_list(fx: FakeEngine) -> None:
    """The other provider's usages stay."""
    fx.microsoft.usages[:] = ["OtherProvider", "Callroute-E164"]
    ctx, _ = fx.context([("pstn_usage", "Callroute-E164", "created", {})])
    outcome = await removal.remove_usage(ctx)
    assert isinstance(outcome, Done)
    assert fx.microsoft.usages == ["OtherProvider"]
    assert [i.key for i in outcome.removed] == ["Callroute-E164"]


async def test_things_already_gone_count_as_removed(fx: FakeEngine) -> None:
    """Removal works from any half-finished state: missing objects are marked removed."""
    ledger: list[tuple[str, str, str, dict[str, Any]]] = [
        ("voice_route", "Callroute-E164", "intended", {}),
        ("gateway", fx.params.sbc_domain, "intended", {}),
        ("domain", fx.params.sbc_domain, "intended", {}),
    ]
    ctx, _ = fx.context(ledger)
    removed = []
    for step in (removal.remove_route, removal.remove_gateway, removal.remove_domain):
        outcome = await step(ctx)
        assert isinstance(outcome, Done)
        removed += [(i.kind, i.key) for i in outcome.removed]
    assert removed == [(kind, key) for kind, key, _, _ in ledger]


async def test_a_gateway_linked_by_someone_else_s_route_is_waited_for(fx: FakeEngine) -> None:
    """The gateway cannot go while a route links it (teams-voice-api.md §3)."""
    fx.microsoft.gateways[fx.params.sbc_domain] = Gateway(fx.params.sbc_domain, 5061, True)
    fx.microsoft.routes["Theirs"] = VoiceRoute("Theirs", ".*", (fx.params.sbc_domain,), ())
    ctx, _ = fx.context([("gateway", fx.params.sbc_domain, "created", {})])
    outcome = await removal.remove_gateway(ctx)
    assert isinstance(outcome, Wait)
    assert fx.params.sbc_domain in fx.microsoft.gateways


async def test_the_gateway_user_goes_and_its_licence_with_it(fx: FakeEngine) -> None:
    """The user is deleted; its licence entry is settled as removed too."""
    upn = f"callroute.teams@{fx.params.sbc_domain}"
    fx.microsoft.users["g"] = FakeUser("g", upn, "GB")
    ctx, _ = fx.context(
        [("user", upn, "created", {"id": "g"}), ("licence", f"{upn}|sku", "created", {})]
    )
    outcome = await removal.remove_gateway_user(ctx)
    assert isinstance(outcome, Done)
    assert {i.kind for i in outcome.removed} == {"user", "licence"}
    assert "g" not in fx.microsoft.users


async def test_the_stored_sign_ins_are_forgotten_last(fx: FakeEngine) -> None:
    """The last step deletes the credentials and says how many there were."""
    ctx, _ = fx.context()
    outcome = await removal.forget_credentials(ctx)
    assert isinstance(outcome, Done)
    assert outcome.note == "Deleted 2 stored sign-in(s)."
    assert fx.microsoft.forgotten == 1


async def test_the_gateway_user_is_purged_so_its_domain_can_go(fx: FakeEngine) -> None:
    """F6: a deleted user stays in the recycle bin holding its domain; removal purges it."""
    upn = f"callroute.teams@{fx.params.sbc_domain}"
    fx.microsoft.domains[fx.params.sbc_domain] = True
    fx.microsoft.users["g"] = FakeUser("g", upn, "GB")
    ledger: list[tuple[str, str, str, dict[str, Any]]] = [
        ("user", upn, "created", {"id": "g"}),
        ("domain", fx.params.sbc_domain, "created", {}),
    ]
    ctx, _ = fx.context(ledger)
    assert isinstance(await removal.remove_gateway_user(ctx), Done)
    assert fx.microsoft.deleted == {}
    assert isinstance(await removal.remove_domain(ctx), Done)
    assert fx.microsoft.domains == {}


async def test_a_gateway_user_left_in_the_recycle_bin_by_a_crash_is_purged(
    fx: FakeEngine,
) -> None:
    """Deleted but not purged (the runner died in between): the retry purges it by its id."""
    upn = f"callroute.teams@{fx.params.sbc_domain}"
    fx.microsoft.deleted["g"] = FakeUser("g", upn, "GB")
    ctx, _ = fx.context([("user", upn, "created", {"id": "g"})])
    assert isinstance(await removal.remove_gateway_user(ctx), Done)
    assert fx.microsoft.deleted == {}


# Each removal step whose delete Microsoft may refuse as "in use", the call it makes and the
# object the admin is told to free.
BLOCKED = [
    (removal.remove_route, "voice_route", "Callroute-E164", "delete_VoiceRoute", "voice route"),
    (
        removal.remove_policy,
        "routing_policy",
        "Callroute-E164",
        "delete_RoutingPolicy",
        "voice routing policy",
    ),
    (removal.remove_dial_plan, "dial_plan", "Callroute-E164", "delete_DialPlan", "dial plan"),
    (removal.remove_usage, "pstn_usage", "Callroute-E164", "remove_usage", "PSTN usage"),
    (removal.remove_gateway, "gateway", "sbc.contoso.test", "delete_Gateway", "gateway"),
    (removal.remove_domain, "domain", "sbc.contoso.test", "delete_domain", "domain"),
]


@pytest.mark.parametrize(("step", "kind", "key", "call", "what"), BLOCKED)
async def test_a_removal_still_blocked_after_30_minutes_fails_naming_what_blocks_it(
    fx: FakeEngine, step: Any, kind: str, key: str, call: str, what: str
) -> None:
    """Microsoft still says "in use" after 30 minutes: the step fails with its text, the hint
    names the object to free where the admin can do it, and the step tries nothing further."""
    fx.microsoft.fail(call, ErrorKind.IN_USE, times=2)
    ledger: list[tuple[str, str, str, dict[str, Any]]] = [
        (kind, key, "created", {}),
        (kind, f"{key}-2", "created", {}),
    ]
    ctx, _ = fx.context(ledger)
    fx.clock.advance(REPLICATION_GIVE_UP + 1)

    outcome = await step(ctx)

    assert isinstance(outcome, Failed)
    assert outcome.message == f"injected in_use in {call}"
    assert f"{what} '{key}'" in outcome.hint
    assert "provider" not in outcome.hint
    assert fx.microsoft.calls == [call]
