"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

import storage.tables  # noqa: F401 - the complete metadata
from storage.database import make_engine, migrate, schema_is_current
from storage.runs import RunRecord
from storage.tenants import TenantRecord
from tests.support.postgres import postgres_schema


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    migrate(engine)
    migrate(engine)  # a second upgrade is a no-op
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    return list(diff)


def test_sqlite_schema_matches_the_models(tmp_path: Path) -> None:
    """The embedded default's database."""
    assert _differences(f"sqlite:///{tmp_path / 'db.sqlite'}") == []


def test_postgresql_schema_matches_the_models() -> None:
    """The multi-replica database."""
    with postgres_schema() as url:
        assert _differences(url) == []


def _second_active_run_refused(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate(engine)
        with Session(engine) as session:
            session.add(TenantRecord(id="t1", created_at=0, updated_at=0))
            session.commit()
            session.add(
                RunRecord(id="r1", tenant_id="t1", kind="provision", created_at=0, updated_at=0)
            )
            session.add(
                RunRecord(
                    id="r0",
                    tenant_id="t1",
                    kind="provision",
                    status="failed",
                    created_at=0,
                    updated_at=0,
                )
            )
            session.commit()
            session.add(
                RunRecord(id="r2", tenant_id="t1", kind="remove", created_at=0, updated_at=0)
            )
            with pytest.raises(IntegrityError):
                session.commit()
    finally:
        engine.dispose()


def test_sqlite_allows_one_active_run_per_tenant(tmp_path: Path) -> None:
    """The partial unique index refuses a second active run, whatever the runner checks."""
    _second_active_run_refused(f"sqlite:///{tmp_path / 'db.sqlite'}")


def test_postgresql_allows_one_active_run_per_tenant() -> None:
    """The same index on PostgreSQL, where several runners share the database."""
    with postgres_schema() as url:
        _second_active_run_refused(url)


def test_a_failed_tenant_of_the_first_schema_becomes_a_failed_provisioning(
    tmp_path: Path,
) -> None:
    """0002 tells failed provisionings from failed removals; older rows were provisionings."""
    from alembic import command
    from sqlalchemy import text

    from storage.database import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO tenants (id, display_name, initial_domain, state, created_at, "
                "updated_at) VALUES ('t1', 'T', 't.onmicrosoft.com', 'failed', 0, 0)"
            )
        )
    migrate(engine)
    with Session(engine) as session:
        tenant = session.get(TenantRecord, "t1")
        assert tenant is not None
        assert tenant.state == "provisioning_failed"
    engine.dispose()


def test_replicas_migrating_at_once_do_not_race(tmp_path: Path) -> None:
    """Four processes run ``app.py migrate`` together on one SQLite file: all succeed."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    processes = [
        subprocess.Popen(
            [sys.executable, str(root / "app.py"), "migrate"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=60)[0].decode() for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], outputs
    engine = make_engine(env["DATABASE_URL"])
    assert schema_is_current(engine)
    engine.dispose()
