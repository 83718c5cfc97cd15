"""A tenant's complete state as JSON, for tests that diff a tenant before and after."""

from __future__ import annotations

from typing import Any

from sandbox.catalog.licences import SKUS_BY_ID
from sandbox.catalog.roles import ROLES_BY_ID
from sandbox.clock import iso
from sandbox.directory.tenant import Tenant
from sandbox.voice.configuration import listing
from sandbox.voice.numbers import settle
from sandbox.voice.users import user_voice


def tenant_summary(tenant: Tenant) -> dict[str, Any]:
    """Id, name, initial domain, admins and counts."""
    admins = [
        {
            "userPrincipalName": u.user_principal_name,
            "id": u.id,
            "roles": sorted(ROLES_BY_ID[r].name for r in u.roles),
        }
        for u in tenant.users.values()
        if u.roles
    ]
    return {
        "id": tenant.id,
        "displayName": tenant.display_name,
        "initialDomain": tenant.initial_domain.name,
        "users": len(tenant.users),
        "admins": admins,
    }


def voice_state(tenant: Tenant, now: float) -> dict[str, Any]:
    """Every Teams voice object, each user's effective grants, numbers and pending operations."""
    settle(tenant, now)
    voice = tenant.voice
    users: dict[str, Any] = {}
    for user in tenant.users_after(0):
        view = user_voice(tenant, user, now)
        pending = {
            kind: history[-1].policy
            for (uid, kind), history in voice.grants.items()
            if uid == user.id and history and history[-1].effective_at > now
        }
        if view.numbers or any(p != "Global" for p in view.policies.values()) or pending:
            users[user.user_principal_name] = {
                "accountType": view.account_type,
                "enterpriseVoiceEnabled": view.enterprise_voice_enabled,
                "numbers": [n.telephone_number for n in view.numbers],
                "policies": view.policies,
                "pendingGrants": pending,
            }
    return {
        "TenantDialPlan": listing(voice, "TenantDialPlan"),
        "OnlineVoiceRoutingPolicy": listing(voice, "OnlineVoiceRoutingPolicy"),
        "OnlinePstnUsages": list(voice.usages),
        "OnlinePSTNGateway": listing(voice, "OnlinePSTNGateway"),
        "OnlineVoiceRoute": listing(voice, "OnlineVoiceRoute"),
        "users": users,
        "operations": [
            {
                "id": op.id,
                "kind": op.kind,
                "telephoneNumber": op.telephone_number,
                "status": op.status,
                "statusDetail": op.status_detail,
            }
            for op in voice.operations.values()
        ],
    }


def tenant_state(tenant: Tenant, now: float) -> dict[str, Any]:
    """Everything the sandbox holds about ``tenant``; users in the recycle bin apart."""
    deleted = tenant.deleted_users(now)
    return {
        **tenant_summary(tenant),
        "createdDateTime": iso(tenant.created_at),
        "knobs": tenant.knobs.to_json(),
        "domains": [
            {
                "id": d.name,
                "isVerified": d.is_verified,
                "isInitial": d.is_initial,
                "isDefault": d.is_default,
                "isRoot": d.is_root and d.is_verified,
                "verificationText": f"MS={d.verification_code}",
                "supportedServices": list(d.supported_services),
            }
            for d in tenant.domains.values()
        ],
        "subscribedSkus": [
            {
                "skuId": s.sku_id,
                "skuPartNumber": SKUS_BY_ID[s.sku_id].part_number,
                "enabled": s.enabled_units,
                "consumed": s.consumed_units,
                "free": s.free_units,
                "servicePlanIds": sorted(SKUS_BY_ID[s.sku_id].plan_ids()),
            }
            for s in tenant.subscriptions.values()
        ],
        "users": [
            {
                "id": u.id,
                "userPrincipalName": u.user_principal_name,
                "displayName": u.display_name,
                "accountEnabled": u.account_enabled,
                "usageLocation": u.usage_location,
                "licenses": sorted(SKUS_BY_ID[s].part_number for s in u.licences),
                "enabledPlans": sorted(u.enabled_plan_ids()),
                "roles": sorted(ROLES_BY_ID[r].name for r in u.roles),
            }
            for u in tenant.users_after(0)
        ],
        "deletedUsers": [
            {
                "id": u.id,
                "userPrincipalName": u.user_principal_name,
                "displayName": u.display_name,
                "deletedDateTime": iso(u.deleted_at or now),
                "licenses": sorted(SKUS_BY_ID[s].part_number for s in u.licences),
                "roles": sorted(ROLES_BY_ID[r].name for r in u.roles),
            }
            for u in deleted
        ],
        "voice": voice_state(tenant, now),
        "consents": {
            client: {
                "tenantWide": sorted(c.tenant_wide),
                "byUser": {uid: sorted(s) for uid, s in c.by_user.items()},
                "appRoles": sorted(c.app_roles),
            }
            for client, c in tenant.consents.items()
        },
    }
