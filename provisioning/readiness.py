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

from i18n.text import N_, t
from provisioning.licences import carries_teams, gateway_candidates
from provisioning.microsoft.catalog import (
    DOMAIN_NAME_ADMINISTRATOR,
    GLOBAL_ADMINISTRATOR,
    MCOEV_PLAN,
    TEAMS_ADMINISTRATOR,
    TEAMS_COMMUNICATIONS_ADMINISTRATOR,
    TEAMS_TELEPHONY_ADMINISTRATOR,
    USER_ADMINISTRATOR,
)
from provisioning.microsoft.errors import ServiceError
from provisioning.microsoft.ports.directory import (
    DirectoryPort,
    DirectoryRole,
    Organization,
    SubscribedSku,
)
from provisioning.microsoft.ports.domains import DomainsPort
from provisioning.microsoft.ports.zone import DnsZonePort
from provisioning.naming import fqdn_problems, upn_problems

T = TypeVar("T")
# Without Global Administrator, one role of each group is needed (graph-entra.md §3.2–3.5).
# The role names are English here (N_); say them with ``t`` where they are shown.
ROLE_GROUPS: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "Teams voice administration",
        {
            TEAMS_ADMINISTRATOR: N_("Teams Administrator"),
            TEAMS_TELEPHONY_ADMINISTRATOR: N_("Teams Telephony Administrator"),
            TEAMS_COMMUNICATIONS_ADMINISTRATOR: N_("Teams Communications Administrator"),
        },
    ),
    ("users and licences", {USER_ADMINISTRATOR: N_("User Administrator")}),
    ("domains", {DOMAIN_NAME_ADMINISTRATOR: N_("Domain Name Administrator")}),
)
# What a group that is missing asks for, as one text (the "or" is part of the language).
_EITHER = {
    "Teams voice administration": N_(
        "Teams Administrator or Teams Telephony Administrator or Teams Communications Administrator"
    ),
    "users and licences": N_("User Administrator"),
    "domains": N_("Domain Name Administrator"),
}


def missing_roles(held: set[str]) -> list[str]:
    """Which of the needed role groups ``held`` (role template ids) lacks, in words."""
    if GLOBAL_ADMINISTRATOR in held:
        return []
    return [t(_EITHER[name]) for name, group in ROLE_GROUPS if not held & set(group)]


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
    # The licensed user that activates the domain, ``<brand>.teams@<sbc domain>``.
    gateway_upn: str
    sbc_domain_taken: bool | None
    already_integrated: bool
    # The domain is ours: an earlier integration attempt (failed or cancelled) added it.
    sbc_domain_ours: bool
    zone_error: str | None
    errors: dict[str, str]


def _roles(obs: Observations) -> Check:
    title = t("Admin roles of the signed-in account")
    if obs.roles is None:
        return Check(
            "roles",
            title,
            Status.FAIL,
            obs.errors.get("roles", t("unknown")),
            t("Sign in again, then re-run the check."),
        )
    # Microsoft's names of the roles held: data.
    names = ", ".join(sorted(r.name for r in obs.roles)) or t("no admin role")
    missing = missing_roles({r.template_id for r in obs.roles})
    if not missing:
        return Check("roles", title, Status.PASS, t("Holds {roles}.", roles=names))
    return Check(
        "roles",
        title,
        Status.FAIL,
        t("Holds {roles}; missing: {missing}.", roles=names, missing="; ".join(missing)),
        t(
            "Sign in with a dedicated service account that is Global Administrator, or "
            "give it these roles in Microsoft Entra: {missing}.",
            missing="; ".join(missing),
        ),
    )


def _licence(obs: Observations) -> Check:
    title = t("A free licence with Skype for Business Online (Plan 2) for the gateway user")
    if obs.skus is None:
        return Check(
            "licence",
            title,
            Status.FAIL,
            obs.errors.get("skus", t("unknown")),
            t("Re-run the check."),
        )
    free = gateway_candidates(obs.skus)
    if free and carries_teams(free[0]):
        best = free[0]
        return Check(
            "licence",
            title,
            Status.PASS,
            t("{licence} has {free} free seat(s).", licence=best.part_number, free=best.free),
        )
    if free:
        return Check(
            "licence",
            title,
            Status.WARN,
            t(
                "Only {licence} (without Teams) has a free seat. Microsoft names "
                "licences with Teams (such as Office 365 E1, E3 or E5) for activating a domain "
                "for Direct Routing; with this one the activation may never happen.",
                licence=free[0].part_number,
            ),
            t(
                "Free or buy one seat of a licence that includes Teams and MCOSTANDARD (Office "
                "365 E1/E3/E5, Microsoft 365 E3/E5) if the gateway step waits for activation "
                "for long."
            ),
        )
    return Check(
        "licence",
        title,
        Status.FAIL,
        t("No subscription with MCOSTANDARD has a free seat."),
        t(
            "Buy or free one seat of a licence that includes MCOSTANDARD (Office 365 E1/E3/E5, "
            "Microsoft 365 E3/E5, or Skype for Business Online (Plan 2))."
        ),
    )


def _initial_domain(obs: Observations) -> Check:
    title = t("The tenant's initial domain")
    if obs.organization is None or not obs.organization.initial_domain:
        return Check(
            "initial_domain",
            title,
            Status.FAIL,
            obs.errors.get("organization", t("Not found.")),
            t("Re-run the check."),
        )
    return Check(
        "initial_domain",
        title,
        Status.PASS,
        t(
            "{initial_domain} gives the SBC domain {sbc_domain}.",
            initial_domain=obs.organization.initial_domain,
            sbc_domain=obs.sbc_domain,
        ),
    )


def _phone_users(obs: Observations) -> Check:
    title = t("Users with Teams Phone")
    if obs.teams_phone_users is None:
        return Check(
            "teams_phone",
            title,
            Status.WARN,
            obs.errors.get("teams_phone", t("Could not count them.")),
            "",
        )
    if obs.teams_phone_users == 0:
        return Check(
            "teams_phone",
            title,
            Status.WARN,
            t("No user has Teams Phone (MCOEV) yet."),
            t(
                "Assign Teams Phone licences (standalone or through E5) to the users who "
                "will get numbers; the integration itself can go ahead."
            ),
        )
    return Check(
        "teams_phone",
        title,
        Status.PASS,
        t("{count} user(s) have Teams Phone.", count=obs.teams_phone_users),
    )


def _not_integrated(obs: Observations) -> Check:
    title = t("Not integrated already")
    if obs.already_integrated:
        return Check(
            "not_integrated",
            title,
            Status.FAIL,
            t("This organization is integrated already."),
            t("To set it up again, run the removal first."),
        )
    if obs.sbc_domain_taken and obs.sbc_domain_ours:
        return Check(
            "not_integrated",
            title,
            Status.PASS,
            t(
                "An earlier attempt added {domain}; integrating carries on from there.",
                domain=obs.sbc_domain,
            ),
        )
    if obs.sbc_domain_taken:
        return Check(
            "not_integrated",
            title,
            Status.FAIL,
            t(
                "The domain {domain} is already in the tenant, and the bot did not add it.",
                domain=obs.sbc_domain,
            ),
            t(
                "Remove the domain in the Microsoft 365 admin centre (Settings › Domains), then "
                "check again."
            ),
        )
    if obs.sbc_domain_taken is None:
        return Check(
            "not_integrated",
            title,
            Status.WARN,
            obs.errors.get("domain", t("Could not look the domain up.")),
            "",
        )
    return Check("not_integrated", title, Status.PASS, t("No earlier integration found."))


def _fqdn(obs: Observations) -> Check:
    title = t("SBC domain usable as a Teams gateway and for its licensed user")
    if not obs.sbc_domain:
        return Check(
            "sbc_fqdn",
            title,
            Status.WARN,
            t("Unknown until the tenant's initial domain is known."),
            "",
        )
    # "domain: problem" is data and punctuation only; each problem is said by naming.py.
    problems = [f"{obs.sbc_domain}: {p}" for p in fqdn_problems(obs.sbc_domain)]
    # Caught here, before anything is written: Entra would refuse the gateway user only after
    # the domain had been added and verified (fidelity review F2).
    problems += [
        t("the gateway user {upn}: {problem}", upn=obs.gateway_upn, problem=p)
        for p in upn_problems(obs.gateway_upn)
    ]
    if problems:
        return Check(
            "sbc_fqdn",
            title,
            Status.FAIL,
            "; ".join(problems) + ".",
            t(
                "Ask the provider for a shorter region or zone name (the SBC domain must fit in "
                "48 characters for its user)."
            ),
        )
    return Check(
        "sbc_fqdn",
        title,
        Status.PASS,
        t(
            "{domain} ({length} characters).",
            domain=obs.sbc_domain,
            length=len(obs.sbc_domain),
        ),
    )


def _zone(obs: Observations) -> Check:
    title = t("The provider's DNS zone accepts our updates")
    if obs.zone_error:
        return Check(
            "provider_zone",
            title,
            Status.FAIL,
            obs.zone_error,
            t(
                "This is on the provider's side: check the zone's name server address "
                "and TSIG key in the bot's settings."
            ),
        )
    return Check("provider_zone", title, Status.PASS, t("Reachable; the TSIG key is accepted."))


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
    directory: DirectoryPort,
    domains: DomainsPort,
    zone: DnsZonePort,
    sbc_domain_for: Callable[[str], str],
    gateway_upn_for: Callable[[str], str],
    already_integrated: bool,
    ours: Callable[[str], bool],
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
        attempt("roles", directory.my_roles()),
        attempt("organization", directory.organization()),
        attempt("skus", directory.subscribed_skus()),
        attempt("teams_phone", directory.count_users_with_plan(MCOEV_PLAN)),
        attempt("zone", zone.check_access()),
    )
    sbc = ""
    taken: bool | None = None
    if organization is not None and organization.initial_domain:
        sbc = sbc_domain_for(organization.initial_domain)
        found = await attempt("domain", domains.get(sbc))
        taken = None if "domain" in errors else found is not None
    return Observations(
        roles=roles,
        organization=organization,
        skus=skus,
        teams_phone_users=phone,
        sbc_domain=sbc,
        gateway_upn=gateway_upn_for(sbc) if sbc else "",
        sbc_domain_taken=taken,
        already_integrated=already_integrated,
        sbc_domain_ours=bool(sbc) and ours(sbc),
        zone_error=errors.get("zone"),
        errors=errors,
    )
