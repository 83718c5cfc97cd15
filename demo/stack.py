"""``python app.py demo``: the sandbox, then the bot with its runner and notifier, wired to each
other; one URL printed; everything stopped on Ctrl-C. State stays in the data folder (the
database, the vault key, the app registration, the sandbox's snapshot) until ``make reset``."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlencode

import httpx

from demo.environment import DemoApp, bot_url, product_environment
from demo.sandbox_process import ROOT, read_endpoints, start_sandbox, stop

BOT_NAME = "Direct Routing"


@dataclass(frozen=True)
class DemoOptions:
    """Where the demo keeps its state, its sandbox ports and Microsoft's delays."""

    data_dir: Path
    port_base: int
    dns_propagation_seconds: float
    bot_port: int


def _app(data_dir: Path) -> DemoApp:
    """The bot's app registration, made once and kept."""
    path = data_dir / "app.json"
    if path.exists():
        kept = json.loads(path.read_text())
        return DemoApp(str(kept["client_id"]), str(kept["secret"]))
    app = DemoApp(str(uuid.uuid4()), "demo-" + secrets.token_urlsafe(24))
    path.write_text(json.dumps({"client_id": app.client_id, "secret": app.secret}))
    path.chmod(0o600)
    return app


def _wait_ready(proc: subprocess.Popen[Any], url: str, log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the bot stopped while starting:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the bot was not ready within {timeout:.0f} s; see {log}")
        time.sleep(0.2)


def _admin_of(tenant: dict[str, Any]) -> str:
    admins = [a for a in tenant["admins"] if "Global Administrator" in a["roles"]]
    return str((admins or tenant["admins"])[0]["userPrincipalName"])


def chat_url(endpoints: dict[str, Any], tenant: dict[str, Any], app: DemoApp) -> str:
    """The web chat, opened as the demo tenant's admin talking to the bot."""
    query = urlencode({"tenant": tenant["id"], "user": _admin_of(tenant), "bot": app.client_id})
    return f"{endpoints['chat']}?{query}"


def run(options: DemoOptions) -> int:
    """Start everything, print the URL, wait for Ctrl-C, stop everything."""
    data_dir = options.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    app = _app(data_dir)
    url = bot_url(options.bot_port)
    stopping = False

    def stop_on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop_on_signal)
    signal.signal(signal.SIGTERM, stop_on_signal)

    sandbox_log = (data_dir / "sandbox.log").open("a")
    bot_log_path = data_dir / "bot.log"
    print("Starting the Microsoft 365 sandbox…", flush=True)
    sandbox = start_sandbox(
        data_dir / "sandbox",
        ["--port-base", str(options.port_base), "--browser-login-http", "--keep-state"],
        sandbox_log,
    )
    bot: subprocess.Popen[bytes] | None = None
    try:
        endpoints = read_endpoints(sandbox, 60.0, data_dir / "sandbox.log")
        # For tools and tests beside the demo (it holds the zone's update key: private).
        kept = data_dir / "sandbox-endpoints.json"
        kept.write_text(json.dumps(endpoints))
        kept.chmod(0o600)
        control = httpx.Client(base_url=endpoints["control"], timeout=30)
        control.post("/apps", json=app.registration(url)).raise_for_status()
        control.patch(
            "/knobs", json={"dns_propagation_seconds": options.dns_propagation_seconds}
        ).raise_for_status()
        tenants = control.get("/tenants").json()["tenants"]
        if not tenants:
            raise RuntimeError("the sandbox has no demo tenant (see sandbox/defaults.toml)")
        env = {**os.environ, **product_environment(endpoints, app, data_dir, options.bot_port)}
        command = [sys.executable, str(ROOT / "app.py")]
        print("Preparing the database…", flush=True)
        subprocess.run([*command, "migrate"], env=env, check=True, capture_output=True)
        print("Starting the bot, its runner and its notifier…", flush=True)
        with bot_log_path.open("a") as bot_log:
            bot = subprocess.Popen(
                [*command, "serve", "--with-runner"],
                env=env,
                stdout=bot_log,
                stderr=bot_log,
                cwd=ROOT,
            )
        _wait_ready(bot, url, bot_log_path)
        control.post(
            "/bots",
            json={"app_id": app.client_id, "name": BOT_NAME, "endpoint": f"{url}/api/messages"},
        ).raise_for_status()
        print(
            "\nReady. Open this in your browser:\n\n"
            f"    {chat_url(endpoints, tenants[0], app)}\n\n"
            f"Press “Open chat”, then type `connect`. Sign in as {_admin_of(tenants[0])} (the\n"
            "sandbox asks for no password). Logs: "
            f"{data_dir / 'bot.log'} and {data_dir / 'sandbox.log'}. Ctrl-C stops everything.\n",
            flush=True,
        )
        while not stopping:
            if sandbox.poll() is not None or bot.poll() is not None:
                which = "sandbox" if sandbox.poll() is not None else "bot"
                print(f"The {which} stopped unexpectedly; see its log in {data_dir}.", flush=True)
                return 1
            time.sleep(0.5)
        return 0
    except (RuntimeError, httpx.HTTPError, subprocess.CalledProcessError) as exc:
        print(f"The demo could not start: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        print("Stopping…", flush=True)
        if bot is not None:
            stop(bot, 15.0)
        stop(sandbox, 15.0)
        sandbox_log.close()
        print(f"Stopped. Your state is kept in {data_dir} (`make reset` starts afresh).")
