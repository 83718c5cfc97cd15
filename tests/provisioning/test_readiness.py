"""Judging readiness (SPEC step 2) from what was seen: every check passes, warns or fails with
a fix, and nothing crashes on what could not be seen."""

from __future__ import annotations

from dataclasses import replace

from provisioning.microsoft.catalog import (
    GLOBAL_ADMINISTRATOR,
    MCOSTANDARD_PLAN,
    TEAMS_ADMINISTRATOR,
    TEAMS_PLAN,
)
from provisioning.microsoft.ports.directory import DirectoryRole, Organization, SubscribedSku
from provisioning.readiness import Observations, Status, blocking, evaluate

READY = Observations(
    roles=[DirectoryRole(GLOBAL_ADMINISTRATOR, "Global Administrator")],
    organization=Organization("t", "Contoso", "contoso.onmicrosoft.com", "GB"),
    skus=[SubscribedSku("s", "ENTERPRISEPACK", 1, 0, frozenset({MCOSTANDARD_PLAN, TEAMS_PLAN}))],
    teams_phone_users=12,
    sbc_domain="contoso.gbr-lon-tgw.callroute.io",
    gateway_upn="callroute.teams@contoso.gbr-lon-tgw.callroute.io",
    sbc_domain_taken=False,
    already_integrated=False,
    sbc_domain_ours=False,
    zone_error=None,
    errors={},
)


def _by_key(obs: Observations) -> dict[str, tuple[Status, str, str]]:
    return {c.key: (c.status, c.detail, c.fix) for c in evaluate(obs)}


def test_a_ready_tenant_passes_every_check() -> None:
    """Nothing blocks."""
    checks = evaluate(READY)
    assert {c.status for c in checks} == {Status.PASS}
    assert blocking(checks) == []


def test_missing_roles_are_named() -> None:
    """Teams Administrator alone lacks users and domains: both named, with the fix."""
    status, detail, fix = _by_key(
        replace(READY, roles=[DirectoryRole(TEAMS_ADMINISTRATOR, "Teams Administrator")])
    )["roles"]
    assert status == Status.FAIL
    assert "User Administrator" in detail
    assert "Domain Name Administrator" in detail
    assert "dedicated service account" in fix


def test_no_free_seat_fails_with_what_to_buy() -> None:
    """Every MCOSTANDARD seat taken."""
    full = [SubscribedSku("s", "ENTERPRISEPACK", 1, 1, frozenset({MCOSTANDARD_PLAN, TEAMS_PLAN}))]
    status, _, fix = _by_key(replace(READY, skus=full))["licence"]
    assert status == Status.FAIL
    assert "MCOSTANDARD" in fix


def test_only_a_standalone_mcostandard_seat_is_a_warning_with_the_reason() -> None:
    """F8: it may never activate the domain; the admin is told why, the start is not blocked."""
    standalone = [SubscribedSku("s", "MCOSTANDARD", 1, 0, frozenset({MCOSTANDARD_PLAN}))]
    checks = evaluate(replace(READY, skus=standalone))
    licence = next(c for c in checks if c.key == "licence")
    assert licence.status == Status.WARN
    assert "E1, E3 or E5" in licence.detail
    assert blocking(checks) == []


def test_no_teams_phone_users_is_a_warning_not_a_blocker() -> None:
    """The integration can go ahead; numbers come later."""
    checks = evaluate(replace(READY, teams_phone_users=0))
    assert {c.key: c.status for c in checks}["teams_phone"] == Status.WARN
    assert blocking(checks) == []


def test_an_integrated_tenant_is_told_to_remove_first() -> None:
    """Already integrated: integrating again needs a removal first."""
    status, _, fix = _by_key(replace(READY, already_integrated=True))["not_integrated"]
    assert (status, fix) == (Status.FAIL, "To set it up again, run the removal first.")


def test_our_own_domain_from_an_earlier_attempt_lets_integration_resume() -> None:
    """M6: a failed provisioning left the domain; integrating carries on, no removal needed."""
    status, detail, _ = _by_key(replace(READY, sbc_domain_taken=True, sbc_domain_ours=True))[
        "not_integrated"
    ]
    assert status == Status.PASS
    assert "carries on" in detail


def test_someone_else_s_domain_blocks() -> None:
    """The SBC domain is in the tenant and the bot did not add it."""
    status, detail, _ = _by_key(replace(READY, sbc_domain_taken=True))["not_integrated"]
    assert status == Status.FAIL
    assert "did not add it" in detail


def test_an_sbc_domain_too_long_for_teams_fails() -> None:
    """Teams gateways take FQDNs of at most 63 characters."""
    long = "a" * 40 + ".gbr-lon-tgw.callroute.io"
    status, detail, _ = _by_key(replace(READY, sbc_domain=long))["sbc_fqdn"]
    assert status == Status.FAIL
    assert "at most 63" in detail


def test_an_sbc_domain_too_long_for_the_gateway_user_fails_before_anything_is_written() -> None:
    """F2: valid for Teams (≤ 63) but over Entra's 48 characters after the @."""
    sbc = "a-rather-long-company-name.gbr-lon-tgw.callroute.io"  # 51 characters
    status, detail, fix = _by_key(
        replace(READY, sbc_domain=sbc, gateway_upn=f"callroute.teams@{sbc}")
    )["sbc_fqdn"]
    assert status == Status.FAIL
    assert "after the @ is 51 characters; Entra allows 48" in detail
    assert "48 characters" in fix


def test_nothing_crashes_when_the_organization_could_not_be_read() -> None:
    """L2: one clear failure, no second confusing one about an empty domain."""
    obs = replace(
        READY,
        organization=None,
        sbc_domain="",
        gateway_upn="",
        sbc_domain_taken=None,
        errors={"organization": "503"},
    )
    checks = _by_key(obs)
    assert checks["initial_domain"][0] == Status.FAIL
    assert checks["sbc_fqdn"][0] == Status.WARN


def test_a_zone_that_refuses_our_key_is_the_provider_s_to_fix() -> None:
    """The fix names the provider's side, not the admin's tenant."""
    status, _, fix = _by_key(replace(READY, zone_error="NOTAUTH"))["provider_zone"]
    assert status == Status.FAIL
    assert "provider" in fix
