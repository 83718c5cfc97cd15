"""What a run is planned with, fixed when it is created and stored with it.

Fields added in later releases need defaults: runs created before them still load.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IntegrationParams:
    """Everything a provisioning run needs to know about the tenant and the provider."""

    tenant_id: str
    initial_domain: str
    region: str
    sbc_domain: str
    sbc_addresses: tuple[str, ...]
    zone: str
    dns_ttl: int
    brand: str
    usage_location: str
    country_code: str
    sip_port: int
    max_concurrent_sessions: int | None = None


@dataclass(frozen=True)
class RemovalParams:
    """A removal needs only what provisioning recorded: the ledger says what to undo."""

    tenant_id: str
    # As the provisioning run had them (for the admin's summary); empty if it never ran.
    sbc_domain: str = ""
    brand: str = ""


@dataclass(frozen=True)
class ActivationParams:
    """One user's activation (or deactivation): the number and the names of our dial plan and
    voice routing policy, as they were when the admin asked."""

    tenant_id: str
    user_id: str
    upn: str
    # +E.164; for a deactivation, the number the activation assigned ("" when none is known).
    number: str
    dial_plan: str
    routing_policy: str
    number_type: str = "directRouting"
