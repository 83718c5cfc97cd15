"""The admin's two sign-ins (SPEC steps 1 and 3): auth code flow with PKCE, cache to the vault.

Step 1 (Graph) may be into any tenant the admin administers, unless the sign-in was started
from a conversation, whose tenant it must then be. Step 3 (the Teams admin API) must be into the
tenant of step 1. Every completed or refused sign-in is audited.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any, NoReturn

import httpx
import msal

from i18n.text import N_, say
from provisioning.engine.clock import Clock
from provisioning.identity.flows import FlowError, SignInBinding, SignInFlows, browser_hash
from provisioning.identity.msal_client import msal_app
from provisioning.identity.scopes import SCOPES, Purpose
from provisioning.identity.settings import IdentitySettings
from provisioning.microsoft.settings import MicrosoftSettings
from storage.audit import AuditLog
from storage.vault import TokenVault


class SignInError(Exception):
    """The sign-in did not produce usable tokens (cancelled, refused, expired, wrong tenant);
    ``binding`` says where it was started, when that is known. ``reason`` is in the language
    of the admin signing in (Microsoft's own words stay as they are)."""

    def __init__(self, reason: str, binding: SignInBinding | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.binding = binding


@dataclass(frozen=True)
class SignedIn:
    """Who signed in, into which tenant, and where the sign-in was started from."""

    tenant_id: str
    object_id: str
    user_principal_name: str
    display_name: str
    purpose: Purpose
    binding: SignInBinding


@dataclass(frozen=True)
class StartedSignIn:
    """Where to send the admin's browser."""

    state: str
    auth_uri: str


class SignIn:
    """Starts and completes sign-ins; the resulting token cache is stored encrypted."""

    def __init__(
        self,
        identity: IdentitySettings,
        microsoft: MicrosoftSettings,
        vault: TokenVault,
        flows: SignInFlows,
        audit: AuditLog,
        clock: Clock,
        client: httpx.Client,
    ) -> None:
        self._identity = identity
        self._microsoft = microsoft
        self._vault = vault
        self._flows = flows
        self._audit = audit
        self._clock = clock
        self._client = client

    def close(self) -> None:
        """Close the HTTP client msal uses."""
        self._client.close()

    def begin(self, binding: SignInBinding, login_hint: str | None = None) -> StartedSignIn:
        """Start a sign-in; its flow is kept server-side, sealed, for the callback."""
        purpose = Purpose(binding.purpose)
        tenant = binding.tenant_id or "organizations"
        app = msal_app(
            self._identity, self._microsoft, tenant, msal.SerializableTokenCache(), self._client
        )
        flow: dict[str, Any] = app.initiate_auth_code_flow(
            SCOPES[purpose],
            redirect_uri=self._identity.oauth_redirect_uri,
            response_mode="form_post",
            login_hint=login_hint,
            prompt="select_account",
        )
        state = str(flow["state"])
        self._flows.save(
            state, binding, flow, self._clock.now(), self._identity.sign_in_ttl_seconds
        )
        return StartedSignIn(state, str(flow["auth_uri"]))

    def complete(self, response: dict[str, str], browser: str | None = None) -> SignedIn:
        """Redeem the code of the callback; store the cache under the tenant signed in to.

        ``browser`` is the sign-in cookie of the browser the answer came back to: a sign-in
        started in another browser is refused before its code is redeemed.
        """
        now = self._clock.now()
        try:
            binding, flow = self._flows.consume(response.get("state", ""), now)
        except FlowError as exc:
            self._audit.record(None, "unknown", "sign_in_refused", now, reason=str(exc))
            raise SignInError(say(str(exc))) from exc
        if binding.browser is not None and (
            browser is None or not hmac.compare_digest(browser_hash(browser), binding.browser)
        ):
            self._refused(
                binding,
                "unknown",
                N_(
                    "This sign-in was started in another browser. Start it again from the chat, "
                    "and finish it in the browser it opens."
                ),
            )
        purpose = Purpose(binding.purpose)
        if "error" in response:
            reason = response.get("error_description") or response["error"]
            self._refused(binding, "unknown", reason.split("\r\n", 1)[0], ours=False)
        cache = msal.SerializableTokenCache()
        app = msal_app(self._identity, self._microsoft, "organizations", cache, self._client)
        try:
            result = app.acquire_token_by_auth_code_flow(flow, response)
        except ValueError as exc:  # state or nonce mismatch: a forged or stale response
            self._refused(binding, "unknown", str(exc), ours=False)
        if "access_token" not in result:
            description = str(result.get("error_description") or result.get("error"))
            self._refused(binding, "unknown", description.split("\r\n", 1)[0], ours=False)
        claims = result.get("id_token_claims", {})
        tenant_id = str(claims.get("tid", ""))
        upn = str(claims.get("preferred_username", ""))
        if binding.tenant_id and tenant_id != binding.tenant_id:
            self._refused(
                binding,
                upn,
                N_(
                    "You signed in to another organization ({tenant_id}) than the one this chat "
                    "belongs to. Sign in with an account of this organization."
                ).format(tenant_id=tenant_id),
            )
        if purpose == Purpose.TEAMS_ADMIN and Purpose.GRAPH.value not in self._vault.purposes(
            tenant_id
        ):
            self._refused(
                binding,
                upn,
                N_(
                    "The Teams admin sign-in must be into the organization of the first sign-in; "
                    "this organization has no first sign-in. Start with step 1."
                ),
            )
        self._vault.put(tenant_id, purpose.value, cache.serialize(), now)
        self._audit.record(
            tenant_id,
            upn,
            "sign_in_completed",
            now,
            purpose=purpose.value,
            requested_by=binding.user_id,
        )
        return SignedIn(
            tenant_id,
            str(claims.get("oid", "")),
            upn,
            str(claims.get("name", "")),
            purpose,
            binding,
        )

    def _refused(
        self, binding: SignInBinding, actor: str, reason: str, *, ours: bool = True
    ) -> NoReturn:
        """Audit the refusal as it is (English where it is ours, marked; else Microsoft's or
        msal's words) and raise it, ours in the admin's language."""
        self._audit.record(
            binding.tenant_id,
            actor,
            "sign_in_refused",
            self._clock.now(),
            purpose=binding.purpose,
            reason=reason,
            requested_by=binding.user_id,
        )
        raise SignInError(say(reason) if ours else reason, binding)
