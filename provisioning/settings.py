"""Settings of the product, from the environment or ``.env`` (Bot Framework names for the app)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything configurable: endpoints, credentials, the provider's zone, names, the runner."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, case_sensitive=False
    )

    # Storage.
    database_url: str = Field("sqlite:///data/bot.db", alias="DATABASE_URL")
    token_vault_key: SecretStr | None = Field(None, alias="TOKEN_VAULT_KEY")
    token_vault_key_file: Path = Field(Path("data/vault.key"), alias="TOKEN_VAULT_KEY_FILE")

    # The app registration (the bot's, also used for the admin's sign-ins).
    microsoft_app_id: str = Field("", alias="MicrosoftAppId")
    microsoft_app_password: SecretStr = Field(SecretStr(""), alias="MicrosoftAppPassword")
    microsoft_app_type: str = Field("MultiTenant", alias="MicrosoftAppType")
    microsoft_app_tenant_id: str = Field("", alias="MicrosoftAppTenantId")
    oauth_redirect_uri: str = Field(
        "http://localhost:3978/auth/callback", alias="OAUTH_REDIRECT_URI"
    )

    # Microsoft endpoints (the sandbox's in development and tests).
    authority_host: str = Field("https://login.microsoftonline.com", alias="ENTRA_AUTHORITY")
    graph_base_url: str = Field("https://graph.microsoft.com/v1.0", alias="GRAPH_BASE_URL")
    teams_admin_base_url: str = Field(
        "https://api.interfaces.records.teams.microsoft.com", alias="TEAMS_ADMIN_BASE_URL"
    )
    ca_bundle: Path | None = Field(None, alias="CA_BUNDLE")
    http_timeout_seconds: float = Field(30.0, alias="HTTP_TIMEOUT_SECONDS")

    # The provider's DNS zone and where it takes updates.
    provider_zone: str = Field("callroute.io", alias="PROVIDER_ZONE")
    provider_dns_primary: str = Field("127.0.0.1:53", alias="PROVIDER_DNS_PRIMARY")
    # Authoritative servers to probe ("host:port", comma-separated); empty: the zone's NS.
    provider_dns_servers: str = Field("", alias="PROVIDER_DNS_SERVERS")
    tsig_key_name: str = Field("", alias="TSIG_KEY_NAME")
    tsig_secret: SecretStr = Field(SecretStr(""), alias="TSIG_SECRET")
    tsig_algorithm: str = Field("hmac-sha256", alias="TSIG_ALGORITHM")
    # Region -> addresses of its SBC target; a tenant's subdomain gets these A/AAAA records.
    regions: dict[str, list[str]] = Field(
        default_factory=lambda: {"gbr-lon-tgw": ["192.0.2.10"]}, alias="REGIONS"
    )
    default_region: str = Field("gbr-lon-tgw", alias="DEFAULT_REGION")
    dns_ttl: int = Field(300, alias="PROVIDER_DNS_TTL")

    # Names in the customer's tenant (the original's: Callroute-E164, callroute.teams@…).
    brand: str = Field("Callroute", alias="BRAND")
    gateway_usage_location: str = Field("GB", alias="GATEWAY_USAGE_LOCATION")
    dial_plan_country_code: str = Field("44", alias="DIAL_PLAN_COUNTRY_CODE")
    sip_signaling_port: int = Field(5061, alias="SIP_SIGNALING_PORT")
    max_concurrent_sessions: int | None = Field(None, alias="MAX_CONCURRENT_SESSIONS")

    # The runner.
    runner_lease_seconds: float = Field(30.0, alias="RUNNER_LEASE_SECONDS")
    runner_concurrency: int = Field(20, alias="RUNNER_CONCURRENCY")
    runner_idle_poll_seconds: float = Field(1.0, alias="RUNNER_IDLE_POLL_SECONDS")

    @field_validator("regions", mode="before")
    @classmethod
    def _regions_from_json(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value

    @property
    def probe_servers(self) -> list[tuple[str, int]]:
        """The configured authoritative servers, as (host, port)."""
        return [_host_port(s) for s in self.provider_dns_servers.split(",") if s.strip()]

    @property
    def primary_server(self) -> tuple[str, int]:
        """Where RFC 2136 updates go."""
        return _host_port(self.provider_dns_primary)


def _host_port(text: str) -> tuple[str, int]:
    host, sep, port = text.strip().rpartition(":")
    if not sep:
        return text.strip(), 53
    return host.strip("[]"), int(port)
