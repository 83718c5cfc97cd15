"""Credentials encrypted at rest with AES-256-GCM; each ciphertext is bound to its row."""

from __future__ import annotations

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from storage.credentials import CredentialRecord
from storage.crypto import Sealer, SealError


class VaultError(Exception):
    """A stored credential cannot be decrypted (the key changed, or the row was tampered with)."""


def _aad(tenant_id: str, purpose: str) -> bytes:
    # Binding the ciphertext to its tenant and purpose stops a row being copied to another.
    return f"credential/{tenant_id}/{purpose}".encode()


class TokenVault:
    """Stores, reads and deletes encrypted credentials."""

    def __init__(self, engine: Engine, key: bytes) -> None:
        self._engine = engine
        self._sealer = Sealer(key)

    def put(self, tenant_id: str, purpose: str, plaintext: str, now: float) -> None:
        """Encrypt and store (replacing what was there)."""
        nonce, ciphertext = self._sealer.seal(plaintext.encode(), _aad(tenant_id, purpose))
        with Session(self._engine) as session:
            record = session.get(CredentialRecord, (tenant_id, purpose))
            if record is None:
                record = CredentialRecord(
                    tenant_id=tenant_id,
                    purpose=purpose,
                    key_id=self._sealer.key_id,
                    nonce=nonce,
                    ciphertext=ciphertext,
                    updated_at=now,
                )
            else:
                record.key_id, record.nonce = self._sealer.key_id, nonce
                record.ciphertext = ciphertext
                record.updated_at = now
            session.add(record)
            session.commit()

    def replace(
        self, tenant_id: str, purpose: str, plaintext: str, now: float, version: bytes
    ) -> bytes | None:
        """Store anew only if the credential is still the one read as ``version``; the new
        version, or ``None`` when it was deleted or stored again meanwhile (a refresh that
        finishes late never brings back a sign-in that was removed or replaced)."""
        nonce, ciphertext = self._sealer.seal(plaintext.encode(), _aad(tenant_id, purpose))
        with Session(self._engine) as session:
            changed = session.execute(
                update(CredentialRecord)
                .where(
                    col(CredentialRecord.tenant_id) == tenant_id,
                    col(CredentialRecord.purpose) == purpose,
                    col(CredentialRecord.nonce) == version,
                )
                .values(
                    key_id=self._sealer.key_id,
                    nonce=nonce,
                    ciphertext=ciphertext,
                    updated_at=now,
                )
            )
            session.commit()
        return nonce if changed.rowcount == 1 else None  # type: ignore[attr-defined]

    def get(self, tenant_id: str, purpose: str) -> str | None:
        """The plaintext, or ``None`` if nothing is stored."""
        found = self.read(tenant_id, purpose)
        return found[0] if found else None

    def version(self, tenant_id: str, purpose: str) -> bytes | None:
        """What changes whenever the credential is stored again (``None``: none stored)."""
        with Session(self._engine) as session:
            return session.exec(
                select(CredentialRecord.nonce).where(
                    col(CredentialRecord.tenant_id) == tenant_id,
                    col(CredentialRecord.purpose) == purpose,
                )
            ).first()

    def read(self, tenant_id: str, purpose: str) -> tuple[str, bytes] | None:
        """The plaintext and its :meth:`version`, or ``None`` if nothing is stored."""
        with Session(self._engine) as session:
            record = session.get(CredentialRecord, (tenant_id, purpose))
            if record is None:
                return None
            try:
                plaintext = self._sealer.open(
                    record.key_id, record.nonce, record.ciphertext, _aad(tenant_id, purpose)
                )
            except SealError as exc:
                raise VaultError(
                    f"the {purpose} credentials of tenant {tenant_id} are unusable ({exc}); "
                    "sign in again"
                ) from exc
            return plaintext.decode(), record.nonce

    def purposes(self, tenant_id: str) -> list[str]:
        """Which credentials are stored for a tenant."""
        with Session(self._engine) as session:
            rows = session.exec(
                select(CredentialRecord.purpose).where(col(CredentialRecord.tenant_id) == tenant_id)
            ).all()
        return sorted(rows)

    def forget(self, tenant_id: str, purpose: str) -> bool:
        """Delete one credential of a tenant; whether there was one."""
        with Session(self._engine) as session:
            record = session.exec(
                select(CredentialRecord).where(
                    col(CredentialRecord.tenant_id) == tenant_id,
                    col(CredentialRecord.purpose) == purpose,
                )
            ).first()
            if record is not None:
                session.delete(record)
                session.commit()
        return record is not None

    def delete(self, tenant_id: str) -> int:
        """Delete every credential of a tenant; how many there were."""
        with Session(self._engine) as session:
            records = session.exec(
                select(CredentialRecord).where(col(CredentialRecord.tenant_id) == tenant_id)
            ).all()
            for record in records:
                session.delete(record)
            session.commit()
        return len(records)
