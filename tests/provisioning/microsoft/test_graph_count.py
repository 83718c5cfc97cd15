"""The product counts users through the sandbox's Graph when ``/$count`` starts with a
byte-order mark (fidelity review F14: some OData services send one, oasis-tcs/odata-specs#325)."""

from __future__ import annotations

import httpx

from provisioning.microsoft.adapters.graph_directory import GraphDirectory
from provisioning.microsoft.adapters.http import JsonApi
from provisioning.microsoft.errors import GRAPH
from tests.support.harness import Harness

MCOEV_PLAN = "4828c8ec-dc2e-4779-b502-87ac9ce28ab7"  # Teams Phone, in every E5


async def test_users_with_a_plan_are_counted_past_a_byte_order_mark(sb: Harness) -> None:
    """The tenant's 20 Teams Phone users, counted although the answer starts with a BOM."""
    tenant = sb.make_tenant(users=30, teams_phone_share=2 / 3)
    response = sb.control.patch(
        f"/tenants/{tenant.id}/knobs", json={"count_byte_order_mark": "utf-8"}
    )
    assert response.status_code == 200, response.text
    token = sb.graph(tenant).token

    async def bearer() -> str:
        return token

    async with httpx.AsyncClient(verify=sb.endpoints.ssl_context()) as client:
        directory = GraphDirectory(JsonApi(GRAPH, client, sb.endpoints.graph, bearer))
        assert await directory.count_users_with_plan(MCOEV_PLAN) == 20
