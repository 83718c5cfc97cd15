"""Progress and milestones reach the conversation that started the run: one card updated in
place, a message when Microsoft verifies the domain and at the end, exactly once, across a
restart of the bot; a failure says what happened and what to do, with Retry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.bot.test_flow import _having, _link
from tests.support.bot import Client, card_of, find_action, running_bot, text_of
from tests.support.harness import Harness, SeededTenant


async def _ready_to_integrate(chat: Client, tenant: SeededTenant) -> dict[str, Any]:
    """Both sign-ins done: the wizard at step 4."""
    await chat.say("connect")
    wizard = await chat.wait_for("the wizard", _having("Step 1 of 4"))
    await chat.sign_in(_link(wizard, "Sign in to Microsoft (step 1)"), tenant.admin)
    wizard = await chat.wait_for("step 3", _having("Step 3 of 4"))
    await chat.sign_in(_link(wizard, "Sign in to the Teams admin centre (step 3)"), tenant.admin)
    found: dict[str, Any] = await chat.wait_for("step 4", _having("Step 4 of 4"))
    return found


def _count(chat: Client, text: str) -> int:
    return sum(text in text_of(card_of(a)) for a in chat.bot_cards())


async def test_progress_is_one_card_updated_in_place(
    sb: Harness, tenant: SeededTenant, chat: Client
) -> None:
    """However many steps and waits, the run has one card, which ends with the summary."""
    sb.control.patch("/knobs", json={"dns_propagation_seconds": 3})
    await chat.press(await _ready_to_integrate(chat, tenant), "Integrate")
    await chat.wait_for("the end", _having("is connected"), 120)
    assert _count(chat, "Integration of") == 1
    progress = await chat.wait_for("the summary", _having("The integration is complete."))
    assert "Created the voice route" in text_of(card_of(progress))


async def test_milestones_arrive_exactly_once_across_a_restart(sb: Harness, tmp_path: Path) -> None:
    """The bot stops while the provider's DNS catches up; the next start delivers "verified"
    and "connected" once each, and updates the same progress card."""
    sb.control.patch("/knobs", json={"dns_propagation_seconds": 6})
    tenant = sb.make_tenant(users=4, free_seats={"STANDARDPACK": 1})
    async with httpx.AsyncClient(base_url=sb.endpoints.chat, timeout=30) as http:
        async with running_bot(sb, tmp_path, restarts=True) as first:
            first.grant(tenant)
            chat = Client(http, first, tenant)
            await chat.open(tenant.admin)
            await chat.press(await _ready_to_integrate(chat, tenant), "Integrate")
            await chat.wait_for("waiting on DNS", _having("Waiting"))
        assert _count(chat, "Microsoft has verified the domain") == 0
        async with running_bot(sb, tmp_path, again=first) as second:
            chat.under = second
            await chat.wait_for("connected", _having("is connected"), 120)
            await chat.wait_for("the summary", _having("The integration is complete."))
            assert _count(chat, "Microsoft has verified the domain") == 1
            assert _count(chat, "is connected") == 1
            assert _count(chat, "Integration of") == 1


async def test_a_failure_says_what_happened_and_what_to_do_and_retry_finishes_it(
    sb: Harness, tenant: SeededTenant, chat: Client
) -> None:
    """The last free seat is taken while the run waits on DNS: the card and a message say so,
    with the fix; once a seat is free again, Retry completes the integration."""
    sb.control.patch("/knobs", json={"dns_propagation_seconds": 3})
    await chat.press(await _ready_to_integrate(chat, tenant), "Integrate")
    graph = sb.graph(tenant)
    seat = next(
        s["skuId"]
        for s in sb.state(tenant)["subscribedSkus"]
        if s["skuPartNumber"] == "STANDARDPACK"
    )
    taker = next(u for u in sb.state(tenant)["users"] if not u.get("assignedLicenses"))
    taken = graph.post(
        f"/users/{taker['id']}/assignLicense",
        json={"addLicenses": [{"skuId": seat}], "removeLicenses": []},
    )
    assert taken.status_code == 200, taken.text

    stopped = await chat.wait_for("the failure", _having("The integration stopped"), 120)
    said = text_of(card_of(stopped))
    assert "No licence" in said
    assert "then retry" in said
    progress = await chat.wait_for("the failed card", _having("What to do"))
    assert "What happened" in text_of(card_of(progress))

    freed = graph.post(
        f"/users/{taker['id']}/assignLicense", json={"addLicenses": [], "removeLicenses": [seat]}
    )
    assert freed.status_code == 200, freed.text
    await chat.press(progress, "Retry")
    await chat.wait_for("connected", _having("is connected"), 120)
    assert find_action(card_of(stopped), "Retry")["verb"] == "retry"
