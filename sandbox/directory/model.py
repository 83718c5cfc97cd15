"""Directory objects as the sandbox keeps them; Graph's JSON shapes are built from these."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from sandbox.catalog.licences import PLANS_BY_ID, SKUS_BY_ID
from sandbox.clock import iso


def new_guid(rng: random.Random | None = None) -> str:
    """A random version-4 GUID, from ``rng`` when seeded data must be reproducible."""
    if rng is None:
        return str(uuid.uuid4())
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass(slots=True)
class LicenceGrant:
    """One entry of a user's ``assignedLicenses``."""

    sku_id: str
    disabled_plans: frozenset[str]
    assigned_at: float

    def enabled_plans(self) -> frozenset[str]:
        """Plans of the SKU that this grant leaves enabled."""
        return SKUS_BY_ID[self.sku_id].plan_ids() - self.disabled_plans


@dataclass(slots=True)
class User:
    """A member of a tenant."""

    id: str
    user_principal_name: str
    display_name: str
    mail_nickname: str
    created_at: float
    seq: int
    version: int
    given_name: str | None = None
    surname: str | None = None
    account_enabled: bool = True
    usage_location: str | None = None
    job_title: str | None = None
    department: str | None = None
    mobile_phone: str | None = None
    office_location: str | None = None
    preferred_language: str | None = None
    mail: str | None = None
    business_phones: list[str] = field(default_factory=list)
    password: str | None = None
    force_change_password: bool = False
    licences: dict[str, LicenceGrant] = field(default_factory=dict)
    roles: set[str] = field(default_factory=set)
    # When the user went to the recycle bin (None while live). Graph's ``deletedDateTime``;
    # deleted users stay restorable for 30 days (Graph directory-deleteditems-restore).
    deleted_at: float | None = None
    # Resource accounts (auto attendants, call queues) are users of their own kind in Teams.
    resource_account: bool = False

    @property
    def deleted(self) -> bool:
        """Whether the user is in the recycle bin or purged."""
        return self.deleted_at is not None

    def enabled_plan_ids(self) -> set[str]:
        """Every service plan enabled by the user's licences."""
        plans: set[str] = set()
        for grant in self.licences.values():
            plans |= grant.enabled_plans()
        return plans

    def assigned_plans(self) -> list[dict[str, Any]]:
        """Graph's ``assignedPlans``: one entry per enabled plan, with the time it was assigned."""
        out: list[dict[str, Any]] = []
        for grant in self.licences.values():
            when = iso(grant.assigned_at)
            for plan_id in sorted(grant.enabled_plans()):
                plan = PLANS_BY_ID[plan_id]
                out.append(
                    {
                        "assignedDateTime": when,
                        "capabilityStatus": "Enabled",
                        "service": plan.service,
                        "servicePlanId": plan.id,
                    }
                )
        return out

    def assigned_licenses(self) -> list[dict[str, Any]]:
        """Graph's ``assignedLicenses``."""
        return [
            {"disabledPlans": sorted(g.disabled_plans), "skuId": g.sku_id}
            for g in self.licences.values()
        ]

    @property
    def upn_domain(self) -> str:
        """The domain part of the UPN, lower-cased."""
        return self.user_principal_name.rsplit("@", 1)[1].lower()


@dataclass(slots=True)
class Domain:
    """A domain registered in a tenant."""

    name: str
    created_at: float
    verification_code: str
    is_verified: bool = False
    is_initial: bool = False
    is_default: bool = False
    is_root: bool = True
    supported_services: list[str] = field(default_factory=list)
    verified_at: float | None = None

    def mark_verified(self, now: float) -> None:
        """Ownership proven at ``now``."""
        self.is_verified = True
        self.verified_at = now


@dataclass(slots=True)
class Subscription:
    """A tenant's subscription to a SKU (``subscribedSku``)."""

    sku_id: str
    enabled_units: int
    consumed_units: int = 0
    warning_units: int = 0
    suspended_units: int = 0
    locked_out_units: int = 0
    capability_status: str = "Enabled"
    subscription_id: str = field(default_factory=new_guid)

    @property
    def free_units(self) -> int:
        """Seats that can still be assigned."""
        return self.enabled_units + self.warning_units - self.consumed_units
