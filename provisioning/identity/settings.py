"""The app registration the admins sign in to (Bot Framework names, shared with the bot)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class IdentitySettings(BaseSettings):
    """``MicrosoftAppId`` and its secret, and where Entra ID sends the admin back to."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, case_sensitive=False
    )

    microsoft_app_id: str = Field("", alias="MicrosoftAppId")
    microsoft_app_password: SecretStr = Field(SecretStr(""), alias="MicrosoftAppPassword")
    oauth_redirect_uri: str = Field(
        "http://localhost:3978/auth/callback", alias="OAUTH_REDIRECT_URI"
    )
    # How long a started sign-in may take before its state is refused.
    sign_in_ttl_seconds: float = Field(600.0, alias="SIGN_IN_TTL_SECONDS")
