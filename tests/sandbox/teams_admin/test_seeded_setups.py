"""Seeding what real tenants have: another provider's Direct Routing setup, resource accounts,
Teams Phone through E5 (teams-voice-api.md §4; anchors.md §1)."""

from __future__ import annotations

from tests.support.harness import Harness


def test_another_provider_s_setup_is_seeded_complete(sb: Harness) -> None:
    """Gateway, usage, route, policy, dial plan, and users holding them with numbers."""
    tenant = sb.make_tenant(
        users=20, teams_phone_share=0.5, other_provider={"name": "Fabrikam Voice", "users": 4}
    )
    voice = sb.state(tenant)["voice"]
    assert [g["Fqdn"] for g in voice["OnlinePSTNGateway"]] == ["sbc.fabrikamvoice.example"]
    assert voice["OnlinePstnUsages"] == ["FabrikamVoice-Usage"]
    assert [r["Identity"] for r in voice["OnlineVoiceRoute"]] == ["FabrikamVoice-Route"]
    assert "Tag:FabrikamVoice" in [p["Identity"] for p in voice["OnlineVoiceRoutingPolicy"]]
    assert "Tag:FabrikamVoice-DP" in [p["Identity"] for p in voice["TenantDialPlan"]]
    holders = [
        u
        for u in voice["users"].values()
        if u["policies"]["OnlineVoiceRoutingPolicy"] == "FabrikamVoice"
    ]
    assert len(holders) == 4
    assert all(h["enterpriseVoiceEnabled"] and h["numbers"] for h in holders)


def test_the_seeded_gateway_s_domain_is_active(sb: Harness) -> None:
    """Its domain is verified with a licensed activation user, so Teams accepts changes."""
    tenant = sb.make_tenant(users=5, teams_phone_share=1.0, other_provider={"name": "Old Co"})
    teams = sb.teams(tenant)
    response = teams.put(
        "/Skype.Policy/configurations/OnlinePSTNGateway/configuration/sbc.oldco.example",
        json={"MaxConcurrentSessions": 50},
    )
    assert response.status_code == 200, response.text


def test_resource_accounts_carry_line_uris_without_a_routing_policy(sb: Harness) -> None:
    """Resource accounts: numbers assigned, no voice routing policy (SPEC removal step 1)."""
    tenant = sb.make_tenant(users=5, resource_accounts=2)
    voice = sb.state(tenant)["voice"]
    accounts = {upn: u for upn, u in voice["users"].items() if upn.startswith("ra-")}
    assert len(accounts) == 2
    for account in accounts.values():
        assert account["accountType"] == "resourceAccount"
        assert account["numbers"]
        assert account["policies"]["OnlineVoiceRoutingPolicy"] == "Global"


def test_teams_phone_can_come_from_a_standalone_sku_or_from_e5(sb: Harness) -> None:
    """Teams Phone through E5 or MCOEV on top of E3; both enable the MCOEV plan."""
    e5 = sb.make_tenant(users=4, teams_phone_share=1.0)
    addon = sb.make_tenant(
        users=4, teams_phone_share=1.0, phone_licences=["ENTERPRISEPACK", "MCOEV"]
    )
    for tenant in (e5, addon):
        teams = sb.teams(tenant)
        users = teams.get("/Teams.User/users").json()["users"]
        members = [u for u in users if u["userPrincipalName"] != tenant.admin]
        assert all("PhoneSystem" in u["featureTypes"] for u in members)
