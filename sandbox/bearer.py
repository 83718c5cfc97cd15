"""Who is calling a resource API: the bearer token checked (signature, audience, expiry) and read.

Shared by Graph and the Teams admin API; each renders :class:`BearerError` in its own error shape.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import jwt

from sandbox.clock import Clock
from sandbox.directory.model import User
from sandbox.directory.store import Directory
from sandbox.directory.tenant import Tenant
from sandbox.signing import SigningKey

_CLOCK_SKEW = 300  # Microsoft tolerates five minutes of skew.


class BearerError(Exception):
    """The token is missing, malformed, forged, expired or not for this API."""


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: tenant, user (delegated) or app only, and its permissions."""

    tenant: Tenant
    user: User | None
    app_id: str
    scopes: frozenset[str]
    roles: frozenset[str]
    # Directory roles (roleTemplateIds) the token carries; the Teams admin API decides by them.
    wids: frozenset[str] = frozenset()

    def has_any(self, permissions: tuple[str, ...]) -> bool:
        """Whether the token carries any of ``permissions`` (delegated or application)."""
        granted = self.scopes if self.user is not None else self.roles
        return any(p.lower() in granted for p in permissions)


class BearerValidator:
    """Validates access tokens for one audience, caching signature checks per token."""

    def __init__(
        self, key: SigningKey, clock: Clock, directory: Directory, audiences: tuple[str, ...]
    ) -> None:
        self._key = key
        self._clock = clock
        self._directory = directory
        self._audiences = audiences
        self._verified: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def _claims(self, token: str) -> dict[str, Any]:
        claims = self._verified.get(token)
        if claims is not None:
            self._verified.move_to_end(token)
            return claims
        if token.count(".") != 2:
            raise BearerError(
                "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be "
                "in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EncodedPayload"
                ".EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey."
                "EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'."
            )
        try:
            claims = self._key.verify(token)
        except jwt.InvalidSignatureError as exc:
            raise BearerError("Signature is invalid.") from exc
        except jwt.InvalidTokenError as exc:
            raise BearerError("Access token validation failure.") from exc
        self._verified[token] = claims
        if len(self._verified) > 10_000:
            self._verified.popitem(last=False)
        return claims

    def authenticate(self, authorization: str | None) -> Caller:
        """The caller behind an ``Authorization`` header, or :class:`BearerError`."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise BearerError("Access token is empty.")
        token = authorization[7:].strip()
        if not token:
            raise BearerError("Access token is empty.")
        claims = self._claims(token)
        if claims.get("aud") not in self._audiences:
            raise BearerError("Access token validation failure. Invalid audience.")
        now = self._clock.now()
        if now > float(claims.get("exp", 0)) + _CLOCK_SKEW or now + _CLOCK_SKEW < float(
            claims.get("nbf", 0)
        ):
            raise BearerError("Lifetime validation failed, the token is expired.")
        tenant = self._directory.get(str(claims.get("tid", "")))
        if tenant is None:
            raise BearerError("Access token validation failure. Invalid tenant.")
        user: User | None = None
        if claims.get("idtyp") == "user" or "scp" in claims:
            user = tenant.users.get(str(claims.get("oid", "")))
            if user is None:
                raise BearerError("Access token validation failure. The user no longer exists.")
            if not user.account_enabled:
                raise BearerError("Access token validation failure. The user account is disabled.")
        scopes = frozenset(s.lower() for s in str(claims.get("scp", "")).split())
        roles = frozenset(str(r).lower() for r in claims.get("roles", []))
        wids = frozenset(str(w).lower() for w in claims.get("wids", []))
        return Caller(tenant, user, str(claims.get("appid", "")), scopes, roles, wids)
