"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

import storage.tables  # noqa: F401 - the complete metadata
from storage.database import make_engine, migrate
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
