"""The provisioning plan (SPEC step 3): a dependency graph, so the voice configuration is made
while DNS propagates, and every step looks before it acts."""

from __future__ import annotations

from i18n.text import N_
from provisioning.engine.contract import Step
from provisioning.microsoft.ports.tenant import TenantPorts
from provisioning.params import IntegrationParams
from provisioning.steps.domain import (
    dns_propagated,
    dns_subdomain,
    domain_verified,
    tenant_domain,
    txt_record,
)
from provisioning.steps.gateway import choose_licence, gateway_licence, gateway_user, pstn_gateway
from provisioning.steps.voice import dial_plan, pstn_usage, routing_policy, voice_route

ProvisioningStep = Step[IntegrationParams, TenantPorts]
GRAPH = {"graph": 1}
TEAMS = {"teams_admin": 1}

PROVISIONING: tuple[ProvisioningStep, ...] = (
    Step("dns_subdomain", (), dns_subdomain, N_("SBC subdomain in the provider's DNS")),
    Step("tenant_domain", (), tenant_domain, N_("Domain added to the tenant"), round_trips=GRAPH),
    Step(
        "txt_record",
        ("tenant_domain",),
        txt_record,
        N_("Verification record published"),
        round_trips=GRAPH,
    ),
    Step(
        "dns_propagated",
        ("txt_record", "dns_subdomain"),
        dns_propagated,
        N_("DNS propagated to every name server"),
    ),
    Step(
        "domain_verified",
        ("dns_propagated",),
        domain_verified,
        N_("Domain verified by Microsoft"),
        round_trips=GRAPH,
    ),
    Step("choose_licence", (), choose_licence, N_("Licence for the gateway user found")),
    Step(
        "gateway_user",
        ("domain_verified",),
        gateway_user,
        N_("Gateway user created"),
        round_trips=GRAPH,
    ),
    Step(
        "gateway_licence",
        ("gateway_user", "choose_licence"),
        gateway_licence,
        N_("Gateway user licensed"),
        round_trips=GRAPH,
    ),
    Step("dial_plan", (), dial_plan, N_("Dial plan"), round_trips=TEAMS),
    Step("pstn_usage", (), pstn_usage, N_("PSTN usage"), round_trips={"teams_admin": 2}),
    Step(
        "routing_policy",
        ("pstn_usage",),
        routing_policy,
        N_("Voice routing policy"),
        round_trips=TEAMS,
    ),
    Step(
        "pstn_gateway",
        ("gateway_licence",),
        pstn_gateway,
        N_("PSTN gateway accepted by Microsoft"),
        round_trips=TEAMS,
    ),
    Step(
        "voice_route",
        ("pstn_gateway", "pstn_usage"),
        voice_route,
        N_("Voice route"),
        round_trips=TEAMS,
    ),
)

# The first release's list: no separate licence choice (its licence step chooses itself).
PROVISIONING_V1: tuple[ProvisioningStep, ...] = tuple(
    Step(s.name, tuple(n for n in s.needs if n != "choose_licence"), s.run, s.title)
    for s in PROVISIONING
    if s.name != "choose_licence"
)
