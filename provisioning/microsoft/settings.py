"""Where Microsoft and the provider's DNS zone are, and how to reach them."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def host_port(text: str, default_port: int = 53) -> tuple[str, int]:
    """``host:port`` (or ``[v6]:port``, or a bare host) as a pair."""
    host, sep, port = text.strip().rpartition(":")
    if not sep or "]" in port:
        return text.strip().strip("[]"), default_port
    return host.strip("[]"), int(port)


class MicrosoftSettings(BaseSettings):
    """Microsoft's endpoints (the sandbox's in development and tests)."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, case_sensitive=False
    )

    authority_host: str = Field("https://login.microsoftonline.com", alias="ENTRA_AUTHORITY")
    # Where browsers sign in when Entra's discovery names another origin than the authority
    # (the sandbox's plain-http sign-in page, for browsers that do not trust its CA).
    sign_in_page: str | None = Field(None, alias="ENTRA_SIGN_IN_PAGE")
    graph_base_url: str = Field("https://graph.microsoft.com/v1.0", alias="GRAPH_BASE_URL")
    teams_admin_base_url: str = Field(
        "https://api.interfaces.records.teams.microsoft.com", alias="TEAMS_ADMIN_BASE_URL"
    )
    # Certificate authorities to trust instead of the system's (the sandbox's own CA).
    ca_bundle: Path | None = Field(None, alias="CA_BUNDLE")
    http_timeout_seconds: float = Field(30.0, alias="HTTP_TIMEOUT_SECONDS")
    # How long connections to Microsoft stay open once nothing uses them (0: closed at once).
    http_keepalive_seconds: float = Field(30.0, alias="HTTP_KEEPALIVE_SECONDS")


class ProviderDnsSettings(BaseSettings):
    """The provider's DNS zone: where it takes RFC 2136 updates and who serves it."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, case_sensitive=False
    )

    provider_zone: str = Field("callroute.io", alias="PROVIDER_ZONE")
    provider_dns_primary: str = Field("127.0.0.1:53", alias="PROVIDER_DNS_PRIMARY")
    # Authoritative servers to probe ("host:port", comma-separated); empty: the zone's NS.
    provider_dns_servers: str = Field("", alias="PROVIDER_DNS_SERVERS")
    tsig_key_name: str = Field("", alias="TSIG_KEY_NAME")
    tsig_secret: SecretStr = Field(SecretStr(""), alias="TSIG_SECRET")
    tsig_algorithm: str = Field("hmac-sha256", alias="TSIG_ALGORITHM")
    dns_ttl: int = Field(300, alias="PROVIDER_DNS_TTL")
    dns_timeout_seconds: float = Field(3.0, alias="PROVIDER_DNS_TIMEOUT_SECONDS")

    @property
    def probe_servers(self) -> list[tuple[str, int]]:
        """The configured authoritative servers, as (host, port)."""
        return [host_port(s) for s in self.provider_dns_servers.split(",") if s.strip()]

    @property
    def primary_server(self) -> tuple[str, int]:
        """Where RFC 2136 updates go."""
        return host_port(self.provider_dns_primary)
