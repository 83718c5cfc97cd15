"""botbuilder 4.17.1 configured for the sandbox the way a bot's own botbuilder module configures it
(research/botbuilder-with-the-sandbox.md): settings only, plus the credentials factory a bot must
own because botbuilder never passes ``validate_authority`` to MSAL. Nothing of botbuilder is
patched."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import msal
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botframework.connector.auth import (
    MicrosoftAppCredentials,
    PasswordServiceClientCredentialFactory,
)
from msrest.authentication import Authentication

from tests.support.sandbox_process import SandboxEndpoints

BOT_FRAMEWORK = "https://api.botframework.com"


# botbuilder ships no type hints, so its classes are Any to mypy.
class SandboxAppCredentials(MicrosoftAppCredentials):  # type: ignore[misc]
    """botbuilder's app-password credentials, with the MSAL application the sandbox's authority
    needs: no instance discovery (an unknown host fails it) and an HTTP client that trusts the
    sandbox CA (MSAL's default ``requests`` session lets REQUESTS_CA_BUNDLE override ``verify``).

    botbuilder uses ``self.app`` when it is set (``MicrosoftAppCredentials.__get_msal_app``), so
    its own ``get_access_token`` and ``signed_session`` run unchanged.
    """

    def __init__(
        self,
        app_id: str,
        password: str,
        endpoints: SandboxEndpoints,
        http: httpx.Client,
        tenant: str = "botframework.com",
        oauth_scope: str | None = None,
    ) -> None:
        super().__init__(app_id, password, channel_auth_tenant=tenant, oauth_scope=oauth_scope)
        # What AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL_PREFIX is in production.
        self.oauth_endpoint = f"{endpoints.authority}/{self.tenant}"
        self.app = msal.ConfidentialClientApplication(
            app_id,
            client_credential=password,
            authority=self.oauth_endpoint,
            instance_discovery=False,
            azure_region=False,
            http_client=http,
        )


class SandboxCredentialFactory(PasswordServiceClientCredentialFactory):  # type: ignore[misc]
    """The ``credentials_factory`` for ``ConfigurationBotFrameworkAuthentication``: one
    credentials object (one MSAL token cache) per login endpoint."""

    def __init__(
        self, app_id: str, password: str, endpoints: SandboxEndpoints, http: httpx.Client
    ) -> None:
        super().__init__(app_id, password)
        self._endpoints = endpoints
        self._http = http
        self._made: dict[tuple[str, str], SandboxAppCredentials] = {}

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> Authentication:
        """Credentials for the tenant at the end of ``login_endpoint`` (``…/botframework.com``)."""
        if not await self.is_valid_app_id(app_id):
            raise PermissionError(f"Invalid app_id {app_id}")
        tenant = login_endpoint.rstrip("/").rsplit("/", 1)[-1]
        key = (tenant, oauth_scope)
        if key not in self._made:
            self._made[key] = SandboxAppCredentials(
                app_id, str(self.password), self._endpoints, self._http, tenant, oauth_scope
            )
        return self._made[key]


@dataclass
class BotSettings:
    """The settings of the research's table, by the attribute names botbuilder reads."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str
    TO_CHANNEL_FROM_BOT_LOGIN_URL: str
    TO_CHANNEL_FROM_BOT_OAUTH_SCOPE: str
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str
    TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL: str
    OAUTH_URL: str
    CALLER_ID: str
    VALIDATE_AUTHORITY: bool = False


def bot_authentication(
    endpoints: SandboxEndpoints, app_id: str, password: str, http: httpx.Client
) -> ConfigurationBotFrameworkAuthentication:
    """botbuilder's authentication for a multi-tenant bot whose channel is the sandbox's."""
    settings = BotSettings(
        APP_ID=app_id,
        APP_PASSWORD=password,
        APP_TYPE="MultiTenant",
        APP_TENANTID="",
        TO_CHANNEL_FROM_BOT_LOGIN_URL=f"{endpoints.authority}/botframework.com",
        TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=BOT_FRAMEWORK,
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=BOT_FRAMEWORK,
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=endpoints.openid_metadata,
        TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL=(
            f"{endpoints.authority}/common/v2.0/.well-known/openid-configuration"
        ),
        OAUTH_URL=endpoints.service_url,
        CALLER_ID="",
    )
    return ConfigurationBotFrameworkAuthentication(
        settings, credentials_factory=SandboxCredentialFactory(app_id, password, endpoints, http)
    )
