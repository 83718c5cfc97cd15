"""The database: engines for SQLite (default) and PostgreSQL, its clock, and migrations."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, literal_column
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant will do; it names "the schema migration" among PostgreSQL's advisory locks.
_MIGRATION_LOCK = 0x44524D49


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the URL uses."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_path(url: str) -> Path | None:
    path = url.split("///", 1)[-1].split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys, a busy timeout, secure delete."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = _sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            # Deleted credentials are overwritten on disk, not left in free pages.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def database_now(engine: Engine) -> ColumnElement[float]:
    """The database's own time in seconds since the epoch, as an SQL expression.

    Leases are judged by it, so replicas whose clocks disagree still agree on who holds one.
    """
    if engine.dialect.name == "postgresql":
        return literal_column("extract(epoch from clock_timestamp())::float8")
    return literal_column("((julianday('now') - 2440587.5) * 86400.0)")


def alembic_config(engine: Engine) -> Config:
    """Alembic's configuration, pointed at our migrations and at ``engine``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """One migrating process at a time: an advisory lock on PostgreSQL, a lock file on SQLite."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.exec_driver_sql(f"SELECT pg_advisory_lock({_MIGRATION_LOCK})")
            try:
                yield
            finally:
                connection.exec_driver_sql(f"SELECT pg_advisory_unlock({_MIGRATION_LOCK})")
        return
    path = _sqlite_path(str(engine.url))
    if path is None:
        yield
        return
    with path.with_name(path.name + ".migrate-lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration; safe when several processes do it at once."""
    with _migration_lock(engine):
        command.upgrade(alembic_config(engine), "head")


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is at the newest migration."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current == head


def schema_problem(engine: Engine) -> str | None:
    """Why this process cannot serve from the database (``None``: it can): the database
    does not answer, or its schema is not the one this code needs."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        return f"the database does not answer ({type(exc).__name__})"
    if current != head:
        return (
            f"the database schema is at {current or 'nothing'}, this code needs {head}: "
            "run `python app.py migrate`"
        )
    return None
