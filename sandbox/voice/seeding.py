"""Seeding what real tenants have: another provider's Direct Routing setup, resource accounts.

A customer moving to us usually has a previous provider's gateway, usage, route, policy and
dial plan, with users holding them (research/anchors.md §1; teams-voice-api.md §4).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.directory.model import LicenceGrant, User
from sandbox.directory.tenant import Tenant
from sandbox.voice.model import (
    DialPlan,
    Grant,
    NormalizationRule,
    NumberAssignment,
    PstnGateway,
    VoiceRoute,
    VoiceRoutingPolicy,
    tag,
)
from sandbox.voice.numbers import NUMBER_TYPES

NewUser = Callable[[str, str], User]


@dataclass
class OtherProvider:
    """Another provider's existing Direct Routing setup in the tenant."""

    name: str = "Fabrikam Voice"
    fqdn: str = ""
    users: int = 5
    number_prefix: str = "+1425555"
    # The holders' numbers: Calling Plan or Operator Connect numbers beside a Direct Routing
    # policy happen in tenants moving between providers (fidelity-review-2.md F9).
    number_type: str = "directRouting"
    # EnterpriseVoiceEnabled is a flag of its own and can be off beside a number (Graph's
    # userConfigurations list example; fidelity-review-2.md F13).
    enterprise_voice: bool = True

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OtherProvider:
        """Read the ``other_provider`` part of a tenant spec."""
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown other_provider fields: {', '.join(sorted(unknown))}")
        provider = cls(**data)
        if not provider.fqdn:
            slug = re.sub(r"[^a-z0-9]", "", provider.name.lower()) or "otherprovider"
            provider.fqdn = f"sbc.{slug}.example"
        if not re.fullmatch(r"\+\d{4,10}", provider.number_prefix):
            raise ValueError("number_prefix is '+' and 4 to 10 digits")
        if provider.number_type not in NUMBER_TYPES:
            raise ValueError(f"number_type is one of {', '.join(NUMBER_TYPES)}")
        if not isinstance(provider.enterprise_voice, bool):
            raise ValueError("enterprise_voice is true or false")
        return provider

    @property
    def slug(self) -> str:
        """The name as used in policy identities (``FabrikamVoice``)."""
        return re.sub(r"[^A-Za-z0-9]", "", self.name) or "OtherProvider"


def _number(prefix: str, index: int) -> str:
    width = 12 - len(prefix) + 1
    return f"{prefix}{index:0{max(width, 3)}d}"


def seed_other_provider(
    tenant: Tenant,
    provider: OtherProvider,
    phone_users: list[User],
    new_user: NewUser,
    licence: LicenceGrant,
    now: float,
) -> None:
    """Gateway on its own verified domain with a licensed activation user; usage, route,
    policy and dial plan; and the first ``provider.users`` phone users granted them with numbers.
    """
    domain_name = provider.fqdn.split(".", 1)[1]
    domain = tenant.add_domain(domain_name, now)
    domain.mark_verified(now)
    domain.supported_services = ["OfficeCommunicationsOnline"]
    activation = new_user(f"dr-activation@{domain_name}", f"{provider.name} activation")
    activation.licences = {licence.sku_id: licence}
    voice = tenant.voice
    usage = f"{provider.slug}-Usage"
    voice.usages.append(usage)
    voice.gateways[provider.fqdn] = PstnGateway(
        provider.fqdn, 5067, enabled=True, max_concurrent_sessions=100
    )
    voice.routes[f"{provider.slug}-Route".lower()] = VoiceRoute(
        f"{provider.slug}-Route", r"^\+\d+$", [provider.fqdn], [usage], 0
    )
    policy = VoiceRoutingPolicy(tag(provider.slug), [usage], f"{provider.name} routing")
    voice.policies[policy.identity.lower()] = policy
    plan = DialPlan(
        tag(f"{provider.slug}-DP"),
        f"{provider.name} dial plan",
        normalization_rules=[
            NormalizationRule("International", r"^00(\d+)$", "+$1", "International prefix")
        ],
    )
    voice.dial_plans[plan.identity.lower()] = plan
    for index, user in enumerate(phone_users[: provider.users]):
        voice.grants[(user.id, "OnlineVoiceRoutingPolicy")] = [Grant(policy.identity, now)]
        voice.grants[(user.id, "TenantDialPlan")] = [Grant(plan.identity, now)]
        number = _number(provider.number_prefix, index + 1)
        voice.numbers[number] = NumberAssignment(number, user.id, provider.number_type)
        voice.enterprise_voice[user.id] = provider.enterprise_voice


def seed_resource_accounts(
    tenant: Tenant, count: int, new_user: NewUser, licence: LicenceGrant, number_prefix: str
) -> None:
    """Auto attendants with line URIs: licensed as resource accounts, no voice routing policy."""
    for index in range(count):
        account = new_user(
            f"ra-{index + 1}@{tenant.initial_domain.name}", f"Auto attendant {index + 1}"
        )
        account.resource_account = True
        account.account_enabled = False
        account.licences = {licence.sku_id: licence}
        number = _number(number_prefix, 900 + index)
        tenant.voice.numbers[number] = NumberAssignment(number, account.id, "directRouting")
        tenant.voice.enterprise_voice[account.id] = True
