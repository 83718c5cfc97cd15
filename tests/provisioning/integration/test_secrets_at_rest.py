"""Tokens at rest (issue "provisioning engine"; DESIGN: tokens encrypted, never logged): after
sign-ins and a full provisioning by a runner process logging at debug level, no token, client
secret or TSIG secret can be read in the database file or in the runner's log."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from pathlib import Path

from provisioning.identity.scopes import Purpose
from storage.runs import ACTIVE, RunStatus
from tests.support.harness import TEST_APP, Harness
from tests.support.processes import stop
from tests.support.product import VAULT_KEY, Product


def _token_secrets(product: Product, tenant_id: str) -> set[str]:
    """Every access, refresh and id token in the tenant's decrypted MSAL caches."""
    found: set[str] = set()
    for purpose in Purpose:
        data = product.runtime.vault.get(tenant_id, purpose.value)
        assert data is not None
        cache = json.loads(data)
        for section in ("AccessToken", "RefreshToken", "IdToken"):
            found.update(entry["secret"] for entry in cache.get(section, {}).values())
    return found


def _stored_bytes(database: Path) -> bytes:
    """The database file with its journal and write-ahead log, as a thief would copy them."""
    return b"".join(
        p.read_bytes() for p in database.parent.iterdir() if p.name.startswith(database.name)
    )


async def test_no_token_or_secret_is_readable_in_the_database_or_the_logs(
    sb: Harness, tmp_path: Path
) -> None:
    """Secrets are checked whole and by their first 24 characters (a truncated leak counts)."""
    database = tmp_path / "bot.db"
    product = Product.create(sb, f"sqlite:///{database}")
    log = tmp_path / "runner.log"
    try:
        tenant = sb.make_tenant(users=6, teams_phone_share=0.5, free_seats={"MCOSTANDARD": 1})
        product.onboard(tenant)
        secrets = _token_secrets(product, tenant.id)
        run_id = await product.start(tenant)
        runner: subprocess.Popen[bytes] = product.runner_process("--verbose", log=log)
        try:
            deadline = time.monotonic() + 120
            while product.run(run_id).status in {s.value for s in ACTIVE}:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.2)
        finally:
            stop(runner)
        assert product.run(run_id).status == RunStatus.SUCCEEDED
        secrets |= _token_secrets(product, tenant.id)
    finally:
        product.close()

    secrets |= {TEST_APP.secret, sb.endpoints.tsig["secret"], VAULT_KEY}
    stored, logged = _stored_bytes(database), log.read_bytes()
    assert b"step_done" in stored  # the database holds the run
    assert b"DEBUG" in logged  # and the log is as talkative as it gets
    assert len(secrets) > 6
    for secret in secrets:
        for needle in (secret, secret[:24]):
            assert needle.encode() not in stored, "a secret is readable in the database"
            assert needle.encode() not in logged, "a secret is readable in the runner's log"
