"""The admin's two sign-ins (SPEC steps 1 and 3): auth code flow with PKCE, cache to the vault."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import msal

from provisioning.adapters.msal_tokens import SCOPES, msal_app
from provisioning.ports.clock import Clock
from provisioning.ports.identity import Purpose
from provisioning.settings import Settings
from storage.vault import TokenVault


class SignInError(Exception):
    """The sign-in did not produce tokens (cancelled, refused, or expired)."""


@dataclass(frozen=True)
class SignedIn:
    """Who signed in, into which tenant."""

    tenant_id: str
    object_id: str
    user_principal_name: str
    display_name: str


class SignIn:
    """Starts and completes sign-ins; the resulting token cache is stored encrypted."""

    def __init__(
        self, settings: Settings, vault: TokenVault, clock: Clock, client: httpx.Client
    ) -> None:
        self._settings = settings
        self._vault = vault
        self._clock = clock
        self._client = client

    def begin(
        self, purpose: Purpose, tenant: str = "organizations", login_hint: str | None = None
    ) -> dict[str, Any]:
        """The flow to keep server-side; ``flow["auth_uri"]`` is where the admin goes."""
        app = msal_app(self._settings, tenant, msal.SerializableTokenCache(), self._client)
        flow: dict[str, Any] = app.initiate_auth_code_flow(
            SCOPES[purpose],
            redirect_uri=self._settings.oauth_redirect_uri,
            response_mode="form_post",
            login_hint=login_hint,
            prompt="select_account",
        )
        return flow

    def complete(
        self, purpose: Purpose, flow: dict[str, Any], response: dict[str, str]
    ) -> SignedIn:
        """Redeem the code; store the cache under the tenant the admin signed in to."""
        cache = msal.SerializableTokenCache()
        app = msal_app(self._settings, "organizations", cache, self._client)
        try:
            result = app.acquire_token_by_auth_code_flow(flow, response)
        except ValueError as exc:  # state mismatch: a forged or stale response
            raise SignInError(str(exc)) from exc
        if "access_token" not in result:
            description = str(result.get("error_description") or result.get("error"))
            raise SignInError(description.split("\r\n", 1)[0])
        claims = result.get("id_token_claims", {})
        tenant_id = str(claims["tid"])
        self._vault.put(tenant_id, purpose.value, cache.serialize(), self._clock.now())
        return SignedIn(
            tenant_id,
            str(claims.get("oid", "")),
            str(claims.get("preferred_username", "")),
            str(claims.get("name", "")),
        )
