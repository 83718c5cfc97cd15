"""The plans this release executes: provisioning (and its earlier version, for runs created
before this release) and removal, with their milestones and how they move the tenant's state."""

from __future__ import annotations

from i18n.text import N_
from provisioning.engine.plans import Milestone, Plan, PlanBook
from provisioning.hints import explain
from provisioning.microsoft.ports.tenant import TenantPorts
from provisioning.params import ActivationParams, IntegrationParams, RemovalParams
from provisioning.steps.activation import ACTIVATION, DEACTIVATION
from provisioning.steps.provision import PROVISIONING, PROVISIONING_V1
from provisioning.steps.removal import REMOVAL
from provisioning.sync.activation_hooks import activation_finished, deactivation_finished
from provisioning.tenants import (
    provisioning_finished,
    provisioning_started,
    removal_finished,
    removal_started,
)
from storage.runs import RunKind

DOMAIN_VERIFIED = Milestone(
    "domain_verified",
    "domain_verified",
    N_("Microsoft has verified the domain."),
    N_("Microsoft could not verify the domain."),
)
GATEWAY_ACCEPTED = Milestone(
    "gateway_accepted",
    "pstn_gateway",
    N_("Microsoft has accepted the PSTN gateway for Direct Routing."),
    N_("Microsoft did not accept the PSTN gateway."),
)


def _provisioning(version: int, steps: tuple[object, ...]) -> Plan[IntegrationParams, TenantPorts]:
    return Plan(
        kind=RunKind.PROVISION.value,
        version=version,
        steps=steps,  # type: ignore[arg-type]
        params=IntegrationParams,
        milestones=(DOMAIN_VERIFIED, GATEWAY_ACCEPTED),
        # Releases before the engine's reshape stored the brand as ``names_brand``.
        renamed={"names_brand": "brand"},
        on_start=provisioning_started,
        on_finish=provisioning_finished,
        explain=explain,
    )


PROVISION_PLAN = _provisioning(2, PROVISIONING)
REMOVAL_PLAN: Plan[RemovalParams, TenantPorts] = Plan(
    kind=RunKind.REMOVE.value,
    version=1,
    steps=REMOVAL,
    params=RemovalParams,
    on_start=removal_started,
    on_finish=removal_finished,
    explain=explain,
)
ACTIVATION_PLAN: Plan[ActivationParams, TenantPorts] = Plan(
    kind=RunKind.ACTIVATE.value,
    version=1,
    steps=ACTIVATION,
    params=ActivationParams,
    on_finish=activation_finished,
    explain=explain,
)
DEACTIVATION_PLAN: Plan[ActivationParams, TenantPorts] = Plan(
    kind=RunKind.DEACTIVATE.value,
    version=1,
    steps=DEACTIVATION,
    params=ActivationParams,
    on_finish=deactivation_finished,
    explain=explain,
)
PLANS = PlanBook(
    [
        _provisioning(1, PROVISIONING_V1),
        PROVISION_PLAN,
        REMOVAL_PLAN,
        ACTIVATION_PLAN,
        DEACTIVATION_PLAN,
    ]
)
