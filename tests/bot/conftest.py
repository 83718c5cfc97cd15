"""The product's bot against a sandbox of the module's own (bots check tokens against wall
time, and other tests move the shared sandbox's clock), and a user of a tenant chatting."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.bot import BotUnderTest, Client, running_bot
from tests.support.harness import Harness, SeededTenant
from tests.support.sandbox_process import running_sandbox


@pytest.fixture(scope="module")
def _bot_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    with running_sandbox(tmp_path_factory.mktemp("bot-sandbox")) as (endpoints, _):
        harness = Harness(endpoints)
        yield harness
        harness.close()


@pytest.fixture
def sb(_bot_harness: Harness) -> Iterator[Harness]:
    """This module's sandbox; tenants, faults and knob changes are undone after each test."""
    yield _bot_harness
    _bot_harness.cleanup()


@pytest.fixture
async def under(sb: Harness, tmp_path: Path) -> AsyncIterator[BotUnderTest]:
    """The bot, registered with the channel, with a runner beside it."""
    async with running_bot(sb, tmp_path) as running:
        yield running


@pytest.fixture
def tenant(sb: Harness, under: BotUnderTest) -> SeededTenant:
    """A ready tenant (a free E1 seat for the gateway user) that consented to the bot's app."""
    seeded = sb.make_tenant(
        users=8, teams_phone_share=0.5, free_seats={"STANDARDPACK": 1}, resource_accounts=1
    )
    under.grant(seeded)
    return seeded


@pytest.fixture
async def chat(sb: Harness, under: BotUnderTest, tenant: SeededTenant) -> AsyncIterator[Client]:
    """The tenant's Global Administrator in the web chat, chat open with the bot."""
    async with httpx.AsyncClient(base_url=sb.endpoints.chat, timeout=30) as http:
        client = Client(http, under, tenant)
        await client.open(tenant.admin)
        yield client
