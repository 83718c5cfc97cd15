"""The ``app.py`` command line and the composition of settings."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

import app
from tests.support.bot import free_port

ROOT = Path(__file__).resolve().parent.parent
REAL = {
    "MicrosoftAppId": "0b7c4a3e-1d2f-4e5a-9b8c-7d6e5f4a3b2c",
    "MicrosoftAppPassword": "secret",
    "TSIG_KEY_NAME": "bot-update.",
    "TSIG_SECRET": "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTIzNDU2Nzg=",
    "PROVIDER_DNS_PRIMARY": "81.2.69.53:53",
    "REGIONS": '{"gbr-lon-tgw": ["81.2.69.160"]}',
}


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    """``app.py --help`` names its subcommands."""
    with pytest.raises(SystemExit) as exc:
        app.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert all(command in out for command in ("sandbox", "migrate", "runner"))


def test_a_subcommand_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    """Without a subcommand the parser explains itself and exits 2."""
    with pytest.raises(SystemExit) as exc:
        app.main([])
    assert exc.value.code == 2
    assert "required" in capsys.readouterr().err


def test_a_complete_production_configuration_has_no_problems() -> None:
    """Real addresses, a real name server, the app's credentials: good to go."""
    assert app.Settings.load(REAL).problems() == []


def test_demo_values_are_refused_against_microsoft_all_at_once() -> None:
    """TEST-NET SBC addresses and a DNS primary on this machine are named together."""
    settings = app.Settings.load({"MicrosoftAppId": "x", "MicrosoftAppPassword": "y"})
    problems = settings.problems()
    assert any("192.0.2.10" in p and "TEST-NET" in p for p in problems)
    assert any("PROVIDER_DNS_PRIMARY" in p for p in problems)
    assert any("TSIG_KEY_NAME" in p for p in problems)


def test_demo_values_are_fine_against_the_local_sandbox() -> None:
    """With Microsoft on loopback (the sandbox) the demo addresses are what we want."""
    settings = app.Settings.load(
        {**REAL, "ENTRA_AUTHORITY": "https://127.0.0.1:8440", "REGIONS": '{"r": ["192.0.2.10"]}'}
        | {"DEFAULT_REGION": "r", "PROVIDER_DNS_PRIMARY": "127.0.0.1:8445"}
    )
    assert settings.problems() == []


def test_the_runner_refuses_a_database_that_was_not_migrated(tmp_path: Path) -> None:
    """Migrations are explicit: the runner says which command to run."""
    env = {
        **os.environ,
        **REAL,
        "ENTRA_AUTHORITY": "https://127.0.0.1:1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "TOKEN_VAULT_KEY_FILE": str(tmp_path / "vault.key"),
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "runner"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "python app.py migrate" in result.stderr


def _app(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py"), *args],
        cwd=tmp_path,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_manifest_writes_the_app_package_for_the_bots_registration(tmp_path: Path) -> None:
    """The package names the bot's app id, the sign-in pages' host and the bot's own pages."""
    import json
    import zipfile

    result = _app(
        tmp_path,
        "manifest",
        "--out",
        str(tmp_path / "out"),
        MicrosoftAppId=REAL["MicrosoftAppId"],
        BOT_NAME="Fabrikam Voice",
        BOT_PUBLIC_URL="https://bot.fabrikam.example",
        APP_VERSION="1.2.3",
    )
    assert result.returncode == 0, result.stderr
    package = Path(result.stdout.strip())
    with zipfile.ZipFile(package) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["bots"][0]["botId"] == REAL["MicrosoftAppId"]
    assert manifest["validDomains"] == ["bot.fabrikam.example"]
    assert manifest["developer"]["privacyUrl"] == "https://bot.fabrikam.example/privacy"
    assert manifest["version"] == "1.2.3"
    assert manifest["name"]["short"] == "Fabrikam Voice"


def test_manifest_refuses_an_app_id_teams_would_refuse(tmp_path: Path) -> None:
    """A missing or malformed MicrosoftAppId is named, and nothing is written."""
    result = _app(tmp_path, "manifest", "--out", str(tmp_path / "out"), MicrosoftAppId="bot")
    assert result.returncode == 2
    assert "app_id 'bot' is not a GUID" in result.stderr
    assert not (tmp_path / "out").exists()


def _serve_env(tmp_path: Path, **changes: str) -> dict[str, str]:
    return {
        **REAL,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "TOKEN_VAULT_KEY_FILE": str(tmp_path / "vault.key"),
        "BOT_PUBLIC_URL": "https://bot.provider.example",
        "OAUTH_REDIRECT_URI": "https://bot.provider.example/auth/callback",
        **changes,
    }


def test_serve_names_every_setting_it_cannot_read_at_once(tmp_path: Path) -> None:
    """Two unreadable values, two lines; the command stops before touching anything."""
    result = _app(
        tmp_path,
        "serve",
        **_serve_env(tmp_path, BOT_PORT="eighty", RUNNER_CONCURRENCY="many"),
    )
    assert result.returncode == 2
    assert "BOT_PORT" in result.stderr
    assert "RUNNER_CONCURRENCY" in result.stderr
    assert not (tmp_path / "db.sqlite").exists()


def test_serve_names_every_inconsistency_at_once(tmp_path: Path) -> None:
    """A sign-in callback the bot does not serve, plain http towards Microsoft and a
    SingleTenant app without its tenant: all three in one answer, and no secret in it."""
    result = _app(
        tmp_path,
        "serve",
        **_serve_env(
            tmp_path,
            BOT_PUBLIC_URL="http://bot.provider.example",
            OAUTH_REDIRECT_URI="https://elsewhere.example/callback",
            MicrosoftAppType="SingleTenant",
        ),
    )
    assert result.returncode == 2
    assert "OAUTH_REDIRECT_URI" in result.stderr
    assert "over https only" in result.stderr
    assert "MicrosoftAppTenantId" in result.stderr
    assert REAL["TSIG_SECRET"] not in result.stderr


def test_a_worker_serves_its_probes_and_lets_go_on_sigterm(tmp_path: Path) -> None:
    """``worker --port``: ready on a migrated database, metrics of its own, JSON log lines,
    and a clean stop on SIGTERM."""
    env = {
        **os.environ,
        **_serve_env(tmp_path, ENTRA_AUTHORITY="https://127.0.0.1:1", LOG_FORMAT="json"),
    }
    command = [sys.executable, str(ROOT / "app.py")]
    subprocess.run([*command, "migrate"], env=env, check=True, capture_output=True, timeout=60)
    port = free_port()
    worker = subprocess.Popen(
        [*command, "worker", "--port", str(port), "--owner", "worker-1"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the worker never answered"
                time.sleep(0.1)
        assert ready.status_code == 200
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        assert "direct_routing_runs" in metrics
    finally:
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=30)
    assert worker.returncode == 0
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any("worker-1 stopped" in line["message"] for line in lines)


def test_a_name_server_given_by_name_is_refused_with_what_to_write() -> None:
    """dnspython sends updates to addresses: a host name is named as the problem, not a crash."""
    settings = app.Settings.load(
        {**REAL, "PROVIDER_DNS_PRIMARY": "ns1.provider.example:53", "PROVIDER_DNS_SERVERS": "x:y"}
    )
    problems = settings.problems()
    assert any("PROVIDER_DNS_PRIMARY" in p and "IP addresses" in p for p in problems)
    assert any("PROVIDER_DNS_SERVERS" in p for p in problems)
