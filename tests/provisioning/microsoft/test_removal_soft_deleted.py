"""Removal with a soft-deleted user among the holders of our policy (fidelity review F3).

Get-CsOnlineUser.md lists soft-deleted users "with SoftDeletionTimestamp set"; whether they
still show their policy assignments is undocumented, and the sandbox drops a deleted user's
grants. Here the product's Teams admin answers are rewritten on the way in so the deleted user
shows our policy, dial plan and number, the worst case: the product must leave it alone (it can
be granted nothing) and the removal must still succeed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from provisioning.microsoft.adapters.pool import ClientPool
from storage.runs import RunKind, RunStatus
from tests.provisioning.microsoft.test_teams_voice_modes import _tenant
from tests.support.harness import Harness
from tests.support.product import Product
from tests.support.voice import enable_users

POLICY = "Callroute-E164"


class _DeletedUsersKeepTheirPolicies(httpx.AsyncBaseTransport):
    """Passes every call on; in Get-CsOnlineUser answers, gives soft-deleted users our voice
    routing policy, dial plan and a line URI. Records every URL it carries."""

    def __init__(self, inner: httpx.AsyncBaseTransport, urls: list[str]) -> None:
        self._inner = inner
        self._urls = urls

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._urls.append(str(request.url))
        response = await self._inner.handle_async_request(request)
        if request.method != "GET" or not request.url.path.endswith("/Teams.User/users"):
            return response
        body = json.loads(await response.aread())
        for user in body.get("users", []):
            if user.get("softDeletionTimestamp"):
                user["lineUri"] = "tel:+442070009999"
                user["effectivePolicyAssignments"] = [
                    {"policyType": kind, "policyAssignment": {"displayName": POLICY}}
                    for kind in ("OnlineVoiceRoutingPolicy", "TenantDialPlan")
                ]
        return httpx.Response(response.status_code, json=body, request=request)

    async def aclose(self) -> None:
        """Close the connections of the transport wrapped."""
        await self._inner.aclose()


@pytest.fixture
def urls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL the product calls Microsoft at; its clients carry the rewriting transport."""
    seen: list[str] = []
    new_client = ClientPool._new_client

    def rewriting(pool: ClientPool) -> httpx.AsyncClient:
        client = new_client(pool)
        client._transport = _DeletedUsersKeepTheirPolicies(client._transport, seen)
        return client

    monkeypatch.setattr(ClientPool, "_new_client", rewriting)
    return seen


@pytest.fixture
def product(sb: Harness, tmp_path: Path, urls: list[str]) -> Iterator[Product]:
    """The product wired to the shared sandbox through the rewriting transport."""
    installed = Product.create(sb, f"sqlite:///{tmp_path / 'bot.db'}")
    yield installed
    installed.close()


async def test_removal_leaves_a_soft_deleted_holder_alone_and_succeeds(
    sb: Harness, product: Product, urls: list[str]
) -> None:
    """The live holder is unassigned; the one in the recycle bin is neither granted nor has
    its numbers looked up, and the removal ends as succeeded."""
    tenant, newcomers = _tenant(sb, 12, {})
    product.onboard(tenant)
    run = await product.converge(await product.start(tenant))
    assert run.status == RunStatus.SUCCEEDED, (run.error, run.hint)
    enabled = enable_users(sb, tenant, newcomers)
    leaver = newcomers[enabled[0]]
    response = sb.graph(tenant).delete(f"/users/{leaver}")
    assert response.status_code == 204, response.text
    listed: dict[str, Any] = sb.teams(tenant).get("/Teams.User/users").json()
    assert any(u["objectId"] == leaver and u["softDeletionTimestamp"] for u in listed["users"])
    urls.clear()

    removal = await product.converge(await product.start(tenant, RunKind.REMOVE))

    assert removal.status == RunStatus.SUCCEEDED, (removal.error, removal.hint)
    notes = [e.message for e in product.runtime.store.events(removal.id) if e.kind == "step_done"]
    assert "Unassigned 1 user(s)." in notes
    assert not [u for u in urls if leaver in u]
    assert enabled[1] not in sb.state(tenant)["voice"]["users"]
