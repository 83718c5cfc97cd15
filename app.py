"""Command line of the product: wiring of settings, processes and the embedded default."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _sandbox(args: argparse.Namespace) -> int:
    from sandbox.config import DEFAULT_CONFIG, load_config, parse_servers
    from sandbox.web.server import ServeOptions, serve

    delegations: dict[str, list[tuple[str, int]]] = {}
    for item in args.delegate:
        zone, _, servers = item.partition("=")
        delegations[zone] = parse_servers(servers.split(","))
    options = ServeOptions(
        data_dir=Path(args.data_dir),
        config=load_config(Path(args.config) if args.config else DEFAULT_CONFIG),
        host=args.host,
        port_base=args.port_base,
        browser_login_http=args.browser_login_http,
        extra_delegations=delegations,
    )
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is installed on Linux
        asyncio.run(serve(options))
    else:
        uvloop.run(serve(options))
    return 0


@dataclass
class Runtime:
    """The product's parts, wired from settings."""

    settings: Any
    engine: Any
    store: Any
    vault: Any
    clock: Any
    ports: Any
    integrations: Any


def build_runtime(settings: Any = None) -> Runtime:
    """Settings → database (migrated), vault, clock, ports and the engine's entry points."""
    from provisioning.adapters.factory import AdapterPortsFactory
    from provisioning.integrations import Integrations
    from provisioning.ports.clock import SystemClock
    from provisioning.runner.store import RunStore
    from provisioning.settings import Settings
    from storage.database import make_engine, migrate
    from storage.keys import load_key
    from storage.vault import TokenVault

    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    migrate(engine)
    secret = settings.token_vault_key.get_secret_value() if settings.token_vault_key else None
    vault = TokenVault(engine, load_key(secret, settings.token_vault_key_file))
    clock = SystemClock()
    store = RunStore(engine)
    ports = AdapterPortsFactory(settings, vault, clock)
    return Runtime(
        settings, engine, store, vault, clock, ports, Integrations(settings, store, clock, ports)
    )


def _logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs request lines at INFO: URLs only, never headers or bodies.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _migrate(args: argparse.Namespace) -> int:
    _logging(False)
    runtime = build_runtime()
    print(f"database at {runtime.engine.url.render_as_string(hide_password=True)} is up to date")
    return 0


def _runner(args: argparse.Namespace) -> int:
    from provisioning.runner.runner import CrashPoint, Runner

    _logging(args.verbose)
    runtime = build_runtime()
    crash = None
    if args.crash_at:
        step, _, when = args.crash_at.partition(":")
        crash = CrashPoint(step, when or "after_record")
    s = runtime.settings

    async def forget(tenant_id: str) -> int:
        return int(runtime.vault.delete(tenant_id))

    runner = Runner(
        runtime.store,
        runtime.ports,
        runtime.clock,
        owner=args.owner,
        lease_seconds=s.runner_lease_seconds,
        concurrency=s.runner_concurrency,
        idle_poll_seconds=s.runner_idle_poll_seconds,
        forget_credentials=forget,
        crash=crash,
    )

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        logging.getLogger("runner").info("runner %s started", runner.owner)
        await runner.run_forever(stop)

    asyncio.run(main())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``app.py`` argument parser."""
    parser = argparse.ArgumentParser(prog="app.py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sandbox = sub.add_parser(
        "sandbox",
        help="run the local Microsoft 365 sandbox (Entra ID, Graph)",
        description="Run the local Microsoft 365 sandbox. Prints one JSON line with its "
        "endpoints, then serves until interrupted.",
    )
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument(
        "--port-base",
        type=int,
        default=0,
        help="entra, graph, control and login on BASE..BASE+3 (default: free ports)",
    )
    sandbox.add_argument(
        "--data-dir",
        default=".sandbox",
        help="where the CA and the signing key are kept (default: .sandbox)",
    )
    sandbox.add_argument("--config", help="a TOML file replacing sandbox/defaults.toml")
    sandbox.add_argument(
        "--browser-login-http",
        action="store_true",
        help="advertise the plain-http sign-in page (browsers lack the CA)",
    )
    sandbox.add_argument(
        "--delegate",
        action="append",
        default=[],
        metavar="ZONE=HOST:PORT,...",
        help="authoritative DNS servers of a zone, for domain verification",
    )
    sandbox.set_defaults(func=_sandbox)

    migrate = sub.add_parser("migrate", help="bring the database schema up to date")
    migrate.set_defaults(func=_migrate)

    runner = sub.add_parser(
        "runner",
        help="execute provisioning and removal runs until interrupted",
        description="Claims runs from the database by lease and executes them. Any number of "
        "runners may share one PostgreSQL database.",
    )
    runner.add_argument("--owner", help="this runner's name in leases (default: host:pid)")
    runner.add_argument("--verbose", action="store_true", help="debug logging")
    runner.add_argument(
        "--crash-at",
        metavar="STEP[:WHEN]",
        help="chaos testing: SIGKILL this process at a step; WHEN is "
        "after_intent, before_record or after_record (default)",
    )
    runner.set_defaults(func=_runner)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named on the command line."""
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
