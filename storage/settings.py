"""Where the database is and what encrypts stored secrets."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class StorageSettings(BaseSettings):
    """``DATABASE_URL`` and the token vault's key."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, case_sensitive=False
    )

    database_url: str = Field("sqlite:///data/bot.db", alias="DATABASE_URL")
    # Base64 of 32 random bytes; without it a 0600 key file is generated beside the database.
    token_vault_key: SecretStr | None = Field(None, alias="TOKEN_VAULT_KEY")
    token_vault_key_file: Path = Field(Path("data/vault.key"), alias="TOKEN_VAULT_KEY_FILE")
