"""The sandbox's signing keys: kept in its data folder with their certificate, so a token issued
before a restart is still accepted after it (Entra's ``kid`` is the certificate's thumbprint)."""

from __future__ import annotations

from pathlib import Path

from sandbox.signing import SigningKey


def test_a_token_signed_before_a_restart_is_accepted_after_it(tmp_path: Path) -> None:
    before = SigningKey.load_or_create(tmp_path / "signing-key.pem")
    token = before.sign({"sub": "someone"})

    after = SigningKey.load_or_create(tmp_path / "signing-key.pem")

    assert after.kid == before.kid
    assert after.verify(token)["sub"] == "someone"


def test_another_folder_has_another_key(tmp_path: Path) -> None:
    one = SigningKey.load_or_create(tmp_path / "a" / "signing-key.pem")
    other = SigningKey.load_or_create(tmp_path / "b" / "signing-key.pem")
    assert one.kid != other.kid
