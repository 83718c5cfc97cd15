"""What the provider configures about the integrations it makes: regions, names, dialling."""

from __future__ import annotations

import json
import re

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_BRAND = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,30}$")
_TENANT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class ProvisioningSettings(BaseSettings):
    """Regions and their SBC addresses, the brand names are made from, dial plan defaults."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, case_sensitive=False
    )

    # Region -> addresses of its SBC target; a tenant's subdomain gets these A/AAAA records.
    regions: dict[str, list[str]] = Field(
        default_factory=lambda: {"gbr-lon-tgw": ["192.0.2.10"]}, alias="REGIONS"
    )
    default_region: str = Field("gbr-lon-tgw", alias="DEFAULT_REGION")
    # Names in the customer's tenant (the original's: Callroute-E164, callroute.teams@…).
    brand: str = Field("Callroute", alias="BRAND")
    # Used when the tenant's own country is unknown.
    gateway_usage_location: str = Field("GB", alias="GATEWAY_USAGE_LOCATION")
    dial_plan_country_code: str = Field("44", alias="DIAL_PLAN_COUNTRY_CODE")
    sip_signaling_port: int = Field(5061, alias="SIP_SIGNALING_PORT")
    max_concurrent_sessions: int | None = Field(None, alias="MAX_CONCURRENT_SESSIONS")
    # Tenants whose users were synced once are synced again (changes only) this often; 0: never.
    user_sync_interval_seconds: float = Field(3600.0, alias="USER_SYNC_INTERVAL_SECONDS")
    # How often runners look for tenants due a sync, or syncs cut off halfway.
    user_sync_check_seconds: float = Field(60.0, alias="USER_SYNC_CHECK_SECONDS")
    # A sync whose process has written nothing for this long was cut off; another takes over.
    user_sync_stale_seconds: float = Field(60.0, alias="USER_SYNC_STALE_SECONDS")
    # The provider's own Microsoft 365 tenant (its id): its admins, chatting with the bot there,
    # see every customer tenant (``customers``, ``customer <name>``). Empty: nobody does.
    provider_tenant_id: str = Field("", alias="PROVIDER_TENANT_ID")

    @field_validator("regions", mode="before")
    @classmethod
    def _regions_from_json(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value

    @field_validator("provider_tenant_id")
    @classmethod
    def _provider_tenant_is_an_id(cls, value: str) -> str:
        value = value.strip().lower()
        if value and not _TENANT_ID.match(value):
            raise ValueError(
                "PROVIDER_TENANT_ID must be the provider's Microsoft 365 tenant id (a GUID, as "
                "Microsoft Entra shows it), not a domain or a name"
            )
        return value

    @field_validator("brand")
    @classmethod
    def _brand_makes_valid_names(cls, value: str) -> str:
        if not _BRAND.match(value):
            raise ValueError(
                "BRAND must start with a letter and hold only letters, digits and hyphens "
                "(it names a user and Teams policies)"
            )
        return value
