"""The provider's own view in the chat: in a conversation of the provider's tenant its admins
list every customer with its state, filter and page the list, and open one customer's status
and audit history; a customer's admin never sees any of it, nor anything of another tenant."""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from provisioning.integrations import Purpose
from storage.tenants import TenantRecord, TenantState
from tests.bot.test_dialogue import _as, _plain_user, _signed_in
from tests.bot.test_flow import _having
from tests.support.bot import BotUnderTest, Client, card_of, find_action, running_bot, text_of
from tests.support.harness import Harness, SeededTenant


def _ready(sb: Harness) -> SeededTenant:
    """A tenant whose readiness passes (a free E1 seat for the gateway user)."""
    return sb.make_tenant(users=6, teams_phone_share=0.5, free_seats={"STANDARDPACK": 1})


@pytest.fixture
def provider(sb: Harness) -> SeededTenant:
    """The provider's own Microsoft 365 tenant."""
    return _ready(sb)


@pytest.fixture
async def under(sb: Harness, tmp_path: Path, provider: SeededTenant) -> AsyncIterator[BotUnderTest]:
    """The bot, configured with the provider's tenant, which consented to its app."""
    async with running_bot(sb, tmp_path, PROVIDER_TENANT_ID=provider.id) as running:
        running.grant(provider)
        yield running


@pytest.fixture
async def ops(sb: Harness, under: BotUnderTest, provider: SeededTenant) -> AsyncIterator[Client]:
    """The provider's Global Administrator in a chat with the bot, signed in for step 1."""
    async with httpx.AsyncClient(base_url=sb.endpoints.chat, timeout=30) as http:
        client = Client(http, under, provider)
        await client.open(provider.admin)
        await _signed_in(client, provider)
        yield client


def _known(under: BotUnderTest, tenant: SeededTenant) -> str:
    """The customer as the bot knows it after its admin's first sign-in; its display name."""
    name = str(tenant.summary["displayName"])
    under.product.runtime.tenants.upsert(tenant.id, name, tenant.domain, time.time())
    return name


def _in_state(under: BotUnderTest, tenant_id: str, state: TenantState) -> None:
    with Session(under.product.runtime.engine) as session:
        record = session.get(TenantRecord, tenant_id)
        assert record is not None
        record.state = state.value
        session.add(record)
        session.commit()


def _others(under: BotUnderTest, count: int) -> list[str]:
    """``count`` more customers the bot knows (names sort after the seeded tenants')."""
    names = []
    for n in range(count):
        name = f"Zeta {n:02d}"
        tenant_id = f"00000000-0000-4000-8000-{n:012d}"
        under.product.runtime.tenants.upsert(tenant_id, name, f"zeta{n:02d}.example", time.time())
        names.append(name)
    return names


def _plain(card: dict[str, Any]) -> str:
    """A card's text without the soft breaks long words get."""
    return text_of(card).replace("\u200b", "")


def _forbidden(*tenants: SeededTenant) -> list[str]:
    """What would give another tenant away: its id, domain and name."""
    return [part for t in tenants for part in (t.id, t.domain, str(t.summary["displayName"]))]


async def _press_verb(client: Client, verb: str, data: dict[str, str]) -> dict[str, Any]:
    """A button the caller made up, pressed on the newest card of the conversation."""
    card = client.bot_cards()[-1]
    response = await client.http.post(
        f"/api/conversations/{urllib.parse.quote(client.conversation, safe='')}/actions",
        json={
            "user": client.user,
            "activityId": card["id"],
            "action": {"type": "Action.Execute", "verb": verb, "data": {"verb": verb, **data}},
        },
    )
    assert response.status_code == 200, response.text
    delivery: dict[str, Any] = response.json()["delivery"]
    return delivery


async def test_customers_lists_every_customer_with_its_state(
    under: BotUnderTest, tenant: SeededTenant, ops: Client
) -> None:
    name = _known(under, tenant)
    await ops.say("customers")
    listing = _plain(card_of(await ops.wait_for("the list", _having("Customers"))))
    assert name in listing
    assert tenant.domain in listing
    assert "Signed in, not connected yet" in listing
    assert "Last run: none yet" in listing


async def test_customers_failed_lists_only_the_failed_ones(
    under: BotUnderTest, tenant: SeededTenant, ops: Client
) -> None:
    failed = _known(under, tenant)
    _in_state(under, tenant.id, TenantState.PROVISIONING_FAILED)
    other = _others(under, 1)[0]
    await ops.say("show me the FAILED customers")
    listing = _plain(card_of(await ops.wait_for("the list", _having("Failed customers"))))
    assert failed in listing
    assert other not in listing


async def test_next_shows_the_following_customers(under: BotUnderTest, ops: Client) -> None:
    names = _others(under, 16)
    await ops.say("customers")
    listing = await ops.wait_for("the list", _having("Customers"))
    assert names[-1] not in _plain(card_of(listing))

    following = await ops.press(listing, "Next")

    assert names[-1] in _plain(following)
    assert find_action(following, "Previous")["verb"] == "customers"


async def test_customer_by_domain_shows_its_status_and_audit_history(
    under: BotUnderTest, tenant: SeededTenant, ops: Client
) -> None:
    under.product.sign_in(tenant, Purpose.GRAPH)
    name = _known(under, tenant)
    await ops.say(f"customer {tenant.domain.split('.')[0]}")
    details = _plain(card_of(await ops.wait_for("the details", _having("Audit history"))))
    assert name in details
    assert tenant.id in details
    assert "Signed in for step 1 (Microsoft Graph)" in details
    assert tenant.admin in details


async def test_details_on_the_list_open_that_customer(
    under: BotUnderTest, tenant: SeededTenant, ops: Client
) -> None:
    name = _known(under, tenant)
    await ops.say("customers")
    listing = await ops.wait_for("the list", _having("Customers"))

    details = await ops.press(listing, "Details")

    assert name in _plain(details)
    assert "Audit history" in _plain(details)


async def test_help_lists_customers_to_the_providers_admin(ops: Client) -> None:
    await ops.say("help")
    answer = _plain(card_of(await ops.wait_for("help", _having("What I can do"))))
    assert "customers" in answer


async def test_someone_of_the_provider_who_is_not_an_admin_is_refused(
    sb: Harness, under: BotUnderTest, provider: SeededTenant, ops: Client
) -> None:
    async with _as(sb, under, provider, _plain_user(sb, provider)) as user:
        await user.say("customers")
        refusal = await user.wait_for("the refusal", _having("That needs an admin"))
    assert "Customers" not in _plain(card_of(refusal))


async def test_a_customers_admin_typing_customers_sees_nothing_of_other_tenants(
    sb: Harness, under: BotUnderTest, provider: SeededTenant, tenant: SeededTenant, chat: Client
) -> None:
    other = _ready(sb)
    _known(under, other)
    _known(under, provider)
    await _signed_in(chat, tenant)

    await chat.say("customers")

    answer = _plain(card_of(await chat.wait_for("the answer", _having("I don't know"))))
    assert "customers" not in answer.replace("\u201ccustomers\u201d", "")
    assert not [part for part in _forbidden(provider, other) if part in answer]


async def test_a_customers_admin_typing_customer_and_a_name_learns_nothing(
    sb: Harness, under: BotUnderTest, tenant: SeededTenant, chat: Client
) -> None:
    other = _ready(sb)
    _known(under, other)
    await _signed_in(chat, tenant)

    await chat.say(f"customer {other.domain}")

    answer = _plain(card_of(await chat.wait_for("the answer", _having("I don't know"))))
    assert not [part for part in _forbidden(other) if part in answer.replace(other.domain, "")]
    assert "Audit history" not in answer


async def test_help_in_a_customers_tenant_does_not_list_customers(
    tenant: SeededTenant, chat: Client
) -> None:
    await _signed_in(chat, tenant)
    await chat.say("help")
    answer = _plain(card_of(await chat.wait_for("help", _having("What I can do"))))
    assert "remove" in answer  # an admin: every command of their own tenant
    assert "customer" not in answer


async def test_a_made_up_customers_button_in_a_customers_tenant_does_nothing(
    sb: Harness, under: BotUnderTest, provider: SeededTenant, tenant: SeededTenant, chat: Client
) -> None:
    other = _ready(sb)
    _known(under, other)
    await _signed_in(chat, tenant)
    scope = {"tenant": tenant.id, "conversation": f"{tenant.id}|{chat.conversation}"}

    listing = await _press_verb(chat, "customers", scope)
    details = await _press_verb(chat, "customer", {**scope, "id": other.id})

    for answer in (_plain(listing), _plain(details)):
        assert "That button no longer does anything." in answer
        assert not [part for part in _forbidden(provider, other) if part in answer]
