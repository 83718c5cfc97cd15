"""Progress reaches a conversation at most once a second (SPEC.md, progress): however fast a run
advances, and whether the news is progress or a milestone, the bot updates the run's card no
sooner than a second after its previous update."""

from __future__ import annotations

import itertools

import pytest

from tests.bot.test_flow import _having
from tests.bot.test_notifier import _ready_to_integrate
from tests.support.bot import BotUnderTest, Client, text_of
from tests.support.connector_log import record_connector_calls
from tests.support.harness import Harness, SeededTenant


async def test_a_runs_card_is_updated_at_most_once_a_second(
    sb: Harness,
    under: BotUnderTest,
    tenant: SeededTenant,
    chat: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A whole integration: once DNS has caught up, the sandbox's Microsoft answers every step
    at once and the domain and gateway milestones come in the same moment; the card takes
    them a second apart, and its last update is the summary."""
    sb.control.patch("/knobs", json={"dns_propagation_seconds": 3})
    wizard = await _ready_to_integrate(chat, tenant)
    sent = record_connector_calls(under.bot.surface, monkeypatch)
    await chat.press(wizard, "Integrate")
    await chat.wait_for("connected", _having("is connected"), 120)
    card = await chat.wait_for("the summary", _having("The integration is complete."))

    updates = [u for u in sent.updates(chat.conversation) if u.activity_id == card["id"]]
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(updates)]
    # Waiting on DNS, domain verified, gateway accepted, done: more news than a second holds.
    assert len(updates) >= 4
    assert min(gaps) >= 1.0
    assert "The integration is complete." in text_of(updates[-1].card)
