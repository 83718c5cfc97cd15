"""Access tokens of a tenant from its stored sign-ins: one serialized MSAL token cache per tenant
and purpose, encrypted in the vault, refreshed silently (research/graph-entra.md §2).

msal is synchronous: calls run in a worker thread, one at a time per purpose.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx
import msal

from provisioning.engine.clock import Clock
from provisioning.identity.msal_client import msal_app
from provisioning.identity.scopes import SCOPES, Purpose
from provisioning.identity.settings import IdentitySettings
from provisioning.microsoft.errors import ENTRA, ErrorKind, ServiceError
from provisioning.microsoft.settings import MicrosoftSettings
from storage.vault import TokenVault, VaultError

_EARLY = 120.0  # renew this long before an access token expires


@dataclass
class _Cached:
    token: str
    expires_at: float


@dataclass(frozen=True)
class _Remembered:
    version: bytes
    token: str
    expires_at: float


class RecentTokens:
    """Access tokens a process fetched lately, by tenant and purpose, each with the version of
    the stored sign-in it came from: a later use needs one small read (is the sign-in still
    the same?) instead of decrypting it and asking msal again. A sign-in stored anew or deleted
    (on any replica) changes or removes the version, and the token is not used again."""

    def __init__(self) -> None:
        self._tokens: dict[tuple[str, Purpose], _Remembered] = {}

    def get(self, tenant_id: str, purpose: Purpose, version: bytes) -> _Remembered | None:
        """The remembered token if it came from ``version``."""
        found = self._tokens.get((tenant_id, purpose))
        return found if found is not None and found.version == version else None

    def keep(self, tenant_id: str, purpose: Purpose, found: _Remembered) -> None:
        """Remember a token."""
        self._tokens[(tenant_id, purpose)] = found


class MsalTokens:
    """Tokens of one tenant, from its stored sign-ins."""

    def __init__(
        self,
        tenant_id: str,
        identity: IdentitySettings,
        microsoft: MicrosoftSettings,
        vault: TokenVault,
        clock: Clock,
        client: httpx.Client,
        recent: RecentTokens | None = None,
    ) -> None:
        self._tenant = tenant_id
        self._recent = recent
        self._identity = identity
        self._microsoft = microsoft
        self._vault = vault
        self._clock = clock
        self._client = client
        self._tokens: dict[Purpose, _Cached] = {}
        self._locks = {p: asyncio.Lock() for p in Purpose}
        self._apps: dict[
            Purpose, tuple[msal.ConfidentialClientApplication, msal.SerializableTokenCache]
        ] = {}
        self._versions: dict[Purpose, bytes] = {}

    async def warm(self) -> None:
        """Fetch every stored sign-in's token at once (runs start without waiting for each)."""
        purposes = await asyncio.to_thread(self._vault.purposes, self._tenant)
        await asyncio.gather(
            *(self.access_token(Purpose(p)) for p in purposes if p in set(Purpose)),
            return_exceptions=True,
        )

    async def access_token(self, purpose: Purpose) -> str:
        """A bearer token for ``purpose`` (refreshed silently when close to expiry)."""
        async with self._locks[purpose]:
            cached = self._tokens.get(purpose)
            now = self._clock.now()
            if cached and cached.expires_at - _EARLY > now:
                return cached.token
            if self._recent is not None:
                version = await asyncio.to_thread(self._vault.version, self._tenant, purpose.value)
                found = self._recent.get(self._tenant, purpose, version) if version else None
                if found is not None and found.expires_at - _EARLY > now:
                    self._tokens[purpose] = _Cached(found.token, found.expires_at)
                    return found.token
            token, expires_in = await asyncio.to_thread(self._acquire, purpose)
            expires_at = self._clock.now() + expires_in
            self._tokens[purpose] = _Cached(token, expires_at)
            if self._recent is not None and purpose in self._versions:
                self._recent.keep(
                    self._tenant, purpose, _Remembered(self._versions[purpose], token, expires_at)
                )
            return token

    def _sign_in_again(self, purpose: Purpose, why: str) -> ServiceError:
        which = "first (Graph)" if purpose == Purpose.GRAPH else "second (Teams admin)"
        return ServiceError(
            ENTRA,
            ErrorKind.UNAUTHENTICATED,
            f"The {which} sign-in for this tenant is not usable: {why}",
        )

    def _app(
        self, purpose: Purpose
    ) -> tuple[msal.ConfidentialClientApplication, msal.SerializableTokenCache]:
        if purpose not in self._apps:
            try:
                found = self._vault.read(self._tenant, purpose.value)
            except VaultError as exc:
                raise self._sign_in_again(purpose, str(exc)) from exc
            if found is None:
                raise self._sign_in_again(purpose, "nobody has signed in")
            data, self._versions[purpose] = found
            cache = msal.SerializableTokenCache()
            cache.deserialize(data)
            self._apps[purpose] = (
                msal_app(self._identity, self._microsoft, self._tenant, cache, self._client),
                cache,
            )
        return self._apps[purpose]

    def _acquire(self, purpose: Purpose, again: bool = True) -> tuple[str, float]:
        app, cache = self._app(purpose)
        accounts = app.get_accounts()
        if not accounts:
            raise self._sign_in_again(purpose, "the stored sign-in holds no account")
        try:
            result = app.acquire_token_silent_with_error(SCOPES[purpose], account=accounts[0])
        except httpx.HTTPError as exc:
            raise ServiceError(ENTRA, ErrorKind.TRANSIENT, str(exc)) from exc
        except Exception as exc:  # msal raises on 5xx from the token endpoint
            raise ServiceError(ENTRA, ErrorKind.TRANSIENT, str(exc)) from exc
        if result and "access_token" in result:
            if cache.has_state_changed:
                version = self._vault.replace(
                    self._tenant,
                    purpose.value,
                    cache.serialize(),
                    self._clock.now(),
                    self._versions[purpose],
                )
                if version is None:
                    # Removed or signed in anew while msal refreshed: this token belongs to
                    # a sign-in that no longer counts; ask the stored one (if any) instead.
                    del self._apps[purpose], self._versions[purpose]
                    if not again:
                        raise self._sign_in_again(purpose, "it changed during every attempt")
                    return self._acquire(purpose, again=False)
                cache.has_state_changed = False
                self._versions[purpose] = version
            return str(result["access_token"]), float(result.get("expires_in", 3599))
        error = (result or {}).get("error", "no_token")
        description = (result or {}).get("error_description", "no cached token")
        if error in ("temporarily_unavailable", "server_error"):
            raise ServiceError(ENTRA, ErrorKind.TRANSIENT, str(description))
        raise self._sign_in_again(purpose, str(description).split("\r\n", 1)[0])
