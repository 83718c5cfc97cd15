"""Whether a domain is usable for Direct Routing in a tenant (teams-voice-api.md §3, §4).

The gateway FQDN's domain (the FQDN itself or its parent) must be a verified domain of the
tenant, not ``*.onmicrosoft.com``, with a user whose UPN is on it and whose licence carries
MCOSTANDARD; and Microsoft needs time to activate it after that ("up to 24 hours"), which is
the tenant's ``activation_seconds`` knob.

Microsoft names SKUs, not plans ("at least one E1, E3, or E5 licensed user",
direct-routing-sbc-multiple-tenants.md; "assign a Teams license", direct-routing-plan.md), and
none of its lists has standalone Skype for Business Online (Plan 2). With the tenant's
``activation_requires_teams_licence`` knob the user's licences must carry the Teams plan
(TEAMS1) as well (fidelity-review-2.md F8); by default MCOSTANDARD alone activates, as the
product's SPEC assumes.
"""

from __future__ import annotations

from sandbox.catalog.licences import MCOSTANDARD, TEAMS1
from sandbox.directory.model import Domain, User
from sandbox.directory.tenant import Tenant
from sandbox.voice import errors


def _registered_domain(tenant: Tenant, fqdn: str) -> Domain | None:
    name = fqdn.lower()
    parent = name.split(".", 1)[1] if "." in name else ""
    for candidate in (name, parent):
        domain = tenant.find_domain(candidate) if candidate else None
        if domain is not None:
            return domain
    return None


def activated_at(tenant: Tenant, fqdn: str) -> float | None:
    """When the FQDN's domain became (or becomes) usable; ``None`` if it never will as is."""
    domain = _registered_domain(tenant, fqdn)
    if domain is None or not domain.is_verified or domain.name.endswith(".onmicrosoft.com"):
        return None
    assert domain.verified_at is not None
    needed = [MCOSTANDARD.id]
    if tenant.knobs.activation_requires_teams_licence:
        needed.append(TEAMS1.id)
    licensed: list[float] = []
    for user in tenant.users_on_domain(domain.name):
        since = [_first_grant(user, plan) for plan in needed]
        if all(s is not None for s in since):
            licensed.append(max(s for s in since if s is not None))
    if not licensed:
        return None
    return max(domain.verified_at, min(licensed)) + tenant.knobs.activation_seconds


def _first_grant(user: User, plan_id: str) -> float | None:
    """When the user first had ``plan_id`` enabled, through any of its licences."""
    times = [g.assigned_at for g in user.licences.values() if plan_id in g.enabled_plans()]
    return min(times, default=None)


def require_activated(tenant: Tenant, fqdn: str, now: float) -> None:
    """Raise Microsoft's "Can not use the ... domain" unless the domain is active now."""
    ready = activated_at(tenant, fqdn)
    if ready is None or ready > now:
        raise errors.domain_not_configured(fqdn)
