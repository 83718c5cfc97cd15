"""The key that encrypts stored credentials: from settings, or a generated 0600 key file."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from pathlib import Path

KEY_BYTES = 32


class VaultKeyError(Exception):
    """The configured key is unusable."""


def load_key(secret: str | None, key_file: Path | None) -> bytes:
    """A 256-bit key: the base64 ``secret`` if given, else the key file (created if missing)."""
    if secret:
        try:
            key = base64.b64decode(secret, validate=True)
        except binascii.Error as exc:
            raise VaultKeyError("the token vault key is not valid base64") from exc
        if len(key) != KEY_BYTES:
            raise VaultKeyError(f"the token vault key must be {KEY_BYTES} bytes, not {len(key)}")
        return key
    if key_file is None:
        raise VaultKeyError("no token vault key: set TOKEN_VAULT_KEY or a key file")
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under a private name, then linked into place: a process starting at the
        # same moment sees either no key file or the complete key, never an empty one.
        temporary = key_file.with_name(f".{key_file.name}.{secrets.token_hex(6)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode())
        try:
            os.link(temporary, key_file)
        except FileExistsError:
            pass  # another process won the race; its key is the key
        finally:
            temporary.unlink()
    key_file.chmod(0o600)
    return load_key(key_file.read_text().strip(), None)


def key_id(key: bytes) -> str:
    """A short, non-secret name for a key, stored beside each ciphertext."""
    return hashlib.sha256(b"token-vault/" + key).hexdigest()[:16]
