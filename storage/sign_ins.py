"""Sign-ins in flight: the MSAL flow (state, nonce, PKCE verifier), sealed, single-use, expiring."""

from __future__ import annotations

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel


class SignInFlowRecord(SQLModel, table=True):
    """One started sign-in; the state in the URL is stored only as its hash."""

    __tablename__ = "sign_in_flows"

    state_hash: str = Field(primary_key=True, max_length=64)
    purpose: str = Field(max_length=32)
    key_id: str = Field(max_length=32)
    nonce: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # The flow and what it is bound to (conversation, user, tenant), encrypted together.
    ciphertext: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: float
    expires_at: float = Field(index=True)
    consumed_at: float | None = None
