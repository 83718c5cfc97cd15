"""Before the first write: is any name we are about to use taken by someone else (M5)?

Readiness (step 2) can only look with the Graph sign-in; this looks with both, at every object
the plan will create, so a clash stops the admin before anything is written.
"""

from __future__ import annotations

import asyncio

from i18n.text import t
from provisioning.engine.contract import Ledger
from provisioning.microsoft.ports.tenant import TenantPorts
from provisioning.microsoft.ports.voice import DialPlan, Gateway, RoutingPolicy, VoiceRoute
from provisioning.naming import Names


async def name_clashes(
    ports: TenantPorts, brand: str, sbc_domain: str, ledger: Ledger
) -> list[str]:
    """What exists under our names without being ours, in words."""
    names = Names(brand)
    e164 = names.e164
    upn = names.gateway_user(sbc_domain)
    plan, policy, route, gateway, usages, user = await asyncio.gather(
        ports.voice.get(DialPlan, e164),
        ports.voice.get(RoutingPolicy, e164),
        ports.voice.get(VoiceRoute, e164),
        ports.voice.get(Gateway, sbc_domain),
        ports.voice.usages(),
        ports.users.find(upn),
    )
    found = [
        ("dial_plan", e164, plan is not None, t("the dial plan '{name}'", name=e164)),
        (
            "routing_policy",
            e164,
            policy is not None,
            t("the voice routing policy '{name}'", name=e164),
        ),
        ("voice_route", e164, route is not None, t("the voice route '{name}'", name=e164)),
        (
            "gateway",
            sbc_domain,
            gateway is not None,
            t("the PSTN gateway '{name}'", name=sbc_domain),
        ),
        ("pstn_usage", e164, e164 in usages, t("the PSTN usage '{name}'", name=e164)),
        ("user", upn, user is not None, t("the user '{name}'", name=upn)),
    ]
    return [words for kind, key, exists, words in found if exists and not ledger.has(kind, key)]
