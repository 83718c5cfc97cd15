"""The real product (adapters, database, vault, runner) wired to a sandbox, for integration
tests: settings from the sandbox's startup line, sign-ins driven like a browser, runners in this
process or in child processes, and snapshots of a tenant for diffing."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

import app
from provisioning.engine.runner import Runner
from provisioning.identity.flows import SignInBinding
from provisioning.identity.scopes import Purpose
from provisioning.identity.sign_in import SignedIn
from provisioning.integrations import RunKind
from storage.database import make_engine, migrate
from storage.runs import ACTIVE, RunRecord
from tests.support.harness import TEST_APP, Harness, SeededTenant
from tests.support.sandbox_process import SandboxEndpoints
from tests.support.signin import sign_in

ROOT = Path(__file__).resolve().parents[2]
VAULT_KEY = base64.b64encode(b"test-vault-key-0123456789abcdef!").decode()


def product_env(endpoints: SandboxEndpoints, database_url: str, **extra: str) -> dict[str, str]:
    """The product's settings for ``endpoints``, as environment variables."""
    servers = [f"{h}:{p}" for h, p in endpoints.dns_servers]
    tsig = endpoints.tsig
    return {
        "DATABASE_URL": database_url,
        "TOKEN_VAULT_KEY": VAULT_KEY,
        "MicrosoftAppId": TEST_APP.client_id,
        "MicrosoftAppPassword": TEST_APP.secret,
        "OAUTH_REDIRECT_URI": TEST_APP.redirect_uri,
        "ENTRA_AUTHORITY": endpoints.authority,
        "GRAPH_BASE_URL": endpoints.graph,
        "TEAMS_ADMIN_BASE_URL": endpoints.teams_admin,
        "CA_BUNDLE": endpoints.ca_file,
        "PROVIDER_ZONE": endpoints.zone,
        "PROVIDER_DNS_PRIMARY": servers[0],
        "PROVIDER_DNS_SERVERS": ",".join(servers),
        "TSIG_KEY_NAME": tsig["name"],
        "TSIG_SECRET": tsig["secret"],
        "TSIG_ALGORITHM": tsig["algorithm"],
        "REGIONS": json.dumps({"gbr-lon-tgw": ["192.0.2.10", "2001:db8::10"]}),
        "DEFAULT_REGION": "gbr-lon-tgw",
        "RUNNER_LEASE_SECONDS": "3",
        "RUNNER_IDLE_POLL_SECONDS": "0.2",
        "HTTP_TIMEOUT_SECONDS": "5",
        # Each test's event loop ends with it: no connections may outlive their users.
        "HTTP_KEEPALIVE_SECONDS": "0",
        **extra,
    }


@dataclass
class Product:
    """One product installation (database and vault) talking to one sandbox."""

    harness: Harness
    env: dict[str, str]
    runtime: app.Runtime

    @classmethod
    def create(
        cls, harness: Harness, database_url: str, clock: Any = None, **extra: str
    ) -> Product:
        """Wire the product with its own (migrated) database."""
        env = product_env(harness.endpoints, database_url, **extra)
        # Read from ``env`` alone: no environment variable or .env of the machine leaks in.
        settings = app.Settings.load(env)
        engine = make_engine(settings.storage.database_url)
        migrate(engine)
        engine.dispose()
        return cls(harness, env, app.build_runtime(settings, clock))

    def close(self) -> None:
        """Release the database."""
        self.runtime.close()

    # ------------------------------------------------------------------------------ sign-in

    def sign_in(self, tenant: SeededTenant, purpose: Purpose, upn: str | None = None) -> SignedIn:
        """The admin's sign-in for ``purpose``, as a browser would do it."""
        sign_in = self.runtime.sign_in
        started = sign_in.begin(SignInBinding(purpose.value, tenant_id=tenant.id))
        with httpx.Client(
            verify=self.harness.endpoints.ssl_context(), follow_redirects=False
        ) as browser:
            result = sign_in_page(browser, started.auth_uri, upn or tenant.admin)
        return sign_in.complete(result)

    def onboard(self, tenant: SeededTenant) -> None:
        """Both sign-ins, and the tenant known to the product."""
        signed = self.sign_in(tenant, Purpose.GRAPH)
        self.sign_in(tenant, Purpose.TEAMS_ADMIN)
        self.runtime.tenants.upsert(
            signed.tenant_id, tenant.summary["displayName"], tenant.domain, self.runtime.clock.now()
        )

    async def start(
        self, tenant: SeededTenant, kind: RunKind = RunKind.PROVISION, subscriber: str | None = None
    ) -> str:
        """Start a run for the tenant through the facade (readiness and preflight included)."""
        return await self.runtime.integrations.start(tenant.id, kind, "test-admin", subscriber)

    def run(self, run_id: str) -> RunRecord:
        """A run's record."""
        record: RunRecord | None = self.runtime.store.run(run_id)
        assert record is not None
        return record

    async def converge(self, run_id: str, within: float = 120.0, **options: Any) -> RunRecord:
        """Run runners in this process until the run has ended (waiting out leases and timers)."""
        deadline = time.monotonic() + within
        runner = self.runner(**options)
        while time.monotonic() < deadline:
            await runner.drain()
            record = self.run(run_id)
            if record.status not in {s.value for s in ACTIVE}:
                return record
            await asyncio.sleep(0.2)
        raise AssertionError(f"run {run_id} still {self.run(run_id).status} after {within} s")

    # ------------------------------------------------------------------------------ runners

    def runner(self, **options: Any) -> Runner:
        """A runner in this process, with the real adapters."""
        options.setdefault("lease_seconds", 10.0)
        options.setdefault("hold_seconds", 3.0)
        return self.runtime.runner(**options)

    def runner_process(
        self,
        *args: str,
        log: Path | None = None,
        crash: str | None = None,
        owner: str | None = None,
    ) -> subprocess.Popen[bytes]:
        """A runner in a child process with this product's settings: ``app.py runner``, or the
        test side's runner that kills itself at ``crash`` (``step:when``)."""
        if crash is None:
            command = [sys.executable, str(ROOT / "app.py"), "runner", *args]
        else:
            command = [sys.executable, "-m", "tests.support.crashing_runner", crash, *args]
        if owner is not None:
            command += ["--owner", owner]
        env = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        if log is None:
            return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        with log.open("ab") as output:  # the child keeps its own copy of the descriptor
            return subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
            )


def sign_in_page(browser: httpx.Client, auth_uri: str, upn: str) -> dict[str, str]:
    """Pick ``upn`` on Entra's pages; what comes back to the redirect URI."""
    result = sign_in(browser, auth_uri, upn)
    assert result.page is None, result.page.text if result.page else ""
    return result.params


def alike_tenant(sb: Harness, seed: int = 11) -> SeededTenant:
    """A small tenant with another provider's setup; tenants seeded by it differ only by name."""
    return sb.make_tenant(
        seed=seed,
        users=8,
        teams_phone_share=0.5,
        free_seats={"MCOSTANDARD": 1},
        other_provider={"name": "Fabrikam Voice", "users": 2},
    )


def normalised(tenant: SeededTenant, found: set[str]) -> set[str]:
    """``found`` with the tenant's own name replaced, to compare tenants seeded alike."""
    prefix = tenant.domain.split(".")[0]
    return {re.sub(r"MS=ms\d+", "MS=ms…", f.replace(prefix, "TENANT")) for f in found}


def facts(harness: Harness, tenant: SeededTenant) -> set[str]:
    """A tenant (and the provider's zone) as a set of facts, for before/after diffs."""
    state = harness.state(tenant)
    out: set[str] = set()
    for domain in state["domains"]:
        out.add(f"domain {domain['id']} verified={domain['isVerified']}")
    for user in state["users"]:
        out.add(f"user {user['userPrincipalName']} licences={','.join(user['licenses'])}")
    for sku in state["subscribedSkus"]:
        out.add(f"sku {sku['skuPartNumber']} consumed={sku['consumed']}")
    voice = state["voice"]
    for kind in (
        "TenantDialPlan",
        "OnlineVoiceRoutingPolicy",
        "OnlinePSTNGateway",
        "OnlineVoiceRoute",
    ):
        for item in voice[kind]:
            props = {
                k: v for k, v in item.items() if k not in ("Key", "ConfigId", "ConfigMetadata")
            }
            out.add(f"{kind} {json.dumps(props, sort_keys=True)}")
    out.update(f"usage {u}" for u in voice["OnlinePstnUsages"])
    for upn, user in voice["users"].items():
        out.add(f"voice-user {upn} {json.dumps(user, sort_keys=True)}")
    zone = harness.control.get("/dns/zone").json()
    suffix = tenant.domain.split(".")[0] + "."
    for record in zone["primary"]["records"]:
        if record.startswith(suffix):
            out.add(f"dns {record}")
    return out


def object_counts(harness: Harness, tenant: SeededTenant) -> Counter[str]:
    """How many objects the sandbox holds of each kind (users, domains, each voice kind,
    usages, zone records of the tenant): a duplicate shows as one more, not as a fact again."""
    state = harness.state(tenant)
    voice = state["voice"]
    counts: Counter[str] = Counter(
        {
            "users": len(state["users"]),
            "domains": len(state["domains"]),
            "usages": len(voice["OnlinePstnUsages"]),
            "consumed_seats": sum(s["consumed"] for s in state["subscribedSkus"]),
        }
    )
    for kind in (
        "TenantDialPlan",
        "OnlineVoiceRoutingPolicy",
        "OnlinePSTNGateway",
        "OnlineVoiceRoute",
    ):
        counts[kind] = len(voice[kind])
    zone = harness.control.get("/dns/zone").json()
    prefix = tenant.domain.split(".")[0] + "."
    counts["dns_records"] = sum(r.startswith(prefix) for r in zone["primary"]["records"])
    return counts


def added_objects(before: Counter[str], after: Counter[str]) -> dict[str, int]:
    """What a run added, kind by kind (``after - before``, zeros dropped)."""
    return {k: after[k] - before[k] for k in after if after[k] != before[k]}
