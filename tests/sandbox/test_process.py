"""The sandbox process: its startup line, its HTTPS, its plain-http sign-in page."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest

from tests.support.harness import Harness
from tests.support.sandbox_process import SandboxEndpoints, running_sandbox
from tests.support.signin import sign_in


def test_startup_line_names_every_endpoint(sandbox: SandboxEndpoints) -> None:
    """``{"authority", "graph", "ca_file", "control"}`` on one JSON line."""
    assert {"authority", "graph", "ca_file", "control"} <= set(sandbox.raw)
    assert sandbox.authority.startswith("https://")
    assert sandbox.graph.startswith("https://")
    assert sandbox.graph.endswith("/v1.0")
    assert Path(sandbox.ca_file).is_file()


def test_startup_line_names_the_teams_admin_api_and_the_provider_zone(
    sandbox: SandboxEndpoints,
) -> None:
    """Part 2 adds ``teams_admin``, ``dns`` (primary and secondaries), ``zone`` and ``tsig``."""
    assert sandbox.raw["teams_admin"].startswith("https://")
    assert set(sandbox.raw["dns"]) == {"primary", "secondaries"}
    assert len(sandbox.raw["dns"]["secondaries"]) == 2
    assert sandbox.raw["zone"] == "callroute.test"
    assert sandbox.raw["tsig"]["algorithm"] == "hmac-sha256"
    assert {"name", "secret"} <= set(sandbox.raw["tsig"])


def test_startup_line_names_the_channel_and_the_web_chat(sandbox: SandboxEndpoints) -> None:
    """Part 3 adds ``service_url``, ``openid_metadata`` and ``chat``, all on one origin."""
    origin = sandbox.service_url.rstrip("/")
    assert sandbox.service_url.startswith("http://")
    assert sandbox.service_url.endswith("/")
    assert sandbox.openid_metadata == f"{origin}/v1/.well-known/openidconfiguration"
    assert sandbox.chat == f"{origin}/chat"


def test_the_tsig_key_survives_a_restart(tmp_path: Path) -> None:
    """A configured DNS client keeps working across restarts of the sandbox."""
    with running_sandbox(tmp_path) as (first, _):
        secret = first.tsig["secret"]
    with running_sandbox(tmp_path) as (second, _):
        assert second.tsig["secret"] == secret


def test_https_is_trusted_only_through_the_sandbox_ca(sandbox: SandboxEndpoints) -> None:
    """MSAL refuses plain http, so the sandbox serves TLS from its own CA."""
    with (
        httpx.Client(verify=ssl.create_default_context()) as untrusting,
        pytest.raises(httpx.ConnectError),
    ):
        untrusting.get(f"{sandbox.authority}/organizations/v2.0/.well-known/openid-configuration")
    with httpx.Client(verify=sandbox.ssl_context()) as trusting:
        assert (
            trusting.get(
                f"{sandbox.authority}/organizations/v2.0/.well-known/openid-configuration"
            ).status_code
            == 200
        )


def test_the_ca_survives_a_restart(tmp_path: Path) -> None:
    """A CA trusted once (by a browser, say) stays valid across restarts of the sandbox."""
    with running_sandbox(tmp_path) as (first, _):
        ca = Path(first.ca_file).read_bytes()
    with running_sandbox(tmp_path) as (second, _):
        assert Path(second.ca_file).read_bytes() == ca
        with httpx.Client(verify=second.ssl_context()) as client:
            assert (
                client.get(f"{second.authority}/organizations/discovery/v2.0/keys").status_code
                == 200
            )


def test_fixed_ports_follow_the_port_base(tmp_path: Path) -> None:
    """``--port-base N``: Entra N … Teams admin N+4, DNS N+5…N+7, the channel N+8."""
    with running_sandbox(tmp_path, "--port-base", "18440") as (endpoints, _):
        assert endpoints.authority.endswith(":18440")
        assert ":18441/" in endpoints.graph
        assert ":18442/" in endpoints.control
        assert endpoints.login_page.endswith(":18443")
        assert endpoints.teams_admin.endswith(":18444")
        assert endpoints.dns_servers == [
            ("127.0.0.1", 18445),
            ("127.0.0.1", 18446),
            ("127.0.0.1", 18447),
        ]
        assert endpoints.service_url == "http://127.0.0.1:18448/"


def test_browsers_can_sign_in_over_plain_http(tmp_path: Path) -> None:
    """With ``--browser-login-http`` discovery sends browsers to the http sign-in page."""
    with running_sandbox(tmp_path, "--browser-login-http") as (endpoints, _):
        harness = Harness(endpoints)
        try:
            doc = harness.https.get(
                f"{endpoints.authority}/organizations/v2.0/.well-known/openid-configuration"
            ).json()
            assert doc["authorization_endpoint"].startswith(endpoints.login_page + "/")
            assert doc["token_endpoint"].startswith("https://")
            tenant = harness.make_tenant()
            url = harness.entra.authorize_url(tenant.domain, ["User.Read"]).replace(
                endpoints.authority, endpoints.login_page
            )
            with httpx.Client(follow_redirects=False) as browser:
                result = sign_in(browser, url, tenant.admin)
            assert "code" in result.params
        finally:
            harness.close()
