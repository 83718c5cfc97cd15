"""Names derived from settings (SPEC step 3)."""

from __future__ import annotations

import re

from provisioning.dial_rules import e164_rules
from provisioning.naming import Names, fqdn_problems, sbc_domain, upn_problems


def test_the_sbc_domain_comes_from_the_initial_domain() -> None:
    """``my-company.onmicrosoft.com`` → ``my-company.<region>.<zone>``."""
    assert (
        sbc_domain("My-Company.onmicrosoft.com", "gbr-lon-tgw", "callroute.io")
        == "my-company.gbr-lon-tgw.callroute.io"
    )


def test_brand_names() -> None:
    """``Callroute`` → ``Callroute-E164`` and ``callroute.teams@…``."""
    names = Names("Callroute")
    assert names.e164 == "Callroute-E164"
    assert (
        names.gateway_user("x.gbr-lon-tgw.callroute.io")
        == "callroute.teams@x.gbr-lon-tgw.callroute.io"
    )


def test_gateway_fqdns_are_at_most_63_characters() -> None:
    """teams-voice-api.md §3: the gateway FQDN is limited to 63 characters."""
    assert fqdn_problems("a" * 40 + ".gbr-lon-tgw.callroute.io") != []
    assert fqdn_problems("contoso.gbr-lon-tgw.callroute.io") == []
    assert "labels" in fqdn_problems("bad_label.callroute.io")[0]


def test_e164_rules_normalise_national_and_international_numbers() -> None:
    """The rules turn 0… and 00… into E.164 (.NET and Python agree on these patterns)."""

    def apply(number: str) -> str:
        for rule in e164_rules("44"):
            found = re.match(rule.pattern, number)
            if found:
                result = rule.translation
                for index, group in enumerate(found.groups(), 1):
                    result = result.replace(f"${index}", group)
                return result
        return number

    assert apply("02071234567") == "+442071234567"
    assert apply("0014255550100") == "+14255550100"
    assert apply("+442071234567") == "+442071234567"


def test_upn_rules_are_entra_s() -> None:
    """64 before the @, 48 after it, 113 in all, no period right before the @."""
    assert upn_problems("callroute.teams@" + "a" * 48) == []
    assert upn_problems("callroute.teams@" + "a" * 49) == [
        "the part after the @ is 49 characters; Entra allows 48"
    ]
    assert upn_problems("a" * 65 + "@x.io")[0].startswith("the part before the @ is 65")
    assert upn_problems("brand.@x.io") == ["it has a period right before the @"]
