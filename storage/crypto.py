"""Sealing secrets at rest with AES-256-GCM: a fresh nonce per message, bound to its place."""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage.keys import key_id


class SealError(Exception):
    """A sealed value cannot be opened (another key, or the row was tampered with)."""


class Sealer:
    """Encrypts and decrypts with one key; ``aad`` ties a ciphertext to the row it belongs to."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)
        self.key_id = key_id(key)

    def seal(self, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
        """(nonce, ciphertext)."""
        nonce = secrets.token_bytes(12)
        return nonce, self._aead.encrypt(nonce, plaintext, aad)

    def open(self, key_id: str, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        """The plaintext, or :class:`SealError`."""
        if key_id != self.key_id:
            raise SealError("it was sealed with another key")
        try:
            return self._aead.decrypt(nonce, ciphertext, aad)
        except InvalidTag as exc:
            raise SealError("it cannot be decrypted") from exc
