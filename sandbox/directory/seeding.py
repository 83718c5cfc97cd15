"""Creating and filling tenants: users, licences and free seats, administrators, consents.

Seeding is deterministic for a given ``seed`` (ids included), and fast: 100,000 users take
about a second, because licences are attached directly instead of through ``assignLicense``.
"""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from sandbox.catalog.licences import SKUS_BY_ID, sku
from sandbox.catalog.resources import GRAPH, RESOURCES, parse_scope
from sandbox.catalog.roles import role
from sandbox.directory.model import LicenceGrant, User, new_guid
from sandbox.directory.store import Directory
from sandbox.directory.tenant import Tenant
from sandbox.knobs import TenantKnobs
from sandbox.voice.seeding import OtherProvider, seed_other_provider, seed_resource_accounts

_FIRST = (
    "Adele",
    "Alex",
    "Allan",
    "Anna",
    "Bianca",
    "Brian",
    "Carlos",
    "Chen",
    "Christie",
    "Dana",
    "Debra",
    "Diego",
    "Elena",
    "Emily",
    "Enrico",
    "Fatima",
    "Grady",
    "Hana",
    "Henrietta",
    "Irvin",
    "Isaiah",
    "Jonas",
    "Joni",
    "Karin",
    "Lee",
    "Lidia",
    "Lynne",
    "Megan",
    "Miriam",
    "Nestor",
    "Nora",
    "Omar",
    "Patti",
    "Pradeep",
    "Priya",
    "Quentin",
    "Raul",
    "Rosa",
    "Sanjay",
    "Sofia",
    "Tariq",
    "Ulla",
    "Vera",
    "Wei",
    "Xavier",
    "Yara",
    "Zoe",
)
_LAST = (
    "Vance",
    "Wilber",
    "Deyoung",
    "Kowalski",
    "Pinto",
    "Johnson",
    "Garcia",
    "Wang",
    "Cline",
    "Hughes",
    "Zrinski",
    "Morales",
    "Petrova",
    "Gibbs",
    "Rossi",
    "Haddad",
    "Archie",
    "Sato",
    "Schwartz",
    "Sink",
    "Bowen",
    "Becker",
    "Sherman",
    "Larsen",
    "Gu",
    "Holloway",
    "Robbins",
    "Bowen",
    "Bower",
    "Wilson",
    "Ahmed",
    "Fernandes",
    "Kumar",
    "Patel",
    "Leblanc",
    "Lopez",
    "Marino",
    "Svensson",
    "Meyer",
    "Nakamura",
    "Okafor",
    "Quinn",
    "Reyes",
    "Tanaka",
    "Underwood",
    "Young",
)
_DEPARTMENTS = ("Sales", "Finance", "Engineering", "Operations", "Support", "Marketing", "Legal")


@dataclass
class AdminSpec:
    """An administrator to create."""

    user: str
    roles: list[str]
    display_name: str | None = None
    licences: list[str] = field(default_factory=list)


@dataclass
class TenantSpec:
    """What a new tenant looks like (the control API's ``POST /_sandbox/tenants`` body)."""

    name: str
    domain: str | None = None
    id: str | None = None
    seed: int = 0
    users: int = 0
    teams_phone_share: float = 0.0
    unlicensed_share: float = 0.0
    phone_licences: list[str] = field(default_factory=lambda: ["ENTERPRISEPREMIUM"])
    base_licences: list[str] = field(default_factory=lambda: ["ENTERPRISEPACK"])
    usage_location: str = "US"
    country: str = "US"
    admins: list[AdminSpec] = field(default_factory=list)
    free_seats: dict[str, int] = field(default_factory=dict)
    consents: list[dict[str, Any]] = field(default_factory=list)
    # Another provider's Direct Routing setup (gateway, usage, route, policy, dial plan, users).
    other_provider: dict[str, Any] | None = None
    # Resource accounts (auto attendants) with line URIs and no voice routing policy.
    resource_accounts: int = 0
    # Whether users in the recycle bin keep their UPN from new users (see Tenant).
    deleted_upns_reserved: bool = False
    # Tenant knobs from the start (Microsoft's delays, the Teams admin API's modes), as
    # PATCH /_sandbox/tenants/{id}/knobs takes them.
    knobs: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TenantSpec:
        """Validate and read a spec; unknown keys, SKUs and roles are errors."""
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown tenant fields: {', '.join(sorted(unknown))}")
        if not isinstance(data.get("name"), str) or not data["name"].strip():
            raise ValueError("a tenant needs a name")
        spec = cls(**{k: v for k, v in data.items() if k != "admins"})
        spec.admins = [AdminSpec(**a) for a in data.get("admins", [])]
        if spec.other_provider is not None:
            OtherProvider.from_json(spec.other_provider)
        if not isinstance(spec.deleted_upns_reserved, bool):
            raise ValueError("deleted_upns_reserved must be true or false")
        TenantKnobs().update(spec.knobs)  # the same validation as the control API's
        if not isinstance(spec.resource_accounts, int) or not 0 <= spec.resource_accounts <= 100:
            raise ValueError("resource_accounts must be a whole number from 0 to 100")
        if not isinstance(spec.users, int) or not 0 <= spec.users <= 1_000_000:
            raise ValueError("users must be a whole number between 0 and 1,000,000")
        for share in (spec.teams_phone_share, spec.unlicensed_share):
            if not 0.0 <= share <= 1.0:
                raise ValueError("shares are fractions between 0 and 1")
        if spec.teams_phone_share + spec.unlicensed_share > 1.0:
            raise ValueError("teams_phone_share + unlicensed_share cannot exceed 1")
        for ref in [
            *spec.phone_licences,
            *spec.base_licences,
            *spec.free_seats,
            *(lic for a in spec.admins for lic in a.licences),
        ]:
            sku(ref)
        for admin in spec.admins:
            for r in admin.roles:
                role(r)
        return spec

    @property
    def initial_domain(self) -> str:
        """``<prefix>.onmicrosoft.com``, from ``domain`` or the name."""
        prefix = self.domain or re.sub(r"[^a-z0-9]", "", self.name.lower())
        prefix = prefix.removesuffix(".onmicrosoft.com")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,26}", prefix):
            raise ValueError(f"{prefix!r} cannot be the prefix of an initial domain")
        return f"{prefix}.onmicrosoft.com"


# A seeded tenant has existed for a while: its users, licences and voice setup are settled, so
# knobs such as consistency_seconds or grant_delay_seconds delay only what happens from now on.
SETTLED_SECONDS = 30 * 86400.0


def seed_tenant(directory: Directory, spec: TenantSpec, now: float) -> Tenant:
    """Create the tenant described by ``spec`` and add it to ``directory``."""
    now -= SETTLED_SECONDS
    # Same spec, same ids; tenants that share a seed still get different GUIDs.
    rng = random.Random(f"{spec.initial_domain}/{spec.seed}")
    tenant_id = (
        spec.id.lower()
        if spec.id
        else str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{spec.initial_domain}/{spec.seed}"))
    )
    tenant = Tenant(tenant_id, spec.name, spec.initial_domain, now, spec.country)
    tenant.deleted_upns_reserved = spec.deleted_upns_reserved
    tenant.knobs.update(spec.knobs)
    domain = tenant.initial_domain.name
    grants: dict[str, LicenceGrant] = {}
    consumed: dict[str, int] = {}

    def grant(refs: list[str]) -> dict[str, LicenceGrant]:
        out: dict[str, LicenceGrant] = {}
        for ref in refs:
            sku_id = sku(ref).id
            if sku_id not in grants:
                grants[sku_id] = LicenceGrant(sku_id, frozenset(), now)
            out[sku_id] = grants[sku_id]
            consumed[sku_id] = consumed.get(sku_id, 0) + 1
        return out

    for admin in spec.admins:
        local = admin.user.split("@")[0]
        user = tenant.add_user(
            new_guid(rng),
            f"{local}@{domain}",
            admin.display_name or local.replace(".", " ").title(),
            local,
            now,
        )
        user.usage_location = spec.usage_location
        user.licences = grant(admin.licences)
        for r in admin.roles:
            tenant.grant_role(user, role(r).id)

    def new_user(upn: str, display_name: str) -> User:
        local = upn.split("@")[0]
        user = tenant.add_user(new_guid(rng), upn, display_name, local, now)
        user.usage_location = spec.usage_location
        return user

    n_phone = round(spec.users * spec.teams_phone_share)
    phone_users: list[User] = []
    n_unlicensed = round(spec.users * spec.unlicensed_share)
    names_used: dict[str, int] = {}
    for i in range(spec.users):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        base = f"{first}.{last}".lower()
        n = names_used.get(base, 0) + 1
        names_used[base] = n
        local = base if n == 1 else f"{base}{n}"
        user = tenant.add_user(new_guid(rng), f"{local}@{domain}", f"{first} {last}", local, now)
        user.given_name, user.surname = first, last
        user.mail = user.user_principal_name
        user.department = _DEPARTMENTS[i % len(_DEPARTMENTS)]
        user.usage_location = spec.usage_location
        if i < n_phone:
            user.licences = grant(spec.phone_licences)
            phone_users.append(user)
        elif i < spec.users - n_unlicensed:
            user.licences = grant(spec.base_licences)

    if spec.other_provider is not None:
        provider = OtherProvider.from_json(spec.other_provider)
        seed_other_provider(
            tenant,
            provider,
            phone_users,
            new_user,
            grant(["STANDARDPACK"])[sku("STANDARDPACK").id],
            now,
        )
    if spec.resource_accounts:
        virtual = sku("PHONESYSTEM_VIRTUALUSER").id
        for _ in range(spec.resource_accounts):
            licence = grant(["PHONESYSTEM_VIRTUALUSER"])[virtual]
        seed_resource_accounts(tenant, spec.resource_accounts, new_user, licence, "+1425556")
    for sku_id, used in consumed.items():
        tenant.subscribe(sku_id, used).consumed_units = used
    for ref, free in spec.free_seats.items():
        tenant.subscribe(sku(ref).id, int(free))
    for consent in spec.consents:
        grant_consent(tenant, consent)
    assert all(s in SKUS_BY_ID for s in tenant.subscriptions)
    directory.add(tenant)
    return tenant


def grant_consent(tenant: Tenant, data: dict[str, Any]) -> None:
    """Record tenant-wide admin consent: delegated ``scopes`` and application ``app_roles``."""
    client_id = str(data["client_id"]).lower()
    consents = tenant.consents_for(client_id)
    for raw in data.get("scopes", []):
        consents.tenant_wide.add(parse_scope(raw).key())
    for raw in data.get("app_roles", []):
        resource_name, _, value = str(raw).rpartition("/")
        resource = (
            GRAPH
            if not resource_name
            else next((r for r in RESOURCES if resource_name in r.names()), None)
        )
        if resource is None or value.lower() not in resource.application:
            raise ValueError(f"unknown application permission {raw!r}")
        consents.app_roles.add(f"{resource.app_id}/{resource.application[value.lower()].value}")
