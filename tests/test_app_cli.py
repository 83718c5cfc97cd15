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


PROVIDER = "7f3c2a10-5b4e-4d6f-9a8b-1c2d3e4f5a6b"
CONTOSO = "00000000-0000-4000-8000-000000000001"
FABRIKAM = "00000000-0000-4000-8000-000000000002"


def _customers_database(tmp_path: Path) -> dict[str, str]:
    """A migrated database knowing Contoso (signed in), Fabrikam (removed) and the provider's
    own tenant; the settings that read it."""
    from sqlmodel import Session

    from provisioning.tenants import TenantStore
    from storage.audit import AuditLog
    from storage.database import make_engine, migrate
    from storage.tenants import TenantRecord, TenantState

    url = f"sqlite:///{tmp_path / 'bot.db'}"
    engine = make_engine(url)
    migrate(engine)
    tenants = TenantStore(engine)
    tenants.upsert(CONTOSO, "Contoso", "contoso.onmicrosoft.com", 1_700_000_000)
    tenants.upsert(FABRIKAM, "Fabrikam", "fabrikam.onmicrosoft.com", 1_700_000_000)
    tenants.upsert(PROVIDER, "Provider", "provider.onmicrosoft.com", 1_700_000_000)
    with Session(engine) as session:
        removed = session.get(TenantRecord, FABRIKAM)
        assert removed is not None
        removed.state = TenantState.REMOVED.value
        session.add(removed)
        session.commit()
    AuditLog(engine).record(
        CONTOSO,
        "admin@contoso.onmicrosoft.com",
        "sign_in_completed",
        1_700_000_100,
        purpose="graph",
    )
    engine.dispose()
    return {
        "DATABASE_URL": url,
        "TOKEN_VAULT_KEY_FILE": str(tmp_path / "vault.key"),
        "PROVIDER_TENANT_ID": PROVIDER,
    }


def test_tenants_prints_a_line_per_customer_under_a_header(tmp_path: Path) -> None:
    """State and last run of each; the provider's own tenant is no customer."""
    result = _app(tmp_path, "tenants", **_customers_database(tmp_path))
    assert result.returncode == 0, result.stderr
    header, contoso, fabrikam = result.stdout.splitlines()
    assert header.split()[:4] == ["TENANT", "NAME", "INITIAL", "DOMAIN"]
    assert contoso.split()[:5] == [CONTOSO, "Contoso", "contoso.onmicrosoft.com", "new", "none"]
    assert fabrikam.split()[3] == "disconnected"


def test_tenants_with_a_state_prints_only_the_customers_in_it(tmp_path: Path) -> None:
    result = _app(tmp_path, "tenants", "--state", "disconnected", **_customers_database(tmp_path))
    assert result.returncode == 0, result.stderr
    assert [line.split()[1] for line in result.stdout.splitlines()[1:]] == ["Fabrikam"]


def test_tenants_with_a_tenant_prints_its_status_and_audit_history(tmp_path: Path) -> None:
    result = _app(tmp_path, "tenants", "--tenant", "contoso", **_customers_database(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Contoso"
    assert "Signed in, not connected yet" in result.stdout
    assert lines[-2:] == [
        "Audit history, newest first (1–1 of 1):",
        "  2023-11-14 22:15 UTC  admin@contoso.onmicrosoft.com  "
        "Signed in for step 1 (Microsoft Graph)",
    ]


def test_tenants_with_a_tenant_nobody_matches_exits_1(tmp_path: Path) -> None:
    result = _app(tmp_path, "tenants", "--tenant", "provider", **_customers_database(tmp_path))
    assert result.returncode == 1
    assert "No customer tenant matches 'provider'." in result.stderr


def test_the_tenants_states_are_the_customer_states() -> None:
    """The command line offers what the provider's view knows."""
    from provisioning.integrations import CUSTOMER_STATES

    sub = next(a for a in app.build_parser()._actions if a.dest == "command")
    tenants = sub.choices["tenants"]  # type: ignore[index]
    state = next(a for a in tenants._actions if a.dest == "state")
    assert tuple(state.choices or ()) == CUSTOMER_STATES


def test_tenants_refuses_a_database_that_was_not_migrated(tmp_path: Path) -> None:
    result = _app(
        tmp_path,
        "tenants",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}",
        TOKEN_VAULT_KEY_FILE=str(tmp_path / "vault.key"),
    )
    assert result.returncode == 2
    assert "python app.py migrate" in result.stdout
