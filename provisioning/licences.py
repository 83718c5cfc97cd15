"""Which licence the gateway user gets (SPEC step 3.5): one with MCOSTANDARD and a free seat.

Microsoft names the licences that activate a domain for Direct Routing (E1, E3, E5 and the like:
they carry Teams as well as MCOSTANDARD); standalone Skype for Business Online (Plan 2), which
the original product uses, is not on that list (fidelity review F8). So a licence that carries
Teams comes first, and a standalone MCOSTANDARD seat is the fallback, with a warning.
"""

from __future__ import annotations

from provisioning.microsoft.catalog import MCOSTANDARD_PLAN, TEAMS_PLAN
from provisioning.microsoft.ports.directory import SubscribedSku


def carries_teams(sku: SubscribedSku) -> bool:
    """Whether the licence is of the kind Microsoft names for Direct Routing activation."""
    return TEAMS_PLAN in sku.service_plan_ids


def gateway_candidates(skus: list[SubscribedSku]) -> list[SubscribedSku]:
    """Subscriptions that could license the gateway user, best first."""
    usable = [s for s in skus if MCOSTANDARD_PLAN in s.service_plan_ids and s.free > 0]
    # Teams-carrying first; among each kind, the smallest that does the job.
    return sorted(
        usable, key=lambda s: (not carries_teams(s), len(s.service_plan_ids), s.part_number)
    )


def choose_gateway_sku(skus: list[SubscribedSku]) -> SubscribedSku | None:
    """The subscription to license the gateway user from, if any has a seat."""
    candidates = gateway_candidates(skus)
    return candidates[0] if candidates else None
