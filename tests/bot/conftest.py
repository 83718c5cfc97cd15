"""The product's bot against a sandbox of the module's own (bots check tokens against wall
time, and other tests move the shared sandbox's clock), and a user of a tenant chatting."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.bot import BotUnderTest, Client, running_bot
from tests.support.harness import Harness, SeededTenant
from tests.support.sandbox_process import running_sandbox


@pytest.fixture(scope="module")
def _bot_sandbox_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bot-sandbox")


@pytest.fixture(scope="module")
def _bot_harness(_bot_sandbox_dir: Path) -> Iterator[Harness]:
    with running_sandbox(_bot_sandbox_dir) as (endpoints, _):
        harness = Harness(endpoints)
        yield harness
        harness.close()


@dataclass(frozen=True)
class ChannelKey:
    """The private key the sandbox's channel signs activities with, and its published kid."""

    pem: bytes
    kid: str


@pytest.fixture
def channel_key(_bot_harness: Harness, _bot_sandbox_dir: Path) -> ChannelKey:
    """Read from the sandbox's data folder; the kid from its published keys."""
    metadata = httpx.get(_bot_harness.endpoints.openid_metadata, timeout=10).json()
    keys = httpx.get(metadata["jwks_uri"], timeout=10).json()["keys"]
    return ChannelKey((_bot_sandbox_dir / "channel-signing-key.pem").read_bytes(), keys[0]["kid"])


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
