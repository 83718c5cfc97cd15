"""Full provisioning, then removal, through the real adapters against the sandbox
(issue "provisioning engine": the diff shows exactly our objects added, then removed)."""

from __future__ import annotations

import pytest

from provisioning.identity.scopes import Purpose
from provisioning.integrations import Refused
from provisioning.readiness import Status
from storage.runs import RunKind, RunStatus
from storage.tenants import TenantState
from tests.support.harness import Harness, SeededTenant
from tests.support.product import Product, added_objects, facts, object_counts
from tests.support.voice import enable_users, give_our_policy_to_a_resource_account


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
    """SPEC step 2: every check passes (a free Office 365 E1 seat for the gateway user)."""
    tenant = sb.make_tenant(
        users=20, teams_phone_share=0.5, free_seats={"STANDARDPACK": 1}, resource_accounts=1
    )
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
    product.runtime.tenants.upsert(signed.tenant_id, "T", tenant.domain, 0)
    checks = {c.key: c for c in await product.runtime.integrations.readiness(tenant.id)}
    assert checks["roles"].status == Status.FAIL
    assert "User Administrator" in checks["roles"].detail
    assert "Domain Name Administrator" in checks["roles"].detail
    assert checks["licence"].status == Status.FAIL
    assert "MCOSTANDARD" in checks["licence"].fix
    assert checks["teams_phone"].status == Status.WARN


async def test_readiness_warns_when_only_standalone_mcostandard_is_free(
    sb: Harness, product: Product
) -> None:
    """F8: the original product's licence may not activate the domain: a warning, not a block."""
    tenant = _tenant(sb)
    product.onboard(tenant)
    checks = {c.key: c for c in await product.runtime.integrations.readiness(tenant.id)}
    assert checks["licence"].status == Status.WARN
    assert "E1, E3 or E5" in checks["licence"].detail


async def test_full_provisioning_then_removal_touches_only_our_objects(
    sb: Harness, product: Product
) -> None:
    """Provisioning adds exactly our objects, each once; removal takes exactly them away."""
    tenant = _tenant(sb)
    before, counted = facts(sb, tenant), object_counts(sb, tenant)
    product.onboard(tenant)
    run_id = await product.start(tenant)
    await product.runner().drain()
    run = product.run(run_id)
    assert run.status == RunStatus.SUCCEEDED, (run.error, run.hint)

    after = facts(sb, tenant)
    sbc = f"{tenant.domain.split('.')[0]}.gbr-lon-tgw.{sb.endpoints.zone}"
    added = after - before
    assert before - after == {"sku MCOSTANDARD consumed=0"}
    assert f"domain {sbc} verified=True" in added
    assert f"user callroute.teams@{sbc} licences=MCOSTANDARD" in added
    assert "usage Callroute-E164" in added
    assert added_objects(counted, object_counts(sb, tenant)) == {
        "users": 1,
        "domains": 1,
        "usages": 1,
        "consumed_seats": 1,
        "TenantDialPlan": 1,
        "OnlineVoiceRoutingPolicy": 1,
        "OnlinePSTNGateway": 1,
        "OnlineVoiceRoute": 1,
        "dns_records": 3,
    }
    gateway = next(f for f in added if f.startswith("OnlinePSTNGateway"))
    assert '"Enabled": true' in gateway
    assert '"SipSignalingPort": 5061' in gateway
    tenant_record = product.runtime.tenants.get(tenant.id)
    assert tenant_record is not None
    assert tenant_record.state == TenantState.INTEGRATED

    # Users enabled on our platform (policy, dial plan, a number each), and a resource account
    # given our policy; another provider's resource account is left as it is.
    enabled = _enable_users(sb, tenant, count=2)
    ours_ra = give_our_policy_to_a_resource_account(sb, tenant)
    # Microsoft's number removals take a moment: removal follows them to their end.
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"number_operation_seconds": 1})
    removal_id = await product.start(tenant, RunKind.REMOVE)
    await product.runner().drain()
    removal = product.run(removal_id)
    assert removal.status == RunStatus.SUCCEEDED, (removal.error, removal.hint)
    assert facts(sb, tenant) - {f for f in facts(sb, tenant) if ours_ra in f} == before - {
        f for f in before if ours_ra in f
    }
    assert object_counts(sb, tenant) == counted
    assert product.runtime.vault.purposes(tenant.id) == []
    voice_users = sb.state(tenant)["voice"]["users"]
    assert not set(enabled) & set(voice_users)
    assert voice_users[ours_ra]["numbers"]  # its number stays
    events = [
        (e.kind, e.message)
        for e in product.runtime.store.events(removal_id)
        if e.step == "unassign_users"
    ]
    assert ("step_waiting", "Removing phone numbers from 2 user(s)") in events
    done = next(message for kind, message in events if kind == "step_done")
    assert done.startswith("Unassigned 2 user(s).")
    assert ours_ra in done


async def test_a_name_clash_is_refused_before_anything_is_written(
    sb: Harness, product: Product
) -> None:
    """M5: a dial plan called ``Callroute-E164`` that the bot did not make stops the start."""
    tenant = _tenant(sb)
    product.onboard(tenant)
    response = sb.teams(tenant).post(
        "/Skype.Policy/configurations/TenantDialPlan",
        json={"Identity": "Callroute-E164", "Description": "someone else's"},
    )
    assert response.status_code in (200, 201), response.text
    before = facts(sb, tenant)
    with pytest.raises(Refused) as refused:
        await product.start(tenant)
    assert refused.value.code == "name_clash"
    assert "Callroute-E164" in refused.value.reason
    assert facts(sb, tenant) == before


def _enable_users(sb: Harness, tenant: SeededTenant, count: int) -> list[str]:
    """Give ``count`` Teams Phone users our policy, dial plan and a number (as the bot will)."""
    state = sb.state(tenant)
    voice_users = state["voice"]["users"]
    candidates = [
        u
        for u in state["users"]
        if "ENTERPRISEPREMIUM" in u["licenses"]
        and u["userPrincipalName"] not in voice_users
        and not u["roles"]
    ][:count]
    return enable_users(sb, tenant, {u["userPrincipalName"]: u["id"] for u in candidates})
