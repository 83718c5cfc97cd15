"""Which licence the gateway user gets (SPEC step 3.5): one with MCOSTANDARD and a free seat."""

from __future__ import annotations

from provisioning.microsoft.catalog import MCOSTANDARD_PLAN
from provisioning.microsoft.ports.directory import SubscribedSku


def gateway_candidates(skus: list[SubscribedSku]) -> list[SubscribedSku]:
    """Subscriptions that could license the gateway user, best first."""
    usable = [s for s in skus if MCOSTANDARD_PLAN in s.service_plan_ids and s.free > 0]
    # The smallest SKU that does the job: a standalone MCOSTANDARD before an E3.
    return sorted(usable, key=lambda s: (len(s.service_plan_ids), s.part_number))


def choose_gateway_sku(skus: list[SubscribedSku]) -> SubscribedSku | None:
    """The subscription to license the gateway user from, if any has a seat."""
    candidates = gateway_candidates(skus)
    return candidates[0] if candidates else None
