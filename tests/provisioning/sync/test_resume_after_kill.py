"""A sync SIGKILLed halfway (``python app.py sync`` in a process of its own) is finished by the
runners' schedule and ends with the same users as a sync that was never interrupted."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from provisioning.identity.scopes import Purpose
from storage.users import TenantUserRecord, UserSyncRecord
from tests.support.harness import Harness
from tests.support.product import Product

ROOT = Path(__file__).resolve().parents[3]
_COLUMNS = (
    "user_id",
    "upn",
    "display_name",
    "mail",
    "account_enabled",
    "teams_phone",
    "enterprise_voice",
    "numbers",
    "routing_policy",
    "dial_plan",
    "account_type",
    "status",
    "removed",
)


def _users(engine: Engine, tenant_id: str) -> list[tuple[Any, ...]]:
    with Session(engine) as session:
        rows = session.exec(
            select(TenantUserRecord)
            .where(col(TenantUserRecord.tenant_id) == tenant_id)
            .order_by(col(TenantUserRecord.user_id))
        ).all()
    return [tuple(getattr(r, c) for c in _COLUMNS) for r in rows]


def _cursor(engine: Engine, tenant_id: str) -> UserSyncRecord | None:
    with Session(engine) as session:
        return session.get(UserSyncRecord, tenant_id)


def _kill_after_the_first_page(product: Product, tenant_id: str) -> UserSyncRecord:
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "sync", "--tenant", tenant_id, "--full"],
        cwd=ROOT,
        env={**os.environ, **product.env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = _cursor(product.runtime.engine, tenant_id)
            if state is not None and state.directory_cursor:
                child.send_signal(signal.SIGKILL)
                child.wait(10)
                return state
            assert child.poll() is None, "the sync ended before it could be cut off"
            time.sleep(0.02)
        raise AssertionError("the sync never saved a page")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)


async def test_a_sync_killed_halfway_ends_as_an_uninterrupted_one(
    sb: Harness, tmp_path: Path
) -> None:
    tenant = sb.make_tenant(
        users=4000, teams_phone_share=0.5, unlicensed_share=0.2, other_provider={"users": 3}
    )
    whole = Product.create(sb, f"sqlite:///{tmp_path / 'whole.db'}")
    killed = Product.create(
        sb, f"sqlite:///{tmp_path / 'killed.db'}", USER_SYNC_STALE_SECONDS="0.5"
    )
    try:
        whole.sign_in(tenant, Purpose.GRAPH)
        killed.sign_in(tenant, Purpose.GRAPH)
        await whole.runtime.integrations.users.sync(tenant.id)
        # Graph slow enough that the child is cut off between pages.
        sb.control.patch("/knobs", json={"latency_ms": {"graph": 250}})
        _kill_after_the_first_page(killed, tenant.id)
        sb.control.patch("/knobs", json={"latency_ms": {"graph": 0}})
        state = _cursor(killed.runtime.engine, tenant.id)
        assert state is not None
        assert state.running == "full"
        assert len(_users(killed.runtime.engine, tenant.id)) < 4000
        await asyncio.sleep(0.6)  # the killed process's heartbeat goes stale

        finished = await killed.runtime.sync_schedule.run_due()

        assert finished == 1
        assert _users(killed.runtime.engine, tenant.id) == _users(whole.runtime.engine, tenant.id)
    finally:
        whole.close()
        killed.close()
