"""Fixtures for the Teams admin API: a tenant, its admin's client, a verified SBC domain."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from tests.support.harness import Graph, Harness, SeededTenant, user_body
from tests.support.provider_dns import ProviderDns

MCOSTANDARD = "d42c793f-6c78-4f43-92ca-e8f6a02b035f"


@pytest.fixture
def tenant(sb: Harness) -> SeededTenant:
    """A small tenant with a few MCOSTANDARD and E1 seats, for the SBC domains a test activates."""
    return sb.make_tenant(
        users=30,
        teams_phone_share=2 / 3,
        unlicensed_share=1 / 6,
        free_seats={"MCOSTANDARD": 5, "STANDARDPACK": 2},
    )


@pytest.fixture
def teams(sb: Harness, tenant: SeededTenant) -> Graph:
    """The Teams admin API as the tenant's Global Administrator."""
    return sb.teams(tenant)


@pytest.fixture
def sbc_domain(sb: Harness, tenant: SeededTenant, admin_graph: Graph) -> Callable[..., str]:
    """Make an SBC domain usable for Direct Routing: registered, verified, licensed user
    (standalone MCOSTANDARD unless ``sku`` says otherwise).

    Verification goes through the sandbox's own provider zone, so it is exercised too.
    """

    def make(licensed: bool = True, verified: bool = True, sku: str = MCOSTANDARD) -> str:
        name = f"c{uuid.uuid4().hex[:8]}.gbr-lon-tgw.{sb.endpoints.zone}"
        assert admin_graph.post("/domains", json={"id": name}).status_code == 201
        if verified:
            records = admin_graph.get(f"/domains/{name}/verificationDnsRecords").json()["value"]
            text = next(r["text"] for r in records if r["recordType"] == "Txt")
            ProviderDns(sb.endpoints).set_txt(name + ".", text)
            assert admin_graph.post(f"/domains/{name}/verify").status_code == 200
        if licensed:
            user = admin_graph.post("/users", json=user_body(f"gw@{name}", usageLocation="GB"))
            assert user.status_code == 201, user.text
            licence = admin_graph.post(
                f"/users/{user.json()['id']}/assignLicense",
                json={"addLicenses": [{"skuId": sku}], "removeLicenses": []},
            )
            assert licence.status_code == 200, licence.text
        return name

    return make


@pytest.fixture
def modes(sb: Harness, tenant: SeededTenant) -> Callable[..., None]:
    """Set the tenant's ``teams_admin`` knobs (the alternatives Microsoft leaves undocumented)."""

    def set_modes(**values: object) -> None:
        response = sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"teams_admin": values})
        assert response.status_code == 200, response.text

    return set_modes
