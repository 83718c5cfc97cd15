"""The sandbox process: binds its sockets, seeds, prints its endpoints as one JSON line, serves."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from sandbox import persistence
from sandbox.channel.service import ChannelService
from sandbox.config import SandboxConfig
from sandbox.directory.seeding import seed_tenant
from sandbox.dns.authority import NameServer, ProviderZone, TsigKey, initial_records
from sandbox.dns.serve import listen
from sandbox.knobs import GlobalKnobs
from sandbox.signing import SigningKey
from sandbox.state import Sandbox
from sandbox.tls import ensure_tls_files
from sandbox.web.channel_app import channel_app
from sandbox.web.control_app import control_app
from sandbox.web.entra_app import entra_app
from sandbox.web.graph_app import graph_app
from sandbox.web.teams_admin_app import teams_admin_app


@dataclass
class ServeOptions:
    """Where to listen and what to start with."""

    data_dir: Path
    config: SandboxConfig
    host: str = "127.0.0.1"
    # 0 picks free ports; otherwise entra, graph, control, login and teams_admin use
    # base..base+4 and the DNS servers (primary first, UDP and TCP) base+5 onwards.
    port_base: int = 0
    browser_login_http: bool = False
    extra_delegations: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # Start from the snapshot in data_dir (if there is one) and keep it up to date.
    keep_state: bool = False


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.setblocking(False)
    return sock


def reset_sandbox(sb: Sandbox, options: ServeOptions) -> None:
    """Forget everything and start again from the configuration."""
    sb.directory.clear()
    sb.apps.clear()
    sb.codes.clear()
    sb.faults.clear()
    sb.knobs = GlobalKnobs()
    sb.clock.reset()
    sb.resolver.reset()
    if sb.provider_zone is not None:
        sb.provider_zone.reset()
    for hook in sb.reset_hooks:
        hook()
    for app in options.config.apps:
        sb.apps.register(app)
    sb.channel.clear()
    for bot in options.config.bots:
        sb.channel.register(bot)
    if sb.provider_zone is not None:
        servers = [sb.endpoints.dns_primary, *sb.endpoints.dns_secondaries]
        sb.resolver.delegate(
            options.config.provider_dns.zone,
            [(h, int(p)) for h, _, p in (s.rpartition(":") for s in servers)],
        )
    # The sandbox's own servers answer for the provider zone only by default: a delegation in
    # the configuration, or --delegate on the command line (which wins over the configuration),
    # replaces them, so a provider can verify domains against their own Knot or BIND zone
    # (README, "--delegate"). A later delegate() of the same zone replaces an earlier one.
    for zone, zone_servers in {**options.config.delegations, **options.extra_delegations}.items():
        sb.resolver.delegate(zone, zone_servers)
    if options.config.demo_tenant is not None:
        seed_tenant(sb.directory, options.config.demo_tenant, sb.clock.now())


async def serve(options: ServeOptions) -> None:
    """Run the sandbox until SIGINT or SIGTERM."""
    tls = ensure_tls_files(options.data_dir / "tls", [options.host, "localhost"])
    key = SigningKey.load_or_create(options.data_dir / "signing-key.pem")
    sb = Sandbox(options.data_dir, key, browser_login_http=options.browser_login_http)
    sb.channel_key = SigningKey.load_or_create(options.data_dir / "channel-signing-key.pem")
    channel = ChannelService(
        sb.channel,
        sb.directory,
        sb.channel_key,
        sb.clock.now,
        lambda: sb.endpoints.service_url,
        lambda: sb.knobs.invoke_timeout_seconds,
    )
    sb.reset_hooks.append(channel.reset)
    ssl_ctx = tls.server_context()

    def port(offset: int) -> int:
        return options.port_base + offset if options.port_base else 0

    dns = options.config.provider_dns
    sb.tsig = TsigKey.load_or_create(options.data_dir / "tsig.secret", dns.tsig_key_name)
    ns_names = [f"ns{i + 1}.{dns.zone}" for i in range(dns.secondaries + 1)]
    sb.provider_zone = ProviderZone(
        dns.zone,
        sb.clock,
        initial_records(dns.zone, ns_names, options.host, dns.records),
        lambda: sb.knobs.dns_propagation_seconds,
    )
    dns_ports: list[int] = []
    for index in range(dns.secondaries + 1):
        server = NameServer(sb.provider_zone, sb.tsig, primary=index == 0)
        _, _, bound_port = await listen(server, options.host, port(5 + index))
        dns_ports.append(bound_port)

    entra_runner = web.AppRunner(entra_app(sb), access_log=None)
    graph_runner = web.AppRunner(graph_app(sb), access_log=None)
    teams_runner = web.AppRunner(teams_admin_app(sb), access_log=None)
    control_runner = web.AppRunner(
        control_app(sb, lambda: reset_sandbox(sb, options)), access_log=None
    )
    channel_runner = web.AppRunner(channel_app(sb, channel), access_log=None)
    runners = (entra_runner, graph_runner, control_runner, teams_runner, channel_runner)
    for runner in runners:
        await runner.setup()
    socks = {
        name: _listen(options.host, port(i))
        for i, name in enumerate(("entra", "graph", "control", "login", "teams_admin"))
    }
    # The channel comes after the DNS servers, to keep the ports of earlier parts where they were.
    socks["channel"] = _listen(options.host, port(5 + dns.secondaries + 1))
    sites = [
        web.SockSite(entra_runner, socks["entra"], ssl_context=ssl_ctx),
        web.SockSite(entra_runner, socks["login"]),
        web.SockSite(graph_runner, socks["graph"], ssl_context=ssl_ctx),
        web.SockSite(control_runner, socks["control"]),
        web.SockSite(teams_runner, socks["teams_admin"], ssl_context=ssl_ctx),
        web.SockSite(channel_runner, socks["channel"]),
    ]
    for site in sites:
        await site.start()

    host = f"[{options.host}]" if ":" in options.host else options.host
    bound = {name: s.getsockname()[1] for name, s in socks.items()}
    sb.endpoints.authority = f"https://{host}:{bound['entra']}"
    sb.endpoints.graph = f"https://{host}:{bound['graph']}/v1.0"
    sb.endpoints.control = f"http://{host}:{bound['control']}/_sandbox"
    sb.endpoints.login_page = f"http://{host}:{bound['login']}"
    sb.endpoints.teams_admin = f"https://{host}:{bound['teams_admin']}"
    sb.endpoints.dns_primary = f"{options.host}:{dns_ports[0]}"
    sb.endpoints.dns_secondaries = [f"{options.host}:{p}" for p in dns_ports[1:]]
    sb.endpoints.ca_file = str(tls.ca_file.resolve())
    sb.endpoints.service_url = f"http://{host}:{bound['channel']}/"
    sb.endpoints.openid_metadata = (
        f"http://{host}:{bound['channel']}/v1/.well-known/openidconfiguration"
    )
    sb.endpoints.chat = f"http://{host}:{bound['channel']}/chat"
    reset_sandbox(sb, options)
    if options.keep_state and persistence.restore(sb):
        print(f"restored the state saved in {options.data_dir}", file=sys.stderr)

    print(
        json.dumps(
            {
                "authority": sb.endpoints.authority,
                "graph": sb.endpoints.graph,
                "ca_file": sb.endpoints.ca_file,
                "control": sb.endpoints.control,
                "login_page": sb.endpoints.login_page,
                "teams_admin": sb.endpoints.teams_admin,
                "dns": {
                    "primary": sb.endpoints.dns_primary,
                    "secondaries": sb.endpoints.dns_secondaries,
                },
                "zone": dns.zone,
                "tsig": {
                    "name": sb.tsig.name,
                    "algorithm": sb.tsig.algorithm,
                    "secret": sb.tsig.secret,
                },
                "service_url": sb.endpoints.service_url,
                "openid_metadata": sb.endpoints.openid_metadata,
                "chat": sb.endpoints.chat,
            }
        ),
        flush=True,
    )

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    saving = asyncio.create_task(_save_every(sb, 60.0)) if options.keep_state else None
    try:
        await stop.wait()
    finally:
        if saving is not None:
            saving.cancel()
        for runner in runners:
            await runner.cleanup()
        if options.keep_state:
            persistence.save(sb)
    print("sandbox stopped", file=sys.stderr)


async def _save_every(sb: Sandbox, seconds: float) -> None:
    """A snapshot now and then: a killed sandbox loses at most this much."""
    while True:
        await asyncio.sleep(seconds)
        persistence.save(sb)
