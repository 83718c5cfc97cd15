"""The bot's settings, by the Bot Framework's names (``MicrosoftAppId``…, the
``ToBotFromChannel…`` / ``ToChannelFromBot…`` set): against the sandbox only these change."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

BOT_FRAMEWORK = "https://api.botframework.com"


class BotSettings(BaseSettings):
    """How the bot is registered, how it checks what Teams sends, where it listens."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, case_sensitive=False
    )

    app_id: str = Field("", alias="MicrosoftAppId")
    app_password: SecretStr = Field(SecretStr(""), alias="MicrosoftAppPassword")
    app_type: str = Field("MultiTenant", alias="MicrosoftAppType")
    app_tenant_id: str = Field("", alias="MicrosoftAppTenantId")
    # Where outbound tokens come from (production: the botframework.com tenant).
    to_channel_login_url: str = Field(
        "https://login.microsoftonline.com/botframework.com", alias="ToChannelFromBotLoginUrl"
    )
    to_channel_scope: str = Field(BOT_FRAMEWORK, alias="ToChannelFromBotOAuthScope")
    # What inbound tokens must carry and where their signing keys are.
    token_issuer: str = Field(BOT_FRAMEWORK, alias="ToBotFromChannelTokenIssuer")
    openid_metadata_url: str = Field(
        "https://login.botframework.com/v1/.well-known/openidconfiguration",
        alias="ToBotFromChannelOpenIdMetadataUrl",
    )
    # Certificate authorities to trust for the tokens (the sandbox's CA, locally).
    ca_bundle: Path | None = Field(None, alias="CA_BUNDLE")
    # Where the bot listens, and how browsers reach its sign-in pages.
    host: str = Field("127.0.0.1", alias="BOT_HOST")
    port: int = Field(3978, alias="BOT_PORT")
    public_url: str = Field("http://localhost:3978", alias="BOT_PUBLIC_URL")
    # How long an admin check holds before roles are read again.
    admin_cache_seconds: float = Field(300.0, alias="ADMIN_CACHE_SECONDS")
    # How often to look for changes a scheduled user sync found, to tell the admins.
    change_hint_seconds: float = Field(30.0, alias="CHANGE_HINT_SECONDS")
    # The Teams app package (``python app.py manifest``): what Teams shows about the app.
    bot_name: str = Field("Direct Routing", alias="BOT_NAME")
    developer_name: str = Field("", alias="APP_DEVELOPER_NAME")
    website_url: str = Field("", alias="APP_WEBSITE_URL")
    privacy_url: str = Field("", alias="APP_PRIVACY_URL")
    terms_of_use_url: str = Field("", alias="APP_TERMS_URL")
    app_version: str = Field("1.0.0", alias="APP_VERSION")

    @model_validator(mode="after")
    def _single_tenant_tokens(self) -> BotSettings:
        """A SingleTenant bot gets its outbound tokens from its own tenant, as the Bot
        Framework's SDKs do (an explicit ToChannelFromBotLoginUrl still wins)."""
        single = self.app_type.lower() == "singletenant"
        if single and self.app_tenant_id and "to_channel_login_url" not in self.model_fields_set:
            self.to_channel_login_url = f"https://login.microsoftonline.com/{self.app_tenant_id}"
        return self

    def page_url(self, configured: str, path: str) -> str:
        """A configured page, or the bot's own page at ``path``."""
        return configured or f"{self.public_url.rstrip('/')}{path}"
