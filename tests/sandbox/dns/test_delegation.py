"""``--delegate ZONE=HOST:PORT`` and ``[[dns.delegations]]`` for the provider zone: a provider
points the sandbox at their own authoritative servers (here a real Knot DNS server serving the
zone), and Graph's domain verification asks those instead of the sandbox's built-in ones (README,
"--delegate"; research/graph-entra.md §3.3 for verify)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.config import DEFAULT_CONFIG
from tests.support.harness import Harness
from tests.support.knot import KnotServer, running_knot
from tests.support.provider_dns import ProviderDns
from tests.support.sandbox_process import running_sandbox

ZONE = "callroute.test"


@pytest.fixture(scope="module")
def provider_knot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnotServer]:
    """The provider's own Knot server for the sandbox's provider zone."""
    with running_knot(tmp_path_factory.mktemp("provider-knot"), zone=ZONE) as server:
        yield server


@pytest.fixture(scope="module")
def delegated(
    provider_knot: KnotServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Harness]:
    """A sandbox started with ``--delegate callroute.test=<the Knot server>``."""
    data = tmp_path_factory.mktemp("delegated-sandbox")
    with running_sandbox(data, "--delegate", f"{ZONE}={provider_knot.address}") as (ends, _):
        harness = Harness(ends)
        yield harness
        harness.close()


def _verify_through(harness: Harness, knot: KnotServer) -> tuple[int, str]:
    """Add a domain in a new tenant, publish its TXT record in Knot only, ask Graph to verify."""
    tenant = harness.make_tenant()
    graph = harness.graph(tenant)
    name = f"c{uuid.uuid4().hex[:8]}.gbr-lon.{ZONE}"
    assert graph.post("/domains", json={"id": name}).status_code == 201
    records = graph.get(f"/domains/{name}/verificationDnsRecords").json()["value"]
    knot.set_txt(name + ".", next(r["text"] for r in records if r["recordType"] == "Txt"))
    assert ProviderDns(harness.endpoints).txt(name + ".") == []  # not in the sandbox's zone
    response = graph.post(f"/domains/{name}/verify")
    return response.status_code, response.text


def test_the_flag_wins_over_the_built_in_servers(
    delegated: Harness, provider_knot: KnotServer
) -> None:
    """The control API lists the provider's server for the zone, not the sandbox's three."""
    delegations = delegated.control.get("/dns/delegations").json()["delegations"]
    assert delegations[ZONE] == [provider_knot.address]


def test_a_record_only_in_the_providers_server_verifies_the_domain(
    delegated: Harness, provider_knot: KnotServer
) -> None:
    """Graph's verify finds the TXT record Knot serves and the sandbox's zone does not."""
    status, body = _verify_through(delegated, provider_knot)
    assert status == 200, body
    assert '"isVerified":true' in body.replace(" ", "")


def test_the_flag_still_wins_after_a_reset(delegated: Harness, provider_knot: KnotServer) -> None:
    """``POST /_sandbox/reset`` starts again from the configuration and the flag."""
    assert delegated.control.post("/reset").status_code == 200
    Harness(delegated.endpoints).close()  # registers the suite's app again after the reset
    delegations = delegated.control.get("/dns/delegations").json()["delegations"]
    assert delegations[ZONE] == [provider_knot.address]


def test_a_delegation_in_the_configuration_wins_too(
    provider_knot: KnotServer, tmp_path: Path
) -> None:
    """``[[dns.delegations]]`` in ``--config`` is the flag's equivalent."""
    config = tmp_path / "sandbox.toml"
    config.write_text(
        DEFAULT_CONFIG.read_text()
        + f'\n[[dns.delegations]]\nzone = "{ZONE}"\nservers = ["{provider_knot.address}"]\n'
    )
    with running_sandbox(tmp_path / "sandbox", "--config", str(config)) as (endpoints, _):
        harness = Harness(endpoints)
        try:
            status, body = _verify_through(harness, provider_knot)
        finally:
            harness.close()
    assert status == 200, body
