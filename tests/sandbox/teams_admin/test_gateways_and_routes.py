"""PSTN gateways and voice routes (teams-voice-api.md §3 New-CsOnlinePSTNGateway, -VoiceRoute;
§4 domain activation)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.support.harness import Graph, Harness, SeededTenant

CONFIG = "/Skype.Policy/configurations"
OFFICE_E1 = "18181a46-0d4e-45cd-891e-60aabd171b4e"


def _gateway(teams: Graph, fqdn: str, **extra: object) -> httpx.Response:
    return teams.post(
        f"{CONFIG}/OnlinePSTNGateway", json={"Fqdn": fqdn, "SipSignalingPort": 5061, **extra}
    )


def test_a_gateway_on_an_active_domain_is_created_disabled_by_default(
    teams: Graph, sbc_domain: Callable[..., str]
) -> None:
    """§3: ``Enabled`` defaults to false; SendSipOptions true; ForwardPai false."""
    fqdn = sbc_domain()
    response = _gateway(teams, fqdn)
    assert response.status_code == 201, response.text
    gateway = response.json()
    assert gateway["Identity"] == gateway["Fqdn"] == fqdn
    assert gateway["Enabled"] is False
    assert gateway["SendSipOptions"] is True
    assert gateway["ForwardPai"] is False
    assert gateway["FailoverTimeSeconds"] == 10
    assert gateway["MaxConcurrentSessions"] is None


def test_a_gateway_can_be_created_enabled_with_its_settings(
    teams: Graph, sbc_domain: Callable[..., str]
) -> None:
    """§3: SipSignalingPort, Enabled, MaxConcurrentSessions (1–100,000), ForwardPai."""
    fqdn = sbc_domain()
    gateway = _gateway(teams, fqdn, Enabled=True, MaxConcurrentSessions=100, ForwardPai=True).json()
    assert (gateway["Enabled"], gateway["MaxConcurrentSessions"], gateway["ForwardPai"]) == (
        True,
        100,
        True,
    )
    assert _gateway(teams, sbc_domain(), MaxConcurrentSessions=0).status_code == 400


def test_gateway_fqdn_is_at_most_63_characters(teams: Graph) -> None:
    """§3: "Fqdn is limited to 63 characters"."""
    fqdn = "a" * 50 + ".gbr-lon-tgw.callroute.test"
    response = _gateway(teams, fqdn)
    assert response.status_code == 400
    assert "63" in response.json()["error"]["message"]


def test_a_gateway_needs_a_registered_domain(teams: Graph) -> None:
    """§3, R29: "Can not use the … domain as it was not configured for this tenant"."""
    response = _gateway(teams, "sbc.nobody.example")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        'Can not use the "sbc.nobody.example" domain as it was not configured for this tenant.'
    )


def test_onmicrosoft_domains_cannot_carry_a_gateway(teams: Graph, tenant: SeededTenant) -> None:
    """§3: the domain must not be ``*.onmicrosoft.com``."""
    assert _gateway(teams, f"sbc.{tenant.domain}").status_code == 400


def test_an_unverified_domain_is_not_usable(teams: Graph, sbc_domain: Callable[..., str]) -> None:
    """§3: registered is not enough: the domain must be verified."""
    fqdn = sbc_domain(verified=False, licensed=False)
    assert _gateway(teams, fqdn).status_code == 400


def test_a_verified_domain_without_a_licensed_user_is_not_usable(
    teams: Graph, sbc_domain: Callable[..., str]
) -> None:
    """§3–4: a user on the domain whose licence carries MCOSTANDARD is required."""
    fqdn = sbc_domain(licensed=False)
    response = _gateway(teams, fqdn)
    assert response.status_code == 400
    assert "was not configured for this tenant" in response.json()["error"]["message"]


def test_activation_takes_the_configured_delay(
    sb: Harness, tenant: SeededTenant, teams: Graph, sbc_domain: Callable[..., str]
) -> None:
    """§4: "It might take up to 24 hours": refused before the activation delay, fine after."""
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"activation_seconds": 600})
    fqdn = sbc_domain()
    assert _gateway(teams, fqdn).status_code == 400
    sb.advance_clock(600)
    assert _gateway(teams, fqdn).status_code == 201


def test_a_subdomain_s_parent_may_be_the_registered_domain(
    teams: Graph, sbc_domain: Callable[..., str]
) -> None:
    """§3: for ``sbc.service.contoso.com`` register ``service.contoso.com``."""
    parent = sbc_domain()
    assert _gateway(teams, f"sbc.{parent}").status_code == 201


def _route(teams: Graph, name: str, gateways: list[str], usages: list[str]) -> httpx.Response:
    return teams.post(
        f"{CONFIG}/OnlineVoiceRoute",
        json={
            "Identity": name,
            "NumberPattern": r"^\+\d+$",
            "OnlinePstnGatewayList": gateways,
            "OnlinePstnUsages": usages,
        },
    )


def test_a_route_links_existing_gateways_and_usages(
    teams: Graph, sbc_domain: Callable[..., str]
) -> None:
    """§3: a route's usages must exist; its gateways must exist."""
    fqdn = sbc_domain()
    _gateway(teams, fqdn, Enabled=True)
    assert _route(teams, "R", [fqdn], ["U"]).status_code == 400
    teams.put(f"{CONFIG}/OnlinePstnUsages/configuration/Global", json={"Usage": ["U"]})
    missing = _route(teams, "R", ["sbc.nowhere.example"], ["U"])
    assert missing.status_code == 400
    assert (
        'Cannot find specified Gateway "sbc.nowhere.example"' in missing.json()["error"]["message"]
    )
    created = _route(teams, "Callroute-E164", [fqdn], ["U"])
    assert created.status_code == 201
    body = created.json()
    assert body["Identity"] == "Callroute-E164"
    assert body["OnlinePstnGatewayList"] == [fqdn]
    assert body["Priority"] == 0


def test_a_route_without_gateways_warns(teams: Graph) -> None:
    """§1.2, §3: an empty gateway list is allowed, with a warning header."""
    teams.put(f"{CONFIG}/OnlinePstnUsages/configuration/Global", json={"Usage": ["U"]})
    response = _route(teams, "Empty", [], ["U"])
    assert response.status_code == 201
    assert "X-Ms-ConfigApi-PowerShell-WarningMessage" in response.headers


def test_route_priorities_are_assigned_in_order(teams: Graph) -> None:
    """§3: priority is assigned automatically when omitted; lists come in priority order."""
    teams.put(f"{CONFIG}/OnlinePstnUsages/configuration/Global", json={"Usage": ["U"]})
    for name in ("First", "Second", "Third"):
        _route(teams, name, [], ["U"])
    routes = teams.get(f"{CONFIG}/OnlineVoiceRoute").json()
    assert [(r["Identity"], r["Priority"]) for r in routes] == [
        ("First", 0),
        ("Second", 1),
        ("Third", 2),
    ]


def test_a_gateway_linked_by_a_route_cannot_be_removed(
    teams: Graph, sbc_domain: Callable[..., str]
) -> None:
    """§3: "Can not remove 'OnlinePSTNGateway', linked 'OnlineVoiceRoute' exists"."""
    fqdn = sbc_domain()
    _gateway(teams, fqdn)
    teams.put(f"{CONFIG}/OnlinePstnUsages/configuration/Global", json={"Usage": ["U"]})
    _route(teams, "R", [fqdn], ["U"])
    response = teams.delete(f"{CONFIG}/OnlinePSTNGateway/configuration/{fqdn}")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == (
        "Can not remove 'OnlinePSTNGateway', linked "
        "'OnlineVoiceRoute' exists. Use "
        "'Remove-CsOnlineVoiceRoute'"
    )
    assert teams.delete(f"{CONFIG}/OnlineVoiceRoute/configuration/R").status_code == 204
    assert teams.delete(f"{CONFIG}/OnlinePSTNGateway/configuration/{fqdn}").status_code == 204


def test_a_usage_named_by_a_route_cannot_leave_the_list(teams: Graph) -> None:
    """A usage in use by a route cannot be removed."""
    teams.put(f"{CONFIG}/OnlinePstnUsages/configuration/Global", json={"Usage": ["U"]})
    _route(teams, "R", [], ["U"])
    response = teams.put(f"{CONFIG}/OnlinePstnUsages/configuration/Global", json={"Usage": []})
    assert response.status_code == 409


def test_gateway_update_keeps_its_fqdn(teams: Graph, sbc_domain: Callable[..., str]) -> None:
    """``Set-CsOnlinePSTNGateway``: settings change, the FQDN does not."""
    fqdn = sbc_domain()
    _gateway(teams, fqdn)
    enabled = teams.put(f"{CONFIG}/OnlinePSTNGateway/configuration/{fqdn}", json={"Enabled": True})
    assert enabled.json()["Enabled"] is True
    renamed = teams.put(
        f"{CONFIG}/OnlinePSTNGateway/configuration/{fqdn}", json={"Fqdn": "other.example"}
    )
    assert renamed.status_code == 400


def test_by_default_standalone_mcostandard_activates_a_domain(
    teams: Graph, sbc_domain: Callable[..., str]
) -> None:
    """The product's SPEC activates with standalone MCOSTANDARD; the default agrees."""
    assert _gateway(teams, sbc_domain()).status_code == 201


def test_when_teams_is_required_standalone_mcostandard_does_not_activate(
    sb: Harness, tenant: SeededTenant, teams: Graph, sbc_domain: Callable[..., str]
) -> None:
    """F8 ``activation_requires_teams_licence``: Microsoft names E1/E3/E5, a Teams licence."""
    sb.control.patch(
        f"/tenants/{tenant.id}/knobs", json={"activation_requires_teams_licence": True}
    )
    response = _gateway(teams, sbc_domain())
    assert response.status_code == 400
    assert "was not configured for this tenant" in response.json()["error"]["message"]


def test_when_teams_is_required_an_e1_user_activates_the_domain(
    sb: Harness, tenant: SeededTenant, teams: Graph, sbc_domain: Callable[..., str]
) -> None:
    """F8: E1 carries TEAMS1 and MCOSTANDARD ("at least one E1, E3, or E5 licensed user")."""
    sb.control.patch(
        f"/tenants/{tenant.id}/knobs", json={"activation_requires_teams_licence": True}
    )
    assert _gateway(teams, sbc_domain(sku=OFFICE_E1)).status_code == 201
