"""Tokens from the stored sign-ins through real msal against the sandbox's Entra ID: failures
of Microsoft's sign-in service are worth retrying, a missing sign-in is not."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from provisioning.identity.msal_client import http_client
from provisioning.identity.scopes import Purpose
from provisioning.identity.tokens import MsalTokens, RecentTokens
from provisioning.metrics import Metrics
from provisioning.microsoft.errors import ErrorKind, ServiceError
from storage.vault import TokenVault
from tests.support.harness import Harness, SeededTenant
from tests.support.metrics import Scrape
from tests.support.product import Product


@pytest.fixture
def product(sb: Harness, tmp_path: Path) -> Iterator[Product]:
    """The product wired to the shared sandbox."""
    installed = Product.create(sb, f"sqlite:///{tmp_path / 'bot.db'}")
    yield installed
    installed.close()


@pytest.fixture
def tenant(sb: Harness, product: Product) -> SeededTenant:
    """A tenant whose admin has signed in to Graph."""
    seeded = sb.make_tenant(users=2)
    product.sign_in(seeded, Purpose.GRAPH)
    return seeded


@pytest.fixture
def tokens(product: Product, tenant: SeededTenant) -> Iterator[MsalTokens]:
    """The tenant's token source, as the runner opens it."""
    runtime = product.runtime
    s = runtime.settings
    with http_client(s.microsoft) as client:
        yield MsalTokens(tenant.id, s.identity, s.microsoft, runtime.vault, runtime.clock, client)


async def test_a_graph_token_comes_from_the_stored_sign_in(tokens: MsalTokens) -> None:
    """research/graph-entra.md §2: the refresh token in the cache buys a new access token."""
    token = await tokens.access_token(Purpose.GRAPH)
    assert token.count(".") == 2


@pytest.mark.parametrize("operation", ["discovery", "token"])
@pytest.mark.parametrize("kind", ["429", "503", "reset"])
async def test_a_failing_sign_in_service_is_a_transient_error(
    sb: Harness, tokens: MsalTokens, operation: str, kind: str
) -> None:
    """A failed discovery or token call is retried later; the next attempt succeeds."""
    sb.add_fault(kind=kind, service="entra", operation=operation, nth=1, retry_after=1)
    with pytest.raises(ServiceError) as failed:
        await tokens.access_token(Purpose.GRAPH)
    assert failed.value.kind == ErrorKind.TRANSIENT
    # msal keeps answering a throttled call from memory until its Retry-After has passed.
    await asyncio.sleep(1.1)
    assert await tokens.access_token(Purpose.GRAPH)


async def test_a_purpose_nobody_signed_in_for_asks_for_that_sign_in(tokens: MsalTokens) -> None:
    """No Teams admin sign-in yet: the admin is told which sign-in is missing."""
    with pytest.raises(ServiceError) as failed:
        await tokens.access_token(Purpose.TEAMS_ADMIN)
    assert failed.value.kind == ErrorKind.UNAUTHENTICATED
    assert "second (Teams admin) sign-in" in failed.value.message


async def test_a_tenant_that_is_gone_asks_for_a_sign_in(
    sb: Harness, product: Product, tenant: SeededTenant
) -> None:
    """Entra no longer knows the tenant (400 on discovery): retrying will not help."""
    sb.control.delete(f"/tenants/{tenant.id}")
    runtime = product.runtime
    s = runtime.settings
    with http_client(s.microsoft) as client:
        tokens = MsalTokens(
            tenant.id, s.identity, s.microsoft, runtime.vault, runtime.clock, client
        )
        with pytest.raises(ServiceError) as failed:
            await tokens.access_token(Purpose.GRAPH)
    assert failed.value.kind == ErrorKind.UNAUTHENTICATED
    assert "is not usable" in failed.value.message


class _CountingVault(TokenVault):
    """The product's vault, counting how often a sign-in is decrypted."""

    def __init__(self, vault: TokenVault) -> None:
        self.__dict__.update(vault.__dict__)
        self.decrypted = 0

    def read(self, tenant_id: str, purpose: str) -> tuple[str, bytes] | None:
        self.decrypted += 1
        return super().read(tenant_id, purpose)


def _opened(
    product: Product, tenant: SeededTenant, recent: RecentTokens, vault: TokenVault | None = None
) -> MsalTokens:
    """The tenant's tokens as one opening of its ports has them, sharing ``recent``."""
    runtime = product.runtime
    s = runtime.settings
    return MsalTokens(
        tenant.id,
        s.identity,
        s.microsoft,
        vault or runtime.vault,
        runtime.clock,
        runtime.ports.msal_client,
        recent,
    )


async def test_a_later_opening_reuses_the_token_of_the_same_sign_in(
    product: Product, tenant: SeededTenant
) -> None:
    recent = RecentTokens()
    first = await _opened(product, tenant, recent).access_token(Purpose.GRAPH)
    vault = _CountingVault(product.runtime.vault)

    again = await _opened(product, tenant, recent, vault).access_token(Purpose.GRAPH)

    assert again == first
    assert vault.decrypted == 0


async def test_a_deleted_sign_in_is_not_answered_with_a_remembered_token(
    product: Product, tenant: SeededTenant
) -> None:
    recent = RecentTokens()
    await _opened(product, tenant, recent).access_token(Purpose.GRAPH)
    product.runtime.vault.delete(tenant.id)

    with pytest.raises(ServiceError) as failed:
        await _opened(product, tenant, recent).access_token(Purpose.GRAPH)

    assert failed.value.kind == ErrorKind.UNAUTHENTICATED


async def test_a_new_sign_in_is_not_answered_with_the_old_token(
    product: Product, tenant: SeededTenant
) -> None:
    recent = RecentTokens()
    old = await _opened(product, tenant, recent).access_token(Purpose.GRAPH)
    product.sign_in(tenant, Purpose.GRAPH)

    new = await _opened(product, tenant, recent).access_token(Purpose.GRAPH)

    assert new != old


class _RemovedWhileRefreshing(TokenVault):
    """The product's vault where the sign-in is removed just after msal read it, with its
    access tokens gone so that msal must refresh (and store the refreshed cache)."""

    def __init__(self, vault: TokenVault) -> None:
        self.__dict__.update(vault.__dict__)

    def read(self, tenant_id: str, purpose: str) -> tuple[str, bytes] | None:
        found = super().read(tenant_id, purpose)
        if found is None:
            return None
        cache = json.loads(found[0])
        cache["AccessToken"] = {}
        self.forget(tenant_id, purpose)
        return json.dumps(cache), found[1]


async def test_a_refresh_that_ends_after_the_sign_in_was_removed_does_not_bring_it_back(
    product: Product, tenant: SeededTenant
) -> None:
    """A refused or removed sign-in stays removed, even when a refresh was under way."""
    vault = _RemovedWhileRefreshing(product.runtime.vault)

    with pytest.raises(ServiceError) as failed:
        await _opened(product, tenant, RecentTokens(), vault).access_token(Purpose.GRAPH)

    assert failed.value.kind == ErrorKind.UNAUTHENTICATED
    assert product.runtime.vault.purposes(tenant.id) == []


async def test_each_call_to_entra_is_counted_with_its_status(
    sb: Harness, tokens: MsalTokens
) -> None:
    """/metrics: ``direct_routing_microsoft_calls_total{service="entra"}`` by HTTP status."""
    sb.add_fault(kind="503", service="entra", operation="token", nth=1, retry_after=1)
    before = Scrape.of(Metrics().render())
    with pytest.raises(ServiceError):
        await tokens.access_token(Purpose.GRAPH)
    after = Scrape.of(Metrics().render())
    calls = "direct_routing_microsoft_calls_total"
    assert after.since(before, calls, service="entra", status="503") == 1
