"""A tenant as provisioning leaves it, without running it: our dial plan and voice routing
policy in Teams and the tenant integrated in the product's database (user activation tests);
users and resource accounts given our voice settings as the bot or an admin would."""

from __future__ import annotations

import asyncio

from sqlalchemy import func
from sqlmodel import Session, col, select

from provisioning.integrations import UserStatus, UserView
from storage.runs import ACTIVE, RunRecord
from storage.tenants import TenantRecord, TenantState
from tests.support.harness import Harness, SeededTenant
from tests.support.product import Product

POLICY = "Callroute-E164"
MCOEV = "4828c8ec-dc2e-4779-b502-87ac9ce28ab7"  # Teams Phone (the sandbox's catalogue)
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


def give_our_policy_to_a_resource_account(sb: Harness, tenant: SeededTenant) -> str:
    """The seeded resource account (it has a number) is granted our voice routing policy."""
    state = sb.state(tenant)
    account = next(
        upn for upn, u in state["voice"]["users"].items() if u["accountType"] == "resourceAccount"
    )
    user_id = next(u["id"] for u in state["users"] if u["userPrincipalName"] == account)
    response = sb.teams(tenant).patch(
        f"/Skype.Policy/users/{user_id}/policies/OnlineVoiceRoutingPolicy",
        json={"PolicyName": POLICY},
    )
    assert response.status_code == 204, response.text
    return str(account)


def enable_users(sb: Harness, tenant: SeededTenant, users: dict[str, str]) -> list[str]:
    """Our policy, dial plan and a number for ``users`` (UPN → id), as the bot gives them;
    their UPNs."""
    graph, teams = sb.graph(tenant), sb.teams(tenant)
    for index, user_id in enumerate(users.values()):
        for kind in ("OnlineVoiceRoutingPolicy", "TenantDialPlan"):
            response = teams.patch(
                f"/Skype.Policy/users/{user_id}/policies/{kind}", json={"PolicyName": POLICY}
            )
            assert response.status_code == 204, response.text
        response = graph.post(
            "/admin/teams/telephoneNumberManagement/numberAssignments/assignNumber",
            json={
                "telephoneNumber": f"+4420700000{index:02d}",
                "assignmentTargetId": user_id,
                "numberType": "directRouting",
            },
        )
        assert response.status_code == 202, response.text
    return list(users)


async def inactive_users(product: Product, tenant: SeededTenant, count: int) -> list[UserView]:
    """The first ``count`` synced users who may be activated (licensed, no voice)."""
    users = product.runtime.integrations.users
    found: list[UserView] = []
    offset = 0
    while len(found) < count:
        page = await users.page(tenant.id, None, offset)
        if not page.users:
            break
        found += [u for u in page.users if u.status == UserStatus.INACTIVE]
        offset += len(page.users)
    return found[:count]


async def run_until_ended(
    product: Product, runs: list[str], within: float = 240.0, poll: float = 0.2
) -> dict[str, int]:
    """Runners in this process work until every run has ended; how many ended in each status."""
    stop = asyncio.Event()
    work = asyncio.create_task(product.runner().run_forever(stop))
    active = {s.value for s in ACTIVE}
    try:
        async with asyncio.timeout(within):
            while True:
                with Session(product.runtime.engine) as session:
                    counts = dict(
                        session.exec(
                            select(RunRecord.status, func.count())
                            .where(col(RunRecord.id).in_(runs))
                            .group_by(col(RunRecord.status))
                        ).all()
                    )
                if not active & set(counts):
                    return counts
                await asyncio.sleep(poll)
    finally:
        stop.set()
        await work
