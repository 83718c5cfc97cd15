"""How our dial plan normalises what people dial, and what our voice route sends out
(research/teams-voice-api.md §4)."""

from __future__ import annotations

from provisioning.microsoft.ports.voice import NormalizationRule

# Every E.164 number goes through our gateway.
ROUTE_PATTERN = r"^\+\d+$"


def e164_rules(country_code: str) -> tuple[NormalizationRule, ...]:
    """Dial-plan rules that turn what people dial into E.164 for a country's numbering plan."""
    return (
        NormalizationRule("International", r"^00(\d+)$", "+$1", "International prefix 00 to +"),
        NormalizationRule(
            "National",
            r"^0(\d{7,14})$",
            f"+{country_code}$1",
            f"National numbers to +{country_code}",
        ),
        NormalizationRule("E164", r"^\+(\d{7,15})$", "+$1", "Already E.164"),
    )
