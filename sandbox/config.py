"""The sandbox's configuration file: registered apps, the demo tenant, DNS delegations."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.channel.model import Bot
from sandbox.directory.seeding import TenantSpec
from sandbox.entra.apps import AppRegistration

DEFAULT_CONFIG = Path(__file__).with_name("defaults.toml")


@dataclass
class ProviderDnsConfig:
    """The provider's zone: its name, how many secondaries, the update key, its records."""

    zone: str = "callroute.test"
    secondaries: int = 2
    tsig_key_name: str = "sandbox-update."
    records: list[str] = field(default_factory=list)


@dataclass
class SandboxConfig:
    """What the sandbox starts (and resets) with."""

    apps: list[AppRegistration] = field(default_factory=list)
    demo_tenant: TenantSpec | None = None
    delegations: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    provider_dns: ProviderDnsConfig = field(default_factory=ProviderDnsConfig)
    bots: list[Bot] = field(default_factory=list)


def parse_servers(items: list[str]) -> list[tuple[str, int]]:
    """``["127.0.0.1:5353", ...]`` as (host, port) pairs."""
    servers = []
    for item in items:
        host, sep, port = item.rpartition(":")
        if not sep or not port.isdigit():
            raise ValueError(f"{item!r} is not host:port")
        servers.append((host, int(port)))
    return servers


def load_config(path: Path = DEFAULT_CONFIG) -> SandboxConfig:
    """Read a TOML configuration file."""
    data: dict[str, Any] = tomllib.loads(path.read_text())
    config = SandboxConfig(apps=[AppRegistration.from_json(a) for a in data.get("apps", [])])
    if "demo_tenant" in data:
        config.demo_tenant = TenantSpec.from_json(data["demo_tenant"])
    dns_config = data.get("provider_dns", {})
    config.provider_dns = ProviderDnsConfig(
        zone=str(dns_config.get("zone", "callroute.test")).rstrip("."),
        secondaries=int(dns_config.get("secondaries", 2)),
        tsig_key_name=str(dns_config.get("tsig_key_name", "sandbox-update.")),
        records=[str(r) for r in dns_config.get("records", [])],
    )
    for item in data.get("bots", []):
        config.bots.append(Bot(str(item["app_id"]), str(item["name"]), str(item["endpoint"])))
    for item in data.get("dns", {}).get("delegations", []):
        config.delegations[str(item["zone"])] = parse_servers(list(item["servers"]))
    return config
