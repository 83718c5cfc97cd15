"""Encrypted credentials: one serialized MSAL token cache per tenant and purpose."""

from __future__ import annotations

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel


class CredentialRecord(SQLModel, table=True):
    """Ciphertext only; the key never touches the database."""

    __tablename__ = "credentials"

    tenant_id: str = Field(primary_key=True, max_length=36)
    purpose: str = Field(primary_key=True, max_length=32)
    key_id: str = Field(max_length=32)
    nonce: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    ciphertext: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    updated_at: float
