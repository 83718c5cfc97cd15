"""A tenant as provisioning leaves it, without running it: our dial plan and voice routing
policy in Teams and the tenant integrated in the product's database (user activation tests)."""

from __future__ import annotations

from sqlmodel import Session

from storage.tenants import TenantRecord, TenantState
from tests.support.harness import Harness, SeededTenant
from tests.support.product import Product

POLICY = "Callroute-E164"
_CONFIG = "/Skype.Policy/configurations"


def as_if_integrated(sb: Harness, product: Product, tenant: SeededTenant) -> None:
    """Our PSTN usage, dial plan and voice routing policy exist; the tenant is integrated."""
    teams = sb.teams(tenant)
    path = f"{_CONFIG}/OnlinePstnUsages/configuration/Global"
    existing = teams.get(path).json()
    listed = existing.get("Usage") or existing.get("usage") or []
    usages = teams.put(path, json={"Usage": [*listed, POLICY]})
    assert usages.status_code == 200, usages.text
    for kind, body in (
        ("TenantDialPlan", {"Identity": POLICY}),
        ("OnlineVoiceRoutingPolicy", {"Identity": POLICY, "OnlinePstnUsages": [POLICY]}),
    ):
        response = teams.post(f"{_CONFIG}/{kind}", json=body)
        assert response.status_code == 201, response.text
    with Session(product.runtime.engine) as session:
        record = session.get(TenantRecord, tenant.id)
        assert record is not None
        record.state = TenantState.INTEGRATED.value
        session.add(record)
        session.commit()
