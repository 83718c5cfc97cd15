"""The readiness check (SPEC step 2): every prerequisite, with pass/warn/fail and a fix.

Gathering observations (calls) is apart from judging them (pure), so the judging is unit-tested
without a tenant.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from provisioning.errors import ServiceError
from provisioning.naming import fqdn_problems
from provisioning.ports.dns import DnsZonePort
from provisioning.ports.graph import DirectoryRole, GraphPort, Organization, SubscribedSku

MCOSTANDARD_PLAN = "0feaeb32-d00e-4d66-bd5a-43b5b83db82c"
MCOEV_PLAN = "4828c8ec-dc2e-4779-b502-87ac9ce28ab7"
GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
T = TypeVar("T")
# Without Global Administrator, one role of each group is needed (graph-entra.md §3.2–3.5).
ROLE_GROUPS: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "Teams voice administration",
        {
            "69091246-20e8-4a56-aa4d-066075b2a7a8": "Teams Administrator",
            "aa38014f-0993-46e9-9b45-30501a20909d": "Teams Telephony Administrator",
            "baf37b3a-610e-45da-9e62-d9d1e5e8914b": "Teams Communications Administrator",
        },
    ),
    ("users and licences", {"fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator"}),
    ("domains", {"8329153b-31d0-4727-b945-745eb3bc5f31": "Domain Name Administrator"}),
)


class Status(StrEnum):
    """The verdict of one check."""

    PASS = "pass"  # noqa: S105 - a verdict, not a password
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Check:
    """One line of the checklist card."""

    key: str
    title: str
    status: Status
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class Observations:
    """What the readiness check saw (``None`` where looking failed; the error says why)."""

    roles: list[DirectoryRole] | None
    organization: Organization | None
    skus: list[SubscribedSku] | None
    teams_phone_users: int | None
    sbc_domain: str
    sbc_domain_taken: bool | None
    already_integrated: bool
    zone_error: str | None
    errors: dict[str, str]


def _roles(obs: Observations) -> Check:
    title = "Admin roles of the signed-in account"
    if obs.roles is None:
        return Check(
            "roles",
            title,
            Status.FAIL,
            obs.errors.get("roles", "unknown"),
            "Sign in again, then re-run the check.",
        )
    held = {r.template_id for r in obs.roles}
    names = ", ".join(sorted(r.name for r in obs.roles)) or "no admin role"
    if GLOBAL_ADMIN in held:
        return Check("roles", title, Status.PASS, f"Holds {names}.")
    missing = [" or ".join(group.values()) for _, group in ROLE_GROUPS if not held & set(group)]
    if not missing:
        return Check("roles", title, Status.PASS, f"Holds {names}.")
    return Check(
        "roles",
        title,
        Status.FAIL,
        f"Holds {names}; missing: {'; '.join(missing)}.",
        "Sign in with a dedicated service account that is Global Administrator, or "
        f"give it these roles in Microsoft Entra: {'; '.join(missing)}.",
    )


def _licence(obs: Observations) -> Check:
    title = "A free licence with Skype for Business Online (Plan 2) for the gateway user"
    if obs.skus is None:
        return Check(
            "licence", title, Status.FAIL, obs.errors.get("skus", "unknown"), "Re-run the check."
        )
    free = [s for s in obs.skus if MCOSTANDARD_PLAN in s.service_plan_ids and s.free > 0]
    if free:
        best = min(free, key=lambda s: len(s.service_plan_ids))
        return Check(
            "licence", title, Status.PASS, f"{best.part_number} has {best.free} free seat(s)."
        )
    return Check(
        "licence",
        title,
        Status.FAIL,
        "No subscription with MCOSTANDARD has a free seat.",
        "Buy or free one seat of a licence that includes MCOSTANDARD (Skype for "
        "Business Online (Plan 2), Office 365 E1/E3/E5, Microsoft 365 E3/E5).",
    )


def _initial_domain(obs: Observations) -> Check:
    title = "The tenant's initial domain"
    if obs.organization is None or not obs.organization.initial_domain:
        return Check(
            "initial_domain",
            title,
            Status.FAIL,
            obs.errors.get("organization", "Not found."),
            "Re-run the check.",
        )
    return Check(
        "initial_domain",
        title,
        Status.PASS,
        f"{obs.organization.initial_domain} gives the SBC domain {obs.sbc_domain}.",
    )


def _phone_users(obs: Observations) -> Check:
    title = "Users with Teams Phone"
    if obs.teams_phone_users is None:
        return Check(
            "teams_phone",
            title,
            Status.WARN,
            obs.errors.get("teams_phone", "Could not count them."),
            "",
        )
    if obs.teams_phone_users == 0:
        return Check(
            "teams_phone",
            title,
            Status.WARN,
            "No user has Teams Phone (MCOEV) yet.",
            "Assign Teams Phone licences (standalone or through E5) to the users who "
            "will get numbers; the integration itself can go ahead.",
        )
    return Check(
        "teams_phone", title, Status.PASS, f"{obs.teams_phone_users} user(s) have Teams Phone."
    )


def _not_integrated(obs: Observations) -> Check:
    title = "Not integrated already"
    if obs.already_integrated or obs.sbc_domain_taken:
        return Check(
            "not_integrated",
            title,
            Status.FAIL,
            f"The domain {obs.sbc_domain} is already in the tenant.",
            "If an earlier integration left it behind, run the removal first; "
            "otherwise remove the domain in the Microsoft 365 admin centre.",
        )
    if obs.sbc_domain_taken is None:
        return Check(
            "not_integrated",
            title,
            Status.WARN,
            obs.errors.get("domain", "Could not look the domain up."),
            "",
        )
    return Check("not_integrated", title, Status.PASS, "No earlier integration found.")


def _fqdn(obs: Observations) -> Check:
    title = "SBC domain usable as a Teams gateway"
    problems = fqdn_problems(obs.sbc_domain)
    if problems:
        return Check(
            "sbc_fqdn",
            title,
            Status.FAIL,
            f"{obs.sbc_domain}: {'; '.join(problems)}.",
            "Ask the provider for a shorter region or zone name.",
        )
    return Check(
        "sbc_fqdn", title, Status.PASS, f"{obs.sbc_domain} ({len(obs.sbc_domain)} characters)."
    )


def _zone(obs: Observations) -> Check:
    title = "The provider's DNS zone accepts our updates"
    if obs.zone_error:
        return Check(
            "provider_zone",
            title,
            Status.FAIL,
            obs.zone_error,
            "This is on the provider's side: check the zone's name server address "
            "and TSIG key in the bot's settings.",
        )
    return Check("provider_zone", title, Status.PASS, "Reachable; the TSIG key is accepted.")


def evaluate(obs: Observations) -> list[Check]:
    """The checklist, in the order the card shows it."""
    return [
        _roles(obs),
        _licence(obs),
        _initial_domain(obs),
        _phone_users(obs),
        _not_integrated(obs),
        _fqdn(obs),
        _zone(obs),
    ]


def blocking(checks: list[Check]) -> list[Check]:
    """The checks that stop provisioning from starting."""
    return [c for c in checks if c.status == Status.FAIL]


async def observe(
    graph: GraphPort,
    zone: DnsZonePort,
    sbc_domain_for: Callable[[str], str],
    already_integrated: bool,
) -> Observations:
    """Look at the tenant and the zone (in parallel); failures become part of the picture."""
    errors: dict[str, str] = {}

    async def attempt(key: str, call: Awaitable[T]) -> T | None:
        try:
            return await call
        except ServiceError as exc:
            errors[key] = exc.message
            return None

    roles, organization, skus, phone, _ = await asyncio.gather(
        attempt("roles", graph.my_roles()),
        attempt("organization", graph.organization()),
        attempt("skus", graph.subscribed_skus()),
        attempt("teams_phone", graph.count_users_with_plan(MCOEV_PLAN)),
        attempt("zone", zone.check_access()),
    )
    sbc = ""
    taken: bool | None = None
    if organization is not None:
        sbc = sbc_domain_for(organization.initial_domain)
        found = await attempt("domain", graph.get_domain(sbc))
        taken = None if "domain" in errors else found is not None
    return Observations(
        roles=roles,
        organization=organization,
        skus=skus,
        teams_phone_users=phone,
        sbc_domain=sbc,
        sbc_domain_taken=taken,
        already_integrated=already_integrated,
        zone_error=errors.get("zone"),
        errors=errors,
    )
