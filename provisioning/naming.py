"""Names the product gives what it creates, and the limits Microsoft puts on them (SPEC step 3)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from i18n.text import t

MAX_GATEWAY_FQDN = 63  # New-CsOnlinePSTNGateway: "Fqdn is limited to 63 characters"
# Entra's UPN policy (concept-sspr-policy): 64 before the @, 48 after it, 113 in all.
MAX_UPN_LOCAL = 64
MAX_UPN_DOMAIN = 48
MAX_UPN = 113
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@dataclass(frozen=True)
class Names:
    """``Callroute`` gives ``Callroute-E164`` (dial plan, policy, usage, route) and
    ``callroute.teams@<sbc domain>`` (the gateway user)."""

    brand: str

    @property
    def e164(self) -> str:
        """The name of the dial plan, voice routing policy, PSTN usage and voice route."""
        return f"{self.brand}-E164"

    def gateway_user(self, sbc_domain: str) -> str:
        """The UPN of the licensed user that activates the SBC domain."""
        return f"{self.brand.lower()}.teams@{sbc_domain}"


def sbc_domain(initial_domain: str, region: str, zone: str) -> str:
    """``my-company.onmicrosoft.com`` → ``my-company.<region>.<zone>`` (SPEC step 3.1)."""
    prefix = initial_domain.lower().split(".", 1)[0]
    return f"{prefix}.{region}.{zone}".lower().rstrip(".")


def fqdn_problems(fqdn: str) -> list[str]:
    """Why ``fqdn`` cannot be a Teams gateway FQDN (empty when it can)."""
    if not fqdn:
        return []
    problems = []
    if len(fqdn) > MAX_GATEWAY_FQDN:
        problems.append(
            t(
                "it is {length} characters long; Teams allows at most {limit}",
                length=len(fqdn),
                limit=MAX_GATEWAY_FQDN,
            )
        )
    bad = [label for label in fqdn.split(".") if not _LABEL.match(label)]
    if bad:
        problems.append(
            t("these labels are not valid host-name labels: {labels}", labels=", ".join(bad))
        )
    return problems


def upn_problems(upn: str) -> list[str]:
    """Why Entra would refuse ``upn`` for a new user (empty when it would not)."""
    local, _, domain = upn.partition("@")
    problems = []
    if len(local) > MAX_UPN_LOCAL:
        problems.append(
            t(
                "the part before the @ is {length} characters; Entra allows {limit}",
                length=len(local),
                limit=MAX_UPN_LOCAL,
            )
        )
    if len(domain) > MAX_UPN_DOMAIN:
        problems.append(
            t(
                "the part after the @ is {length} characters; Entra allows {limit}",
                length=len(domain),
                limit=MAX_UPN_DOMAIN,
            )
        )
    if len(upn) > MAX_UPN:
        problems.append(
            t(
                "it is {length} characters long; Entra allows {limit}",
                length=len(upn),
                limit=MAX_UPN,
            )
        )
    if local.endswith("."):
        problems.append(t("it has a period right before the @"))
    return problems
