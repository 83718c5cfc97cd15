"""JSON shapes of Graph entities, built from directory objects (graph-entra.md §3.2–3.5)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from sandbox.catalog.licences import SKUS_BY_ID
from sandbox.catalog.roles import ROLES_BY_ID
from sandbox.clock import iso
from sandbox.directory.model import Domain, Subscription, User
from sandbox.directory.tenant import Tenant
from sandbox.graph import errors

USER_PROPS: dict[str, Callable[[User], Any]] = {
    "id": lambda u: u.id,
    "userPrincipalName": lambda u: u.user_principal_name,
    "displayName": lambda u: u.display_name,
    "givenName": lambda u: u.given_name,
    "surname": lambda u: u.surname,
    "mail": lambda u: u.mail,
    "mailNickname": lambda u: u.mail_nickname,
    "jobTitle": lambda u: u.job_title,
    "department": lambda u: u.department,
    "mobilePhone": lambda u: u.mobile_phone,
    "officeLocation": lambda u: u.office_location,
    "preferredLanguage": lambda u: u.preferred_language,
    "businessPhones": lambda u: list(u.business_phones),
    "accountEnabled": lambda u: u.account_enabled,
    "usageLocation": lambda u: u.usage_location,
    "assignedLicenses": lambda u: u.assigned_licenses(),
    "assignedPlans": lambda u: u.assigned_plans(),
    "createdDateTime": lambda u: iso(u.created_at),
    "userType": lambda u: "Member",
    "passwordProfile": lambda u: None,  # Graph never returns the password.
    "proxyAddresses": lambda u: [f"SMTP:{u.mail}"] if u.mail else [],
    "onPremisesSyncEnabled": lambda u: None,
    "deletedDateTime": lambda u: iso(u.deleted_at) if u.deleted_at is not None else None,
}

USER_DEFAULT = (
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
)


def resolve_select(
    select: list[str] | None, props: dict[str, Any], type_name: str, default: tuple[str, ...]
) -> tuple[str, ...]:
    """The properties to return: the ``$select`` list checked against the type, or the default."""
    if not select:
        return default
    resolved: list[str] = []
    lowered = {p.lower(): p for p in props}
    for name in select:
        prop = lowered.get(name.lower())
        if prop is None:
            raise errors.bad_request(
                f"Could not find a property named '{name}' on type 'microsoft.graph.{type_name}'."
            )
        if prop not in resolved:
            resolved.append(prop)
    if "id" not in resolved:
        resolved.append("id")
    return tuple(resolved)


def user_json(user: User, select: tuple[str, ...]) -> dict[str, Any]:
    """A user with the selected properties."""
    return {name: USER_PROPS[name](user) for name in select}


def domain_json(domain: Domain, availability: str | None = None) -> dict[str, Any]:
    """A domain; ``availability`` only in the answer to ``verify``.

    resources/domain.md: availabilityStatus "is always null except when the verify action is
    used"; isRoot is "false if the domain is a subdomain or unverified" (review F15).
    """
    return {
        "authenticationType": "Managed",
        "availabilityStatus": availability,
        "id": domain.name,
        "isAdminManaged": True,
        "isDefault": domain.is_default,
        "isInitial": domain.is_initial,
        "isRoot": domain.is_root and domain.is_verified,
        "isVerified": domain.is_verified,
        "passwordNotificationWindowInDays": None,
        "passwordValidityPeriodInDays": None,
        "state": None,
        "supportedServices": list(domain.supported_services),
    }


def verification_records(domain: Domain) -> list[dict[str, Any]]:
    """The TXT and MX records Microsoft asks for to prove ownership of ``domain``."""
    return [
        {
            "@odata.type": "#microsoft.graph.domainDnsTxtRecord",
            "id": f"aceff52c-06a5-447f-ac5f-{domain.verification_code[2:]}0000",
            "isOptional": False,
            "label": domain.name,
            "recordType": "Txt",
            "supportedService": "Email",
            "text": f"MS={domain.verification_code}",
            "ttl": 3600,
        },
        {
            "@odata.type": "#microsoft.graph.domainDnsMxRecord",
            "id": f"5fbde38c-0865-497f-82b1-{domain.verification_code[2:]}0000",
            "isOptional": False,
            "label": domain.name,
            "recordType": "Mx",
            "supportedService": "Email",
            "mailExchange": f"{domain.verification_code}.msv1.invalid",
            "preference": 32767,
            "ttl": 3600,
        },
    ]


def _record(kind: str, domain: Domain, label: str, supported: str, **fields: Any) -> dict[str, Any]:
    digest = hashlib.sha256(f"{domain.name}/{kind}/{label}".encode()).hexdigest()
    return {
        "@odata.type": f"#microsoft.graph.domainDns{kind}Record",
        "id": str(uuid.UUID(digest[:32])),
        "isOptional": False,
        "label": label,
        "recordType": kind,
        "supportedService": supported,
        "ttl": 3600,
        **fields,
    }


def service_records(domain: Domain) -> list[dict[str, Any]]:
    """The records the domain's enabled services need (``serviceConfigurationRecords``).

    Records exist for the services the domain has "indicated" it will use
    (Azure/azure-docs-powershell-azuread Get-AzureADDomainServiceConfigurationRecord.md, whose
    example lists, for Email: MX, TXT, CNAME autodiscover; for OfficeCommunicationsOnline: SRV
    _sip._tls, CNAME sip, CNAME lyncdiscover, SRV _sipfederationtls._tcp). Values follow Graph's
    domain-list-serviceconfigurationrecords example and the Teams DNS targets.
    """
    name = domain.name
    out: list[dict[str, Any]] = []
    if "Email" in domain.supported_services:
        out += [
            _record(
                "Mx",
                domain,
                name,
                "Email",
                mailExchange=f"{name.replace('.', '-')}.mail.protection.outlook.com",
                preference=0,
            ),
            _record(
                "Txt", domain, name, "Email", text="v=spf1 include:spf.protection.outlook.com ~all"
            ),
            _record(
                "CName",
                domain,
                f"autodiscover.{name}",
                "Email",
                canonicalName="autodiscover.outlook.com",
            ),
        ]
    if "OfficeCommunicationsOnline" in domain.supported_services:
        sip = "OfficeCommunicationsOnline"
        out += [
            _record(
                "Srv",
                domain,
                f"_sip._tls.{name}",
                sip,
                nameTarget="sipdir.online.lync.com",
                port=443,
                priority=100,
                protocol="_tls",
                service="_sip",
                weight=1,
            ),
            _record("CName", domain, f"sip.{name}", sip, canonicalName="sipdir.online.lync.com"),
            _record(
                "CName",
                domain,
                f"lyncdiscover.{name}",
                sip,
                canonicalName="webdir.online.lync.com",
            ),
            _record(
                "Srv",
                domain,
                f"_sipfederationtls._tcp.{name}",
                sip,
                nameTarget="sipfed.online.lync.com",
                port=5061,
                priority=100,
                protocol="_tcp",
                service="_sipfederationtls",
                weight=1,
            ),
        ]
    return out


def sku_json(tenant: Tenant, sub: Subscription) -> dict[str, Any]:
    """A ``subscribedSku``."""
    sku = SKUS_BY_ID[sub.sku_id]
    return {
        "accountId": tenant.id,
        "accountName": tenant.display_name,
        "appliesTo": "User",
        "capabilityStatus": sub.capability_status,
        "consumedUnits": sub.consumed_units,
        "id": f"{tenant.id}_{sku.id}",
        "prepaidUnits": {
            "enabled": sub.enabled_units,
            "lockedOut": sub.locked_out_units,
            "suspended": sub.suspended_units,
            "warning": sub.warning_units,
        },
        "servicePlans": [
            {
                "servicePlanId": p.id,
                "servicePlanName": p.name,
                "provisioningStatus": "Success",
                "appliesTo": "User",
            }
            for p in sku.plans
        ],
        "skuId": sku.id,
        "skuPartNumber": sku.part_number,
        "subscriptionIds": [sub.subscription_id],
    }


def organization_json(tenant: Tenant, full: bool) -> dict[str, Any]:
    """The tenant's ``organization``; with only ``User.Read`` just id, name and domains."""
    verified = [
        {
            "capabilities": "Email, OfficeCommunicationsOnline" if d.is_initial else "None",
            "isDefault": d.is_default,
            "isInitial": d.is_initial,
            "name": d.name,
            "type": "Managed",
        }
        for d in tenant.domains.values()
        if d.is_verified
    ]
    org: dict[str, Any] = {
        "id": tenant.id,
        "displayName": tenant.display_name,
        "verifiedDomains": verified,
    }
    if not full:
        return org
    plans: list[dict[str, Any]] = []
    for sub in tenant.subscriptions.values():
        for plan in SKUS_BY_ID[sub.sku_id].plans:
            plans.append(
                {
                    "assignedDateTime": iso(tenant.created_at),
                    "capabilityStatus": sub.capability_status,
                    "service": plan.service,
                    "servicePlanId": plan.id,
                }
            )
    org.update(
        {
            "assignedPlans": plans,
            "businessPhones": [],
            "city": None,
            "country": None,
            "countryLetterCode": tenant.country,
            "createdDateTime": iso(tenant.created_at),
            "onPremisesSyncEnabled": None,
            "postalCode": None,
            "preferredLanguage": "en",
            "tenantType": "AAD",
            "technicalNotificationMails": [],
        }
    )
    return org


def role_json(tenant: Tenant, template_id: str, readable: bool) -> dict[str, Any]:
    """An activated ``directoryRole`` as membership queries return it.

    A caller that may not read directory roles gets them "with limited information": "only the
    @odata.type property for the object type and the id is returned, while other properties are
    indicated as null" (microsoft-graph-docs-contrib api-reference/includes/limited-info.md).
    """
    role = ROLES_BY_ID[template_id]
    return {
        "@odata.type": "#microsoft.graph.directoryRole",
        "id": tenant.role_instance_id(template_id),
        "deletedDateTime": None,
        "description": role.description if readable else None,
        "displayName": role.name if readable else None,
        "roleTemplateId": role.id if readable else None,
    }
