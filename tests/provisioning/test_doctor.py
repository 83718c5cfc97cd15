"""``app.py doctor`` against the sandbox: every check ok on a ready tenant; a wrong TSIG key, a
silent name server, an admin without the roles, a token without the role-reading scope, and each
alternative mode of Microsoft's undocumented answers that a read can see shown as different or
unreachable, saying what differed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from provisioning.doctor import Doctor, Finding, Verdict
from provisioning.identity.scopes import GRAPH_SCOPES, SCOPES, Purpose
from tests.support.harness import Harness, SeededTenant
from tests.support.product import ROOT, Product


@pytest.fixture
def product(sb: Harness, tmp_path: Path) -> Iterator[Product]:
    """The product wired to the shared sandbox."""
    installed = Product.create(sb, f"sqlite:///{tmp_path / 'bot.db'}")
    yield installed
    installed.close()


def _doctor(product: Product, tenant: SeededTenant, **dns: object) -> Doctor:
    s = product.runtime.settings
    return Doctor(
        tenant.id,
        s.microsoft,
        s.identity,
        s.dns.model_copy(update=dns),
        product.runtime.vault,
        product.runtime.clock,
        product.runtime.ports.msal_client,
    )


def _by_check(findings: list[Finding]) -> dict[str, Finding]:
    return {f.check: f for f in findings}


def _not_ok(findings: list[Finding]) -> dict[str, Finding]:
    return {f.check: f for f in findings if f.verdict != Verdict.OK}


# The Teams admin API's read alternatives (sandbox/knobs.py TeamsAdminModes, fidelity review F3)
# and what the doctor names for each.
USERS_MODES: dict[str, tuple[dict[str, Any], list[str]]] = {
    "flat-policy-fields": (
        {"users_shape": "flat"},
        ["flat policy fields (onlineVoiceRoutingPolicy, tenantDialPlan) beside"],
    ),
    "pascal-case": (
        {"users_casing": "pascal"},
        ["PascalCase fields (", "instead of camelCase (matched in any casing)"],
    ),
    "paged-by-nextLink": ({"users_paging": "nextLink"}, ["link under 'nextLink' (followed)"]),
    "paged-by-odata-nextLink": (
        {"users_paging": "@odata.nextLink"},
        ["link under '@odata.nextLink' (followed)"],
    ),
}


async def test_every_check_is_ok_on_a_ready_tenant(sb: Harness, product: Product) -> None:
    """Scopes, roles, the Graph and Teams admin answers and the zone are as the product expects."""
    tenant = sb.make_tenant(users=6, teams_phone_share=0.5, resource_accounts=1)
    product.onboard(tenant)
    findings = await _doctor(product, tenant).run()
    assert {f.check: f.verdict for f in findings} == {f.check: Verdict.OK for f in findings}
    checks = _by_check(findings)
    assert "Global Administrator" in checks["graph.roles"].detail
    assert "in one 'users' envelope with effectivePolicyAssignments, no next link" in (
        checks["teams_admin.users"].detail
    )
    assert "modifiedDateTime filters" in checks["graph.user_configurations"].detail
    assert len(findings) == 13


async def test_a_wrong_tsig_key_is_different(sb: Harness, product: Product) -> None:
    """The zone refuses our key: shown, with the zone's answer."""
    tenant = sb.make_tenant(users=2)
    product.onboard(tenant)
    wrong = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTIzNDU2Nzg="
    findings = _by_check(await _doctor(product, tenant, tsig_secret=SecretStr(wrong)).run())
    assert findings["provider_dns.tsig_key"].verdict == Verdict.DIFFERENT
    assert "refused" in findings["provider_dns.tsig_key"].detail


async def test_a_silent_name_server_is_unreachable(sb: Harness, product: Product) -> None:
    """One authoritative server does not answer: named."""
    tenant = sb.make_tenant(users=2)
    product.onboard(tenant)
    servers = product.env["PROVIDER_DNS_SERVERS"] + ",127.0.0.1:9"
    doctor = _doctor(product, tenant, provider_dns_servers=servers, dns_timeout_seconds=0.3)
    finding = _by_check(await doctor.run())["provider_dns.servers"]
    assert finding.verdict == Verdict.UNREACHABLE
    assert "127.0.0.1:9 (no answer)" in finding.detail


async def test_an_admin_without_the_roles_is_different(sb: Harness, product: Product) -> None:
    """A Teams Administrator alone cannot provision: the roles check says so."""
    tenant = sb.make_tenant(users=4)
    upn = sb.state(tenant)["users"][-1]["userPrincipalName"]
    sb.control.patch(f"/tenants/{tenant.id}/users/{upn}", json={"roles": ["Teams Administrator"]})
    product.sign_in(tenant, Purpose.GRAPH, upn)
    product.sign_in(tenant, Purpose.TEAMS_ADMIN, upn)
    finding = _by_check(await _doctor(product, tenant).run())["graph.roles"]
    assert finding.verdict == Verdict.DIFFERENT
    assert "not enough to provision" in finding.detail
    assert not finding.copes


@pytest.mark.parametrize(("modes", "named"), USERS_MODES.values(), ids=USERS_MODES.keys())
async def test_each_alternative_shape_of_teams_users_is_different_and_named(
    sb: Harness, product: Product, modes: dict[str, Any], named: list[str]
) -> None:
    """Switched to an undocumented alternative, only the users check differs, naming it."""
    tenant = sb.make_tenant(users=4, teams_phone_share=0.5)
    response = sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"teams_admin": modes})
    assert response.status_code == 200, response.text
    product.onboard(tenant)
    findings = _not_ok(await _doctor(product, tenant).run())
    assert list(findings) == ["teams_admin.users"]
    line = findings["teams_admin.users"].line()
    assert line.startswith("different ")
    assert "differs from what the product was built for" in line
    assert all(words in line for words in named), line
    assert line.endswith("the product copes with each")
    assert findings["teams_admin.users"].copes


async def test_a_refused_filter_on_modified_date_time_is_different(
    sb: Harness, product: Product
) -> None:
    """Teams refuses the delta sync's filter: named, with how the product copes."""
    tenant = sb.make_tenant(users=4, teams_phone_share=0.5)
    sb.control.patch(f"/tenants/{tenant.id}/knobs", json={"filter_on_modified": False})
    product.onboard(tenant)
    findings = _not_ok(await _doctor(product, tenant).run())
    assert list(findings) == ["graph.user_configurations"]
    line = findings["graph.user_configurations"].line()
    assert line.startswith("different ")
    assert "the delta filter on modifiedDateTime is refused" in line
    assert "its delta syncs read every user instead" in line
    assert findings["graph.user_configurations"].copes


async def test_a_token_without_role_management_read_directory_is_different(
    sb: Harness, product: Product, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signed in by an app that does not ask for the scope: roles come with limited information."""
    scope = "https://graph.microsoft.com/RoleManagement.Read.Directory"
    monkeypatch.setitem(SCOPES, Purpose.GRAPH, [s for s in GRAPH_SCOPES if s != scope])
    tenant = sb.make_tenant(users=2)
    product.onboard(tenant)
    findings = _not_ok(await _doctor(product, tenant).run())
    assert set(findings) == {"entra.graph_token", "graph.roles"}
    assert "the token lacks RoleManagement.Read.Directory" in findings["entra.graph_token"].line()
    roles = findings["graph.roles"].line()
    assert roles.startswith("different ")
    assert "limited information" in roles
    assert "the token lacks RoleManagement.Read.Directory" in roles


def test_the_command_prints_a_line_per_check_and_exits_by_the_verdicts(
    sb: Harness, product: Product
) -> None:
    """``python app.py doctor --tenant …`` as an operator runs it."""
    tenant = sb.make_tenant(users=2)
    product.onboard(tenant)
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "doctor", "--tenant", tenant.id],
        cwd=ROOT,
        env={**os.environ, **product.env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(lines) == 13
    assert all(line.startswith("ok ") for line in lines)


def test_the_command_says_when_nobody_has_signed_in(sb: Harness, product: Product) -> None:
    """No stored sign-in: the operator is told how to get one."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "doctor", "--tenant", "nobody"],
        cwd=ROOT,
        env={**os.environ, **product.env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "signs in through the bot" in result.stdout
