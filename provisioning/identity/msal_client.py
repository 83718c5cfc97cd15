"""MSAL, configured: the authority from settings (never discovered), our CA bundle, httpx."""

from __future__ import annotations

import threading
import time

import httpx
import msal
from msal.exceptions import MsalServiceError

from provisioning import metrics
from provisioning.identity.settings import IdentitySettings
from provisioning.microsoft.adapters.http import (
    TRANSIENT_STATUSES,
    error_from_transport,
    retry_after,
)
from provisioning.microsoft.adapters.tls import verify_for
from provisioning.microsoft.errors import ENTRA, ErrorKind, ServiceError
from provisioning.microsoft.settings import MicrosoftSettings

_DISCOVERY_TTL = 3600.0


class _DiscoveryCache(httpx.BaseTransport):
    """Answers msal's repeated fetches of an authority's OpenID configuration from memory.

    msal reads the document every time a client is made (each tenant, each run); it changes
    rarely, so one fetch an hour per authority is enough. Everything else goes through.
    """

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner
        self._documents: dict[str, tuple[float, httpx.Response]] = {}
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Serve a fresh cached discovery document, or fetch (and keep a successful one)."""
        url = str(request.url)
        if request.method != "GET" or not url.endswith("/.well-known/openid-configuration"):
            return self._send(request)
        with self._lock:
            cached = self._documents.get(url)
        if cached is not None and time.monotonic() - cached[0] < _DISCOVERY_TTL:
            return httpx.Response(
                cached[1].status_code, headers=cached[1].headers, content=cached[1].content
            )
        response = self._send(request)
        if response.status_code == 200:
            response.read()
            with self._lock:
                self._documents[url] = (time.monotonic(), response)
        return response

    def _send(self, request: httpx.Request) -> httpx.Response:
        """Every call msal makes to Entra ID (the cached ones aside), counted."""
        with metrics.microsoft_call("entra") as call:
            response = self._inner.handle_request(request)
            call.answered(response.status_code)
        return response

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()


def http_client(microsoft: MicrosoftSettings) -> httpx.Client:
    """The synchronous client msal uses (trusting the configured CA bundle, if any); keep one
    for long, so its cache of discovery documents pays off."""
    verify = verify_for(microsoft.ca_bundle)
    return httpx.Client(
        transport=_DiscoveryCache(httpx.HTTPTransport(verify=verify)),
        timeout=microsoft.http_timeout_seconds,
    )


def msal_app(
    identity: IdentitySettings,
    microsoft: MicrosoftSettings,
    tenant: str,
    cache: msal.SerializableTokenCache,
    client: httpx.Client,
) -> msal.ConfidentialClientApplication:
    """A confidential client for ``tenant`` (a GUID, or ``organizations`` for sign-in)."""
    authority = f"{microsoft.authority_host.rstrip('/')}/{tenant}"
    try:
        return msal.ConfidentialClientApplication(
            identity.microsoft_app_id,
            client_credential=identity.microsoft_app_password.get_secret_value(),
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
        raise ServiceError(ENTRA, ErrorKind.TRANSIENT, str(exc)) from exc


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
        return error_from_transport(ENTRA, probe)
    if response.is_success or response.status_code in TRANSIENT_STATUSES:
        return ServiceError(
            ENTRA,
            ErrorKind.TRANSIENT,
            f"The sign-in service was busy: {exc}",
            retry_after=retry_after(response),
        )
    return ServiceError(
        ENTRA,
        ErrorKind.UNAUTHENTICATED,
        f"The sign-in authority for {tenant} is not usable: {exc}",
    )
