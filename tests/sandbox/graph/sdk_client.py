"""Microsoft's Graph client (msgraph-sdk, azure-identity) pointed at the sandbox.

Nothing of the SDK is changed: the client gets the sandbox's Graph base URL, an httpx client
that trusts the sandbox's CA, the sandbox as an allowed host and a credential. App-only calls
use azure-identity's ``ClientSecretCredential`` against the sandbox's Entra ID (its host as the
authority, instance discovery off, the CA file for TLS). azure-identity has no flow for a user
here, so delegated calls get the token the suite's sign-in helper obtained from the sandbox.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
from azure.core.credentials import AccessToken, TokenCredential
from azure.identity import ClientSecretCredential

from tests.support.harness import TEST_APP
from tests.support.sandbox_process import SandboxEndpoints

# msgraph-sdk warns about kiota classes it has itself deprecated while being imported; the
# suite turns warnings into errors (see test_msgraph_sdk.py).
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from kiota_authentication_azure.azure_identity_authentication_provider import (
        AzureIdentityAuthenticationProvider,
    )
    from msgraph import graph_request_adapter
    from msgraph.graph_request_adapter import GraphRequestAdapter
    from msgraph.graph_service_client import GraphServiceClient
    from msgraph_core import GraphClientFactory

GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default"


class SandboxUserToken:
    """A ``TokenCredential`` handing out one delegated token the sandbox issued."""

    def __init__(self, token: dict[str, Any]) -> None:
        self._token = str(token["access_token"])
        self._expires_on = int(time.time()) + int(token.get("expires_in", 3599))

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        """The token, whatever scopes the SDK asks for (they were fixed at sign-in)."""
        return AccessToken(self._token, self._expires_on)


def app_credential(endpoints: SandboxEndpoints, tenant_id: str) -> ClientSecretCredential:
    """azure-identity's client-secret credential for the suite's app in ``tenant_id``."""
    return ClientSecretCredential(
        tenant_id,
        TEST_APP.client_id,
        TEST_APP.secret,
        authority=urlsplit(endpoints.authority).netloc,
        disable_instance_discovery=True,
        connection_verify=endpoints.ca_file,
    )


@asynccontextmanager
async def graph_client(
    endpoints: SandboxEndpoints, credential: TokenCredential
) -> AsyncIterator[GraphServiceClient]:
    """A ``GraphServiceClient`` for the sandbox, its connections closed when the block ends."""
    transport = httpx.AsyncHTTPTransport(verify=endpoints.ssl_context())
    http = httpx.AsyncClient(base_url=endpoints.graph, transport=transport, timeout=60)
    # The SDK's own middleware (retry, redirect, /me rewriting, telemetry) on that client.
    http = GraphClientFactory.create_with_default_middleware(
        client=http, options=graph_request_adapter.options
    )
    host = urlsplit(endpoints.graph).hostname or ""
    auth = AzureIdentityAuthenticationProvider(
        credential, scopes=[GRAPH_DEFAULT_SCOPE], allowed_hosts=[host]
    )
    try:
        yield GraphServiceClient(request_adapter=GraphRequestAdapter(auth, client=http))
    finally:
        await http.aclose()
        # msgraph-core's AsyncGraphTransport has no aclose of its own, so closing the client
        # leaves the wrapped transport's connections open.
        await transport.aclose()
