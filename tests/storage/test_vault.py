"""Credentials are encrypted at rest (AES-256-GCM), bound to their row, deleted on removal."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from storage.database import make_engine, migrate
from storage.keys import VaultKeyError, load_key
from storage.vault import TokenVault, VaultError

SECRET = '{"RefreshToken": {"x": {"secret": "0.AX-super-secret-refresh-token"}}}'


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """A migrated SQLite database."""
    engine = make_engine(f"sqlite:///{tmp_path / 'vault.db'}")
    migrate(engine)
    return engine


def test_a_credential_round_trips(engine: Engine) -> None:
    """What is put comes back."""
    vault = TokenVault(engine, os.urandom(32))
    vault.put("t1", "graph", SECRET, 1.0)
    assert vault.get("t1", "graph") == SECRET
    assert vault.get("t1", "teams_admin") is None


def test_nothing_readable_reaches_the_database_file(engine: Engine, tmp_path: Path) -> None:
    """The database file holds ciphertext only."""
    TokenVault(engine, os.urandom(32)).put("t1", "graph", SECRET, 1.0)
    engine.dispose()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("vault.db*"))
    assert b"super-secret" not in raw
    assert b"RefreshToken" not in raw


def test_another_key_cannot_read_it(engine: Engine) -> None:
    """A changed key is reported, not silently wrong."""
    TokenVault(engine, os.urandom(32)).put("t1", "graph", SECRET, 1.0)
    with pytest.raises(VaultError):
        TokenVault(engine, os.urandom(32)).get("t1", "graph")


def test_a_ciphertext_copied_to_another_tenant_does_not_decrypt(engine: Engine) -> None:
    """The tenant and purpose are authenticated data: rows cannot be swapped."""
    vault = TokenVault(engine, os.urandom(32))
    vault.put("t1", "graph", SECRET, 1.0)
    vault.put("t2", "graph", "other", 1.0)
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE credentials SET "
                "nonce = (SELECT nonce FROM credentials WHERE tenant_id='t1'), "
                "ciphertext = (SELECT ciphertext FROM credentials WHERE tenant_id='t1')"
                " WHERE tenant_id = 't2'"
            )
        )
    with pytest.raises(VaultError):
        vault.get("t2", "graph")


def test_delete_removes_every_credential_of_a_tenant(engine: Engine) -> None:
    """Removal deletes the stored tokens (SPEC removal step 6)."""
    vault = TokenVault(engine, os.urandom(32))
    vault.put("t1", "graph", SECRET, 1.0)
    vault.put("t1", "teams_admin", SECRET, 1.0)
    vault.put("t2", "graph", SECRET, 1.0)
    assert vault.delete("t1") == 2
    assert vault.purposes("t1") == []
    assert vault.purposes("t2") == ["graph"]


def test_a_generated_key_file_is_private(tmp_path: Path) -> None:
    """The embedded default generates its key in a file only its owner can read."""
    path = tmp_path / "data" / "vault.key"
    key = load_key(None, path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(None, path) == key


def test_a_configured_key_must_be_256_bits_of_base64() -> None:
    """Bad keys are refused with a reason."""
    assert load_key(base64.b64encode(b"k" * 32).decode(), None) == b"k" * 32
    with pytest.raises(VaultKeyError):
        load_key(base64.b64encode(b"short").decode(), None)
    with pytest.raises(VaultKeyError):
        load_key("not base64!", None)


def test_a_late_write_back_does_not_replace_a_newer_sign_in(engine: Engine) -> None:
    """A refreshed cache from the sign-in read earlier loses to the one stored since."""
    vault = TokenVault(engine, os.urandom(32))
    vault.put("t1", "graph", "first", 1.0)
    read_then = vault.version("t1", "graph")
    assert read_then is not None
    vault.put("t1", "graph", "signed in again", 2.0)

    assert vault.replace("t1", "graph", "refreshed first", 3.0, read_then) is None
    assert vault.get("t1", "graph") == "signed in again"


def test_a_late_write_back_does_not_bring_back_a_deleted_credential(engine: Engine) -> None:
    """Once forgotten, a credential stays forgotten."""
    vault = TokenVault(engine, os.urandom(32))
    vault.put("t1", "graph", "first", 1.0)
    read_then = vault.version("t1", "graph")
    assert read_then is not None
    vault.forget("t1", "graph")

    assert vault.replace("t1", "graph", "refreshed", 2.0, read_then) is None
    assert vault.purposes("t1") == []


def test_a_write_back_of_the_current_credential_stores_it_under_a_new_version(
    engine: Engine,
) -> None:
    """The normal refresh: stored, and its version changes (so remembered tokens expire)."""
    vault = TokenVault(engine, os.urandom(32))
    vault.put("t1", "graph", "first", 1.0)
    read_then = vault.version("t1", "graph")
    assert read_then is not None

    version = vault.replace("t1", "graph", "refreshed", 2.0, read_then)

    assert version is not None
    assert version != read_then
    assert vault.read("t1", "graph") == ("refreshed", version)
