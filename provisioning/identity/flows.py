"""Sign-ins in flight, kept server-side: sealed, single-use, and refused once expired.

The browser carries only the ``state``; the database keeps its hash and, encrypted, the MSAL
flow (nonce, PKCE verifier) with what the sign-in is bound to. Any replica can complete it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session, col, delete

from i18n.text import N_
from storage.crypto import Sealer, SealError
from storage.sign_ins import SignInFlowRecord


class FlowError(Exception):
    """The sign-in cannot be completed: unknown, used already, expired or tampered with.

    Its text is English (it is audited as it is); the sign-in says it in the admin's language.
    """


@dataclass(frozen=True)
class SignInBinding:
    """Who started a sign-in, and from where: the result may only land there."""

    purpose: str
    # The tenant of the conversation the sign-in was started from (the sign-in must match it).
    tenant_id: str | None = None
    # The Entra object id of the admin who asked for it.
    user_id: str | None = None
    # Where to tell the admin how it went (opaque here).
    conversation: str | None = None
    # A hash of the browser's sign-in cookie: the answer must come back to that browser
    # (RFC 6749 §10.12, binding the state to the user agent), not to someone else's.
    browser: str | None = None


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def browser_hash(cookie: str) -> str:
    """What a binding keeps of a browser's sign-in cookie."""
    return hashlib.sha256(b"browser/" + cookie.encode()).hexdigest()


def _aad(state_hash: str) -> bytes:
    return f"sign-in/{state_hash}".encode()


class SignInFlows:
    """Stores and consumes started sign-ins."""

    def __init__(self, engine: Engine, sealer: Sealer) -> None:
        self._engine = engine
        self._sealer = sealer

    def save(
        self, state: str, binding: SignInBinding, flow: dict[str, Any], now: float, ttl: float
    ) -> None:
        """Keep a started sign-in until ``now + ttl``."""
        state_hash = _hash(state)
        plaintext = json.dumps({"binding": asdict(binding), "flow": flow}).encode()
        nonce, ciphertext = self._sealer.seal(plaintext, _aad(state_hash))
        with Session(self._engine) as session:
            session.add(
                SignInFlowRecord(
                    state_hash=state_hash,
                    purpose=binding.purpose,
                    key_id=self._sealer.key_id,
                    nonce=nonce,
                    ciphertext=ciphertext,
                    created_at=now,
                    expires_at=now + ttl,
                )
            )
            # Expired sign-ins are of no use to anyone: keep the table small.
            session.execute(delete(SignInFlowRecord).where(col(SignInFlowRecord.expires_at) < now))
            session.commit()

    def consume(self, state: str, now: float) -> tuple[SignInBinding, dict[str, Any]]:
        """The sign-in ``state`` names, marked used; a second call for it fails."""
        state_hash = _hash(state)
        with Session(self._engine) as session:
            record = session.get(SignInFlowRecord, state_hash)
            if record is None:
                raise FlowError(N_("This sign-in link is not known (or was used already)."))
            claimed = session.execute(
                update(SignInFlowRecord)
                .where(
                    col(SignInFlowRecord.state_hash) == state_hash,
                    col(SignInFlowRecord.consumed_at).is_(None),
                )
                .values(consumed_at=now)
            )
            session.commit()
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                raise FlowError(N_("This sign-in link was used already. Start the sign-in again."))
            if record.expires_at < now:
                raise FlowError(N_("This sign-in link has expired. Start the sign-in again."))
            try:
                plaintext = self._sealer.open(
                    record.key_id, record.nonce, record.ciphertext, _aad(state_hash)
                )
            except SealError as exc:
                raise FlowError(
                    N_("This sign-in cannot be completed ({error}).").format(error=exc)
                ) from exc
        data = json.loads(plaintext)
        return SignInBinding(**data["binding"]), dict(data["flow"])
