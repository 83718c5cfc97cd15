"""Full provisioning, then removal, through the real adapters against the sandbox
(issue "provisioning engine": the diff shows exactly our objects added, then removed)."""

from __future__ import annotations

from provisioning.ports.identity import Purpose
from provisioning.readiness import Status
from storage.runs import RunKind, RunStatus
from storage.tenants import TenantState
from tests.support.harness import Harness, SeededTenant
from tests.support.product import Product, facts


def _tenant(sb: Harness) -> SeededTenant:
    """A tenant that already has another provider's Direct Routing setup."""
    return sb.make_tenant(
        users=20,
        teams_phone_share=0.5,
        unlicensed_share=0.1,
        free_seats={"MCOSTANDARD": 1},
        other_provider={"name": "Fabrikam Voice", "users": 3},
        resource_accounts=1,
    )


async def test_readiness_passes_on_a_ready_tenant(sb: Harness, product: Product) -> None:
    """SPEC step 2: every check passes; nothing blocks."""
    tenant = _tenant(sb)
    product.onboard(tenant)
    checks = await product.runtime.integrations.readiness(tenant.id)
    assert {c.key: c.status for c in checks} == {
        "roles": Status.PASS,
        "licence": Status.PASS,
        "initial_domain": Status.PASS,
        "teams_phone": Status.PASS,
        "not_integrated": Status.PASS,
        "sbc_fqdn": Status.PASS,
        "provider_zone": Status.PASS,
    }


async def test_readiness_names_missing_roles_and_licences(sb: Harness, product: Product) -> None:
    """Each failing check says what is wrong and how to fix it."""
    tenant = sb.make_tenant(users=5, teams_phone_share=0.0)
    upn = sb.state(tenant)["users"][-1]["userPrincipalName"]
    sb.control.patch(f"/tenants/{tenant.id}/users/{upn}", json={"roles": ["Teams Administrator"]})
    signed = product.sign_in(tenant, Purpose.GRAPH, upn)
    product.runtime.store.upsert_tenant(signed.tenant_id, "T", tenant.domain, 0)
    checks = {c.key: c for c in await product.runtime.integrations.readiness(tenant.id)}
    assert checks["roles"].status == Status.FAIL
    assert "User Administrator" in checks["roles"].detail
    assert "Domain Name Administrator" in checks["roles"].detail
    assert checks["licence"].status == Status.FAIL
    assert "MCOSTANDARD" in checks["licence"].fix
    assert checks["teams_phone"].status == Status.WARN


async def test_full_provisioning_then_removal_touches_only_our_objects(
    sb: Harness, product: Product
) -> None:
    """Provisioning adds exactly our objects; removal takes exactly them away again."""
    tenant = _tenant(sb)
    before = facts(sb, tenant)
    product.onboard(tenant)
    run_id = product.start(tenant)
    await product.runner().drain()
    run = product.run(run_id)
    assert run.status == RunStatus.SUCCEEDED, (run.error, run.hint)

    after = facts(sb, tenant)
    sbc = f"{tenant.domain.split('.')[0]}.gbr-lon-tgw.{sb.endpoints.zone}"
    added = after - before
    assert before - after == {"sku MCOSTANDARD consumed=0"}
    assert f"domain {sbc} verified=True" in added
    assert f"user callroute.teams@{sbc} licences=MCOSTANDARD" in added
    assert "sku MCOSTANDARD consumed=1" in added
    assert "usage Callroute-E164" in added
    kinds = sorted(f.split(" ", 1)[0] for f in added)
    assert kinds == [
        "OnlinePSTNGateway",
        "OnlineVoiceRoute",
        "OnlineVoiceRoutingPolicy",
        "TenantDialPlan",
        "dns",
        "dns",
        "dns",
        "domain",
        "sku",
        "usage",
        "user",
    ]
    gateway = next(f for f in added if f.startswith("OnlinePSTNGateway"))
    assert '"Enabled": true' in gateway
    assert '"SipSignalingPort": 5061' in gateway
    tenant_record = product.runtime.store.tenant(tenant.id)
    assert tenant_record is not None
    assert tenant_record.state == TenantState.INTEGRATED

    # Users enabled on our platform: our policy and dial plan, and a number each.
    enabled = _enable_users(sb, tenant, count=2)
    removal_id = product.start(tenant, RunKind.REMOVE)
    await product.runner().drain()
    removal = product.run(removal_id)
    assert removal.status == RunStatus.SUCCEEDED, (removal.error, removal.hint)
    assert facts(sb, tenant) == before
    assert product.runtime.vault.purposes(tenant.id) == []
    voice_users = sb.state(tenant)["voice"]["users"]
    assert not set(enabled) & set(voice_users)
    events = [
        (e.kind, e.message)
        for e in product.runtime.store.events(removal_id)
        if e.step == "unassign_users"
    ]
    assert ("step_waiting", "Removing phone numbers from 2 user(s)") in events
    done = next(message for kind, message in events if kind == "step_done")
    assert "Resource accounts with phone numbers were left as they are" in done
    assert "ra-1@" in done


def _enable_users(sb: Harness, tenant: SeededTenant, count: int) -> list[str]:
    """Give ``count`` Teams Phone users our policy, dial plan and a number (as the bot will)."""
    graph, teams = sb.graph(tenant), sb.teams(tenant)
    state = sb.state(tenant)
    voice_users = state["voice"]["users"]
    candidates = [
        u
        for u in state["users"]
        if "ENTERPRISEPREMIUM" in u["licenses"]
        and u["userPrincipalName"] not in voice_users
        and not u["roles"]
    ][:count]
    for index, user in enumerate(candidates):
        for kind in ("OnlineVoiceRoutingPolicy", "TenantDialPlan"):
            response = teams.patch(
                f"/Skype.Policy/users/{user['id']}/policies/{kind}",
                json={"PolicyName": "Callroute-E164"},
            )
            assert response.status_code == 204, response.text
        response = graph.post(
            "/admin/teams/telephoneNumberManagement/numberAssignments/assignNumber",
            json={
                "telephoneNumber": f"+4420700000{index:02d}",
                "assignmentTargetId": user["id"],
                "numberType": "directRouting",
            },
        )
        assert response.status_code == 202, response.text
    return [u["userPrincipalName"] for u in candidates]
