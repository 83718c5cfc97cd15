"""Command line of the product: composes each package's settings, wires processes."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging
import os
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from provisioning.engine.clock import Clock
    from provisioning.engine.outbox import Outbox
    from provisioning.engine.plans import PlanBook
    from provisioning.engine.runner import Runner
    from provisioning.engine.settings import RunnerSettings
    from provisioning.engine.store import RunStore
    from provisioning.identity.settings import IdentitySettings
    from provisioning.identity.sign_in import SignIn
    from provisioning.integrations import Integrations
    from provisioning.microsoft.settings import MicrosoftSettings, ProviderDnsSettings
    from provisioning.ports_factory import AdapterPortsFactory
    from provisioning.settings import ProvisioningSettings
    from provisioning.sync.schedule import SyncSchedule
    from provisioning.tenants import TenantStore
    from storage.audit import AuditLog
    from storage.settings import StorageSettings
    from storage.vault import TokenVault

_TEST_NETS = [
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
]


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


@dataclass
class Settings:
    """Every package's settings, read from the environment (or ``.env``) together."""

    storage: StorageSettings
    microsoft: MicrosoftSettings
    dns: ProviderDnsSettings
    identity: IdentitySettings
    provisioning: ProvisioningSettings
    runner: RunnerSettings

    @staticmethod
    def models() -> dict[str, Any]:
        """Each field's settings class (imported only when settings are read)."""
        from provisioning.engine.settings import RunnerSettings
        from provisioning.identity.settings import IdentitySettings
        from provisioning.microsoft.settings import MicrosoftSettings, ProviderDnsSettings
        from provisioning.settings import ProvisioningSettings
        from storage.settings import StorageSettings

        return {
            "storage": StorageSettings,
            "microsoft": MicrosoftSettings,
            "dns": ProviderDnsSettings,
            "identity": IdentitySettings,
            "provisioning": ProvisioningSettings,
            "runner": RunnerSettings,
        }

    @classmethod
    def load(cls, values: Mapping[str, str] | None = None) -> Settings:
        """From the environment, or (tests) from ``values`` only."""

        def read(model: Any) -> Any:
            if values is None:
                return model()
            return model.model_validate(dict(values))

        return cls(**{name: read(model) for name, model in cls.models().items()})

    def _name_server_problems(self) -> list[str]:
        """DNS updates and probes go to addresses (dnspython sends to no host name)."""
        from provisioning.microsoft.settings import host_port

        named = [("PROVIDER_DNS_PRIMARY", self.dns.provider_dns_primary)] + [
            ("PROVIDER_DNS_SERVERS", s.strip())
            for s in self.dns.provider_dns_servers.split(",")
            if s.strip()
        ]
        found = []
        for setting, text in named:
            try:
                ipaddress.ip_address(host_port(text)[0])
            except ValueError:
                found.append(
                    f"{setting} holds {text!r}: name servers are given as IP addresses, with "
                    "an optional port (203.0.113.53:53, [2001:db8::53]:53)."
                )
        return found

    @property
    def against_sandbox(self) -> bool:
        """Whether Microsoft is the local sandbox (its endpoints on loopback)."""
        return _loopback(urlsplit(self.microsoft.authority_host).hostname or "")

    def problems(self) -> list[str]:
        """What keeps this configuration from running for real (all at once).

        Demo values are fine against the sandbox; against Microsoft they would quietly
        provision a documentation address or write to a DNS server that is not the provider's.
        """
        found = []
        if not self.identity.microsoft_app_id:
            found.append("MicrosoftAppId is not set (the app registration's client id).")
        if not self.identity.microsoft_app_password.get_secret_value():
            found.append("MicrosoftAppPassword is not set (the app registration's secret).")
        if not self.dns.tsig_key_name or not self.dns.tsig_secret.get_secret_value():
            found.append("TSIG_KEY_NAME and TSIG_SECRET must name the key of the provider zone.")
        if self.provisioning.default_region not in self.provisioning.regions:
            found.append(f"DEFAULT_REGION {self.provisioning.default_region!r} is not in REGIONS.")
        found += self._name_server_problems()
        if self.against_sandbox:
            return found
        for region, addresses in self.provisioning.regions.items():
            for address in addresses:
                try:
                    ip = ipaddress.ip_address(address)
                except ValueError:
                    found.append(f"REGIONS[{region!r}] holds {address!r}, not an IP address.")
                    continue
                if any(ip in net for net in _TEST_NETS):
                    found.append(
                        f"REGIONS[{region!r}] holds {address}, a documentation (TEST-NET) "
                        "address: set the addresses of your SBC."
                    )
        if _loopback(self.dns.primary_server[0]):
            found.append(
                f"PROVIDER_DNS_PRIMARY is {self.dns.provider_dns_primary}, on this machine: set "
                "the primary name server of the provider zone."
            )
        return found


@dataclass
class Runtime:
    """The product's parts, wired from settings."""

    settings: Settings
    engine: Engine
    store: RunStore
    tenants: TenantStore
    audit: AuditLog
    vault: TokenVault
    clock: Clock
    ports: AdapterPortsFactory
    book: PlanBook
    outbox: Outbox
    sign_in: SignIn
    integrations: Integrations
    sync_schedule: SyncSchedule

    def close(self) -> None:
        """Release the database and the HTTP client."""
        self.sign_in.close()
        self.ports.close()
        self.engine.dispose()

    def runner(self, **options: Any) -> Runner:
        """A runner with this installation's settings (``options`` override them)."""
        from provisioning.engine.runner import Runner

        options.setdefault("lease_seconds", self.settings.runner.runner_lease_seconds)
        options.setdefault("concurrency", self.settings.runner.runner_concurrency)
        options.setdefault("idle_poll_seconds", self.settings.runner.runner_idle_poll_seconds)
        runner_class = options.pop("runner_class", Runner)
        runner: Runner = runner_class(self.store, self.book, self.ports, self.clock, **options)
        return runner


def build_runtime(settings: Settings | None = None, clock: Clock | None = None) -> Runtime:
    """Settings → database, vault, clock, ports and the engine's entry points.

    The schema is not migrated here (replicas starting together would race): run
    ``app.py migrate`` first.
    """
    from provisioning.engine.clock import SystemClock
    from provisioning.engine.outbox import Outbox
    from provisioning.engine.store import RunStore
    from provisioning.identity.flows import SignInFlows
    from provisioning.identity.msal_client import http_client
    from provisioning.identity.sign_in import SignIn
    from provisioning.integrations import Integrations
    from provisioning.naming import Names
    from provisioning.plans import PLANS
    from provisioning.ports_factory import AdapterPortsFactory
    from provisioning.sync.facade import TenantUsers
    from provisioning.sync.schedule import SyncSchedule
    from provisioning.sync.service import UserSync
    from provisioning.sync.store import SyncStore
    from provisioning.tenants import TenantStore
    from storage.audit import AuditLog
    from storage.crypto import Sealer
    from storage.database import make_engine
    from storage.keys import load_key
    from storage.vault import TokenVault

    settings = settings or Settings.load()
    clock = clock or SystemClock()
    s = settings.storage
    engine = make_engine(s.database_url)
    secret = s.token_vault_key.get_secret_value() if s.token_vault_key else None
    key = load_key(secret, s.token_vault_key_file)
    vault = TokenVault(engine, key)
    audit = AuditLog(engine)
    store = RunStore(engine)
    tenants = TenantStore(engine)
    outbox = Outbox(engine)
    ports = AdapterPortsFactory(
        settings.microsoft, settings.identity, settings.dns, vault, audit, clock
    )
    sign_in = SignIn(
        settings.identity,
        settings.microsoft,
        vault,
        SignInFlows(engine, Sealer(key)),
        audit,
        clock,
        http_client(settings.microsoft),
    )
    sync_store = SyncStore(
        engine,
        Names(settings.provisioning.brand).e164,
        settings.provisioning.user_sync_stale_seconds,
    )
    user_sync = UserSync(sync_store, ports, clock)
    users = TenantUsers(user_sync, sync_store)
    sync_schedule = SyncSchedule(user_sync, sync_store, settings.provisioning)
    integrations = Integrations(
        settings.provisioning,
        settings.dns,
        store,
        tenants,
        audit,
        vault,
        PLANS,
        ports,
        clock,
        outbox,
        sign_in,
        users,
    )
    return Runtime(
        settings,
        engine,
        store,
        tenants,
        audit,
        vault,
        clock,
        ports,
        PLANS,
        outbox,
        sign_in,
        integrations,
        sync_schedule,
    )


def _logging(verbose: bool) -> None:
    """JSON lines (or text on a terminal; LOG_FORMAT), each naming its run and tenant."""
    from provisioning.log_format import LoggingSettings, configure

    configure(LoggingSettings().json_lines(), verbose)


def unreadable_settings(models: Sequence[Any]) -> list[str]:
    """Every setting that does not parse, across ``models`` (names only: a value may be a
    secret)."""
    from pydantic import ValidationError

    found = []
    for model in models:
        try:
            model()
        except ValidationError as exc:
            for error in exc.errors():
                name = ".".join(str(part) for part in error["loc"]) or model.__name__
                found.append(f"{name}: {error['msg']}.")
    return found


def bot_problems(settings: Settings, bot: Any) -> list[str]:
    """What keeps the bot's own settings from working together with the rest."""
    found = []
    public = bot.public_url.rstrip("/")
    if settings.identity.oauth_redirect_uri != f"{public}/auth/callback":
        found.append(
            f"OAUTH_REDIRECT_URI is {settings.identity.oauth_redirect_uri!r}, but the bot serves "
            f"its sign-in callback at {public}/auth/callback (BOT_PUBLIC_URL): make them agree, "
            "and register that address in the app registration."
        )
    if bot.app_type.lower() not in ("multitenant", "singletenant", "userassignedmsi"):
        found.append(
            f"MicrosoftAppType is {bot.app_type!r}: MultiTenant, SingleTenant or UserAssignedMSI."
        )
    elif bot.app_type.lower() != "multitenant" and not bot.app_tenant_id:
        found.append(f"MicrosoftAppType {bot.app_type} needs MicrosoftAppTenantId.")
    if not settings.against_sandbox and urlsplit(public).scheme != "https":
        found.append(f"BOT_PUBLIC_URL is {public}: Teams and Entra ID reach a bot over https only.")
    return found


def _settings_or_exit(with_bot: bool = False) -> Settings:
    """The settings, or every problem with them at once and exit code 2; ``with_bot``: the
    bot's own settings are checked together with the rest."""
    from bot.settings import BotSettings
    from provisioning.log_format import LoggingSettings

    extra = [LoggingSettings, *([BotSettings] if with_bot else [])]
    problems = unreadable_settings([*Settings.models().values(), *extra])
    if not problems:
        settings = Settings.load()
        problems = settings.problems()
        if with_bot:
            problems += bot_problems(settings, BotSettings())
    if problems:
        print("The configuration is not usable:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        raise SystemExit(2)
    return settings


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
        keep_state=args.keep_state,
    )
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is installed on Linux
        asyncio.run(serve(options))
    else:
        uvloop.run(serve(options))
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from storage.database import make_engine, migrate

    _logging(False)
    settings = Settings.load()
    engine = make_engine(settings.storage.database_url)
    migrate(engine)
    print(f"database at {engine.url.render_as_string(hide_password=True)} is up to date")
    engine.dispose()
    return 0


def _runner(args: argparse.Namespace) -> int:
    from storage.database import schema_is_current

    _logging(args.verbose)
    runtime = build_runtime(_settings_or_exit())
    if not schema_is_current(runtime.engine):
        print("The database schema is not current: run `python app.py migrate`.", file=sys.stderr)
        return 2
    runner = runtime.runner(**({"owner": args.owner} if args.owner else {}))
    port = getattr(args, "port", 0)

    async def main() -> None:
        from aiohttp import web

        from bot.health import add_probes

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor(max_workers=32, thread_name_prefix="db"))
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        probes: web.AppRunner | None = None
        if port:
            # /healthz, /readyz and /metrics (its steps and Microsoft calls) for a worker too.
            app = web.Application()
            add_probes(app, runtime.engine, runtime.integrations)
            probes = web.AppRunner(app, access_log=None)
            await probes.setup()
            await web.TCPSite(probes, "0.0.0.0", port).start()  # noqa: S104 - probes only
        logging.getLogger("runner").info(
            "runner %s started%s", runner.owner, f"; probes on port {port}" if port else ""
        )
        await asyncio.gather(runner.run_forever(stop), runtime.sync_schedule.run_forever(stop))
        await runtime.ports.aclose()
        if probes is not None:
            await probes.cleanup()
        logging.getLogger("runner").info("runner %s stopped; its leases are released", runner.owner)

    asyncio.run(main())
    return 0


def _serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from bot.server import build_bot
    from bot.settings import BotSettings
    from storage.database import schema_is_current
    from storage.keys import load_key

    _logging(args.verbose)
    settings = _settings_or_exit(with_bot=True)
    runtime = build_runtime(settings)
    if not schema_is_current(runtime.engine):
        print("The database schema is not current: run `python app.py migrate`.", file=sys.stderr)
        return 2
    bot_settings = BotSettings()
    s = settings.storage
    key = load_key(
        s.token_vault_key.get_secret_value() if s.token_vault_key else None,
        s.token_vault_key_file,
    )
    runner = runtime.runner() if args.with_runner else None
    bot = build_bot(
        bot_settings,
        runtime.integrations,
        runtime.engine,
        key,
        settings.microsoft.authority_host,
        notifier_owner=runner.owner if runner else f"notifier:{os.getpid()}",
        sign_in_page=settings.microsoft.sign_in_page,
    )

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        # Database calls run in threads; with many conversations at once the default pool
        # (CPUs + 4) would queue them behind each other.
        loop.set_default_executor(ThreadPoolExecutor(max_workers=32, thread_name_prefix="db"))
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        # No access log: a line per Teams activity costs more than handling a message does.
        site_runner = web.AppRunner(bot.app, access_log=None)
        await site_runner.setup()
        await web.TCPSite(site_runner, bot_settings.host, bot_settings.port).start()
        logging.getLogger("serve").info(
            "the bot listens on http://%s:%s", bot_settings.host, bot_settings.port
        )
        work = (
            [
                asyncio.create_task(runner.run_forever(stop)),
                asyncio.create_task(runtime.sync_schedule.run_forever(stop)),
            ]
            if runner
            else []
        )
        await stop.wait()
        await asyncio.gather(*work)
        # In-flight requests are answered, notifications released, leases let go.
        await site_runner.cleanup()
        await runtime.ports.aclose()

    try:
        asyncio.run(main())
    finally:
        runtime.close()
    return 0


def _manifest(args: argparse.Namespace) -> int:
    from bot.settings import BotSettings
    from manifest import PackageOptions, build_package

    bot = BotSettings()
    host = urlsplit(bot.public_url).netloc
    try:
        options = PackageOptions(
            app_id=bot.app_id,
            bot_name=bot.bot_name,
            developer_name=bot.developer_name or bot.bot_name,
            website_url=bot.page_url(bot.website_url, "/"),
            privacy_url=bot.page_url(bot.privacy_url, "/privacy"),
            terms_of_use_url=bot.page_url(bot.terms_of_use_url, "/terms"),
            valid_domains=(host,),
            version=args.version or bot.app_version,
        )
    except ValueError as exc:
        print(f"The app package cannot be built: {exc}", file=sys.stderr)
        return 2
    print(build_package(options, Path(args.out)))
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from provisioning.doctor import Doctor, exit_code
    from storage.database import schema_is_current

    logging.basicConfig(level=logging.WARNING)
    settings = Settings.load()
    problems = settings.problems()
    for problem in problems:
        print(f"{'different':<12} {'settings':<32} {problem}")
    runtime = build_runtime(settings)
    try:
        if not schema_is_current(runtime.engine):
            print("The database schema is not current: run `python app.py migrate`.")
            return 2
        if not runtime.vault.purposes(args.tenant):
            print(
                f"No sign-in is stored for tenant {args.tenant}: an admin of it signs in "
                "through the bot (steps 1 and 3) first."
            )
            return 2
        doctor = Doctor(
            args.tenant,
            settings.microsoft,
            settings.identity,
            settings.dns,
            runtime.vault,
            runtime.clock,
            runtime.ports.msal_client,
        )
        findings = asyncio.run(doctor.run())
    finally:
        runtime.close()
    for finding in findings:
        print(finding.line())
    code = exit_code(findings)
    return 1 if problems else code


def _demo(args: argparse.Namespace) -> int:
    from demo.stack import DemoOptions, run

    return run(
        DemoOptions(
            Path(args.data_dir), args.port_base, args.dns_propagation_seconds, args.bot_port
        )
    )


def _sync(args: argparse.Namespace) -> int:
    from storage.database import schema_is_current

    _logging(args.verbose)
    runtime = build_runtime(_settings_or_exit())
    try:
        if not schema_is_current(runtime.engine):
            print("The database schema is not current: run `python app.py migrate`.")
            return 2
        if "graph" not in runtime.vault.purposes(args.tenant):
            print(f"No Graph sign-in is stored for tenant {args.tenant}: sign in (step 1) first.")
            return 2
        started = time.monotonic()
        try:
            summary = asyncio.run(runtime.integrations.users.sync(args.tenant, args.full))
        except Exception as exc:  # the admin's next step, not a traceback
            print(f"The sync stopped: {getattr(exc, 'message', None) or exc}", file=sys.stderr)
            print("What was read is kept; run the same command to go on.", file=sys.stderr)
            return 1
    finally:
        runtime.close()
    counts = ", ".join(f"{n} {status}" for status, n in sorted(summary.counts.items()))
    print(f"{summary.kind} sync in {time.monotonic() - started:.1f} s: {counts or 'no users'}")
    changes = summary.changes()
    if changes:
        print("changes: " + ", ".join(f"{k} {v:+d}" for k, v in changes.items()))
    return 0


def _tenants(args: argparse.Namespace) -> int:
    from provisioning.integrations import customer_report, customers_table
    from storage.database import schema_is_current

    runtime = build_runtime(Settings.load())
    try:
        if not schema_is_current(runtime.engine):
            print("The database schema is not current: run `python app.py migrate`.")
            return 2
        api = runtime.integrations
        if args.tenant is None:
            lines = customers_table(asyncio.run(api.customers(args.state, 0, None)).customers)
        else:
            found = asyncio.run(api.find_customers(args.tenant))
            if len(found) != 1:
                which = "; ".join(f"{c.name} ({c.tenant_id})" for c in found[:10])
                print(
                    f"{len(found)} customer tenants match {args.tenant!r}: {which}"
                    if found
                    else f"No customer tenant matches {args.tenant!r}.",
                    file=sys.stderr,
                )
                return 1
            details = asyncio.run(api.customer(found[0].tenant_id, 0, args.audit))
            lines = customer_report(details) if details else []
    finally:
        runtime.close()
    print("\n".join(lines))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``app.py`` argument parser."""
    parser = argparse.ArgumentParser(prog="app.py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sandbox = sub.add_parser(
        "sandbox",
        help="run the local Microsoft 365 sandbox (Entra ID, Graph, Teams, DNS, web chat)",
        description="Run the local Microsoft 365 sandbox. Prints one JSON line with its "
        "endpoints, then serves until interrupted.",
    )
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument(
        "--port-base",
        type=int,
        default=0,
        help="fixed ports from BASE (see the README); default: free ports",
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
        "--keep-state",
        action="store_true",
        help="start from the snapshot in --data-dir and keep it (saved on stop, every minute)",
    )
    sandbox.add_argument(
        "--delegate",
        action="append",
        default=[],
        metavar="ZONE=HOST:PORT,...",
        help="authoritative DNS servers of a zone, for domain verification (wins over the "
        "built-in servers, the provider zone included)",
    )
    sandbox.set_defaults(func=_sandbox)

    migrate = sub.add_parser("migrate", help="bring the database schema up to date")
    migrate.set_defaults(func=_migrate)

    runner = sub.add_parser(
        "runner",
        help="execute provisioning and removal runs until interrupted",
        description="Claims runs from the database by lease and executes them. Any number of "
        "runners may share one PostgreSQL database. SIGTERM lets go of every lease held.",
    )
    runner.add_argument("--owner", help="this runner's name in leases (default: host:pid)")
    runner.add_argument("--verbose", action="store_true", help="debug logging")
    runner.set_defaults(func=_runner)

    worker = sub.add_parser(
        "worker",
        help="an extra runner beside `serve`: provisioning, removal, activation and scheduled "
        "syncs, with probes",
        description="Claims runs from the database by lease and executes them, and runs the "
        "scheduled user syncs; any number of workers (and `serve --with-runner`) share one "
        "PostgreSQL database. With --port it serves /healthz, /readyz and /metrics. SIGTERM "
        "finishes what is in flight and lets go of every lease held.",
    )
    worker.add_argument("--owner", help="this worker's name in leases (default: host:pid)")
    worker.add_argument(
        "--port", type=int, default=0, help="serve /healthz, /readyz and /metrics here"
    )
    worker.add_argument("--verbose", action="store_true", help="debug logging")
    worker.set_defaults(func=_runner)

    serve = sub.add_parser(
        "serve",
        help="serve the bot (Teams messages, sign-in pages) and deliver its notifications",
        description="Serves /api/messages, /auth/start, /auth/callback, /healthz and /readyz on "
        "BOT_HOST:BOT_PORT, and delivers the engine's notifications. With --with-runner it "
        "executes runs too (one process for a small installation).",
    )
    serve.add_argument("--with-runner", action="store_true", help="also execute runs")
    serve.add_argument("--verbose", action="store_true", help="debug logging")
    serve.set_defaults(func=_serve)

    package = sub.add_parser(
        "manifest",
        help="write the Teams app package (manifest.json and icons in a zip)",
        description="Writes the Teams app package an admin uploads (Teams admin centre › "
        "Manage apps › Upload): the manifest on the newest schema, a 192x192 colour icon and a "
        "32x32 outline icon. Reads MicrosoftAppId, BOT_NAME, BOT_PUBLIC_URL and the APP_* "
        "settings; prints the zip's path.",
    )
    package.add_argument("--out", default="dist", help="the folder to write to (default: dist)")
    package.add_argument("--version", help="the app's version (default: APP_VERSION)")
    package.set_defaults(func=_manifest)

    doctor = sub.add_parser(
        "doctor",
        help="read-only checks of Microsoft and the provider zone for a signed-in tenant",
        description="Checks, without changing anything, every Microsoft behaviour the product "
        "relies on (token scopes and roles, the shapes of the Teams admin API's answers, the "
        "Graph Teams endpoints) and the provider's zone (TSIG key, every authoritative server), "
        "with the stored sign-ins of TENANT. Prints ok, different or unreachable for each; "
        "exits 0 only when all are ok.",
    )
    doctor.add_argument("--tenant", required=True, help="the tenant id (its GUID)")
    doctor.set_defaults(func=_doctor)
    sync = sub.add_parser(
        "sync",
        help="sync a tenant's users now",
        description="Read the users of TENANT and their Teams voice into the database: what "
        "changed since the last sync, or everyone with --full. A sync cut off halfway is "
        "finished first.",
    )
    sync.add_argument("--tenant", required=True, help="the tenant id (its GUID)")
    sync.add_argument("--full", action="store_true", help="every user, not only changes")
    sync.add_argument("-v", "--verbose", action="store_true")
    sync.set_defaults(func=_sync)
    tenants = sub.add_parser(
        "tenants",
        help="the provider's customer tenants: state, last run, what waits or failed",
        description="Lists every customer tenant of the database (the provider's own, "
        "PROVIDER_TENANT_ID, left out) with its state, its last run and what it waits for or "
        "why it failed, as the operators' customers card does. With --tenant: that customer's "
        "status and its audit history, newest first.",
    )
    tenants.add_argument("--tenant", help="one customer: its tenant id, a domain or its name")
    states = ["connected", "integrating", "waiting", "failed", "removing", "disconnected", "new"]
    tenants.add_argument("--state", choices=states, help="only the customers in this state")
    tenants.add_argument(
        "--audit", type=int, default=50, help="how many audit events --tenant shows (default 50)"
    )
    tenants.set_defaults(func=_tenants)
    demo = sub.add_parser(
        "demo",
        help="the embedded default: sandbox, bot, runner and notifier (what `make run` starts)",
        description="Starts the local Microsoft 365 sandbox with its demo tenant, then the bot "
        "(with its runner and notifier, SQLite) wired to it, and prints the web chat's URL. "
        "Ctrl-C stops everything; the state stays in --data-dir until `make reset`.",
    )
    demo.add_argument("--data-dir", default=".demo", help="where the demo keeps its state")
    demo.add_argument(
        "--port-base", type=int, default=8440, help="first of the sandbox's ports (default 8440)"
    )
    demo.add_argument(
        "--dns-propagation-seconds",
        type=float,
        default=20.0,
        help="how long the provider zone's secondaries lag behind (default 20)",
    )
    demo.add_argument(
        "--bot-port", type=int, default=3978, help="where the bot listens (default 3978)"
    )
    demo.set_defaults(func=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named on the command line."""
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
