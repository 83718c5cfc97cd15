"""``TokenPort`` with msal: one serialized token cache per tenant and purpose, encrypted in the
vault; access tokens are refreshed silently (research/graph-entra.md §2).

msal is synchronous: calls run in a worker thread, one at a time per purpose.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from typing import Any

import httpx
import msal
from msal.exceptions import MsalServiceError

from provisioning.adapters.http_errors import (
    TRANSIENT_STATUSES,
    error_from_transport,
    retry_after,
)
from provisioning.errors import ErrorKind, ServiceError
from provisioning.ports.clock import Clock
from provisioning.ports.identity import Purpose
from provisioning.settings import Settings
from storage.vault import TokenVault, VaultError

GRAPH_SCOPES = [
    "https://graph.microsoft.com/User.Read",
    "https://graph.microsoft.com/Organization.Read.All",
    "https://graph.microsoft.com/Domain.ReadWrite.All",
    "https://graph.microsoft.com/User.ReadWrite.All",
    "https://graph.microsoft.com/LicenseAssignment.ReadWrite.All",
    "https://graph.microsoft.com/TeamsUserConfiguration.Read.All",
    "https://graph.microsoft.com/TeamsTelephoneNumber.ReadWrite.All",
    "https://graph.microsoft.com/TeamsPolicyUserAssign.ReadWrite.All",
]
TEAMS_SCOPES = ["48ac35b8-9aa8-4d74-927d-1f4a14a0b239/user_impersonation"]
SCOPES = {Purpose.GRAPH: GRAPH_SCOPES, Purpose.TEAMS_ADMIN: TEAMS_SCOPES}
SERVICE = "Microsoft Entra ID"
_EARLY = 120.0  # renew this long before an access token expires


def http_client(settings: Settings) -> httpx.Client:
    """The synchronous client msal uses (trusting the configured CA bundle, if any)."""
    verify: Any = (
        ssl.create_default_context(cafile=str(settings.ca_bundle)) if settings.ca_bundle else True
    )
    return httpx.Client(verify=verify, timeout=settings.http_timeout_seconds)


def msal_app(
    settings: Settings, tenant: str, cache: msal.SerializableTokenCache, client: httpx.Client
) -> msal.ConfidentialClientApplication:
    """A confidential client for ``tenant`` (a GUID, or ``organizations`` for sign-in)."""
    authority = f"{settings.authority_host.rstrip('/')}/{tenant}"
    try:
        return msal.ConfidentialClientApplication(
            settings.microsoft_app_id,
            client_credential=settings.microsoft_app_password.get_secret_value(),
            authority=authority,
            # The authority is configured, never discovered (the sandbox is not a known host).
            instance_discovery=False,
            azure_region=False,
            http_client=client,
            token_cache=cache,
        )
    except ValueError as exc:
        raise _discovery_failure(client, authority, tenant, exc) from exc
    except (httpx.HTTPError, MsalServiceError) as exc:
        # The discovery document could not be fetched (reset, timeout, 5xx): try again later.
        raise ServiceError(SERVICE, ErrorKind.TRANSIENT, str(exc)) from exc


def _discovery_failure(
    client: httpx.Client, authority: str, tenant: str, exc: ValueError
) -> ServiceError:
    """Tell a throttled discovery from a tenant that is gone.

    msal reports every 4xx answer of the discovery document, 429 included, as a bad authority,
    so the document is asked for once more to see which it was.
    """
    try:
        response = client.get(f"{authority}/v2.0/.well-known/openid-configuration")
    except httpx.HTTPError as probe:
        return error_from_transport(SERVICE, probe)
    if response.is_success or response.status_code in TRANSIENT_STATUSES:
        return ServiceError(
            SERVICE,
            ErrorKind.TRANSIENT,
            f"The sign-in service was busy: {exc}",
            retry_after=retry_after(response),
        )
    return ServiceError(
        SERVICE,
        ErrorKind.UNAUTHENTICATED,
        f"The sign-in authority for {tenant} is not usable: {exc}",
    )


@dataclass
class _Cached:
    token: str
    expires_at: float


class MsalTokens:
    """Tokens of one tenant, from its stored sign-ins."""

    def __init__(
        self,
        tenant_id: str,
        settings: Settings,
        vault: TokenVault,
        clock: Clock,
        client: httpx.Client,
    ) -> None:
        self._tenant = tenant_id
        self._settings = settings
        self._vault = vault
        self._clock = clock
        self._client = client
        self._tokens: dict[Purpose, _Cached] = {}
        self._locks = {p: asyncio.Lock() for p in Purpose}
        self._apps: dict[
            Purpose, tuple[msal.ConfidentialClientApplication, msal.SerializableTokenCache]
        ] = {}

    async def access_token(self, purpose: Purpose) -> str:
        """A bearer token for ``purpose`` (refreshed silently when close to expiry)."""
        async with self._locks[purpose]:
            cached = self._tokens.get(purpose)
            if cached and cached.expires_at - _EARLY > self._clock.now():
                return cached.token
            token, expires_in = await asyncio.to_thread(self._acquire, purpose)
            self._tokens[purpose] = _Cached(token, self._clock.now() + expires_in)
            return token

    def _sign_in_again(self, purpose: Purpose, why: str) -> ServiceError:
        which = "first (Graph)" if purpose == Purpose.GRAPH else "second (Teams admin)"
        return ServiceError(
            SERVICE,
            ErrorKind.UNAUTHENTICATED,
            f"The {which} sign-in for this tenant is not usable: {why}",
        )

    def _app(
        self, purpose: Purpose
    ) -> tuple[msal.ConfidentialClientApplication, msal.SerializableTokenCache]:
        if purpose not in self._apps:
            try:
                data = self._vault.get(self._tenant, purpose.value)
            except VaultError as exc:
                raise self._sign_in_again(purpose, str(exc)) from exc
            if data is None:
                raise self._sign_in_again(purpose, "nobody has signed in")
            cache = msal.SerializableTokenCache()
            cache.deserialize(data)
            self._apps[purpose] = (
                msal_app(self._settings, self._tenant, cache, self._client),
                cache,
            )
        return self._apps[purpose]

    def _acquire(self, purpose: Purpose) -> tuple[str, float]:
        app, cache = self._app(purpose)
        accounts = app.get_accounts()
        if not accounts:
            raise self._sign_in_again(purpose, "the stored sign-in holds no account")
        try:
            result = app.acquire_token_silent_with_error(SCOPES[purpose], account=accounts[0])
        except httpx.HTTPError as exc:
            raise ServiceError(SERVICE, ErrorKind.TRANSIENT, str(exc)) from exc
        except Exception as exc:  # msal raises on 5xx from the token endpoint
            raise ServiceError(SERVICE, ErrorKind.TRANSIENT, str(exc)) from exc
        if result and "access_token" in result:
            if cache.has_state_changed:
                self._vault.put(self._tenant, purpose.value, cache.serialize(), self._clock.now())
                cache.has_state_changed = False
            return str(result["access_token"]), float(result.get("expires_in", 3599))
        error = (result or {}).get("error", "no_token")
        description = (result or {}).get("error_description", "no cached token")
        if error in ("temporarily_unavailable", "server_error"):
            raise ServiceError(SERVICE, ErrorKind.TRANSIENT, str(description))
        raise self._sign_in_again(purpose, str(description).split("\r\n", 1)[0])
