"""``app.py doctor`` against the sandbox: every check ok on a ready tenant; a wrong TSIG key, a
silent name server or an admin without the roles shown as different or unreachable."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from provisioning.doctor import Doctor, Finding, Verdict
from provisioning.identity.scopes import Purpose
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


async def test_every_check_is_ok_on_a_ready_tenant(sb: Harness, product: Product) -> None:
    """Scopes, roles, the Graph and Teams admin answers and the zone are as the product expects."""
    tenant = sb.make_tenant(users=6, teams_phone_share=0.5, resource_accounts=1)
    product.onboard(tenant)
    findings = await _doctor(product, tenant).run()
    assert {f.check: f.verdict for f in findings} == {f.check: Verdict.OK for f in findings}
    checks = _by_check(findings)
    assert "Global Administrator" in checks["graph.roles"].detail
    assert "envelope" in checks["teams_admin.users"].detail
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
