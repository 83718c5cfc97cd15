"""Tokens Entra issues: v1.0 access tokens, v2.0 id tokens, client_info and refresh tokens.

Claim sets follow research/graph-entra.md §1.2 (id token, client_info) and the access-token
claims Graph and the Teams admin API read (``tid``, ``oid``, ``aud``, ``scp``/``roles``, ``wids``).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import jwt

from sandbox.catalog.resources import Resource
from sandbox.catalog.roles import MEMBER_USER_WID
from sandbox.clock import Clock
from sandbox.directory.model import User
from sandbox.directory.tenant import Tenant
from sandbox.entra.apps import AppRegistration
from sandbox.signing import SigningKey, b64url

ACCESS_TOKEN_SECONDS = 3599
ID_TOKEN_SECONDS = 3600
REFRESH_INACTIVITY_DAYS = 90
_REFRESH_AUDIENCE = "urn:sandbox:entra:refresh-token"


@dataclass(frozen=True, slots=True)
class RefreshGrant:
    """What a refresh token stands for."""

    tenant_id: str
    user_id: str
    client_id: str
    issued_at: float


def service_principal_id(tenant_id: str, client_id: str) -> str:
    """The (stable) object id of an app's service principal in a tenant."""
    return str(uuid.UUID(hashlib.sha256(f"sp/{tenant_id}/{client_id}".encode()).hexdigest()[:32]))


class TokenIssuer:
    """Mints every token the sandbox's Entra hands out."""

    def __init__(self, key: SigningKey, clock: Clock) -> None:
        self._key = key
        self._clock = clock

    def _base(self, tenant: Tenant, audience: str, client_id: str) -> dict[str, Any]:
        now = int(self._clock.now())
        return {
            "aud": audience,
            "iss": f"https://sts.windows.net/{tenant.id}/",
            "iat": now,
            "nbf": now,
            "exp": now + ACCESS_TOKEN_SECONDS,
            "aio": b64url(secrets.token_bytes(24)),
            "appid": client_id,
            "appidacr": "1",
            "rh": "0.sandbox.",
            "tid": tenant.id,
            "uti": b64url(secrets.token_bytes(16)),
            "ver": "1.0",
        }

    def user_access_token(
        self,
        tenant: Tenant,
        user: User,
        app: AppRegistration,
        resource: Resource,
        scopes: list[str],
    ) -> str:
        """A delegated access token for ``resource`` on behalf of ``user``."""
        claims = self._base(tenant, resource.audience, app.client_id)
        claims.update(
            {
                "app_displayname": app.display_name,
                "idtyp": "user",
                "name": user.display_name,
                "oid": user.id,
                "scp": " ".join(scopes),
                "sub": self.pairwise_subject(user, app.client_id),
                "unique_name": user.user_principal_name,
                "upn": user.user_principal_name,
                "wids": [*sorted(user.roles), MEMBER_USER_WID],
            }
        )
        if user.given_name:
            claims["given_name"] = user.given_name
        if user.surname:
            claims["family_name"] = user.surname
        return self._key.sign(claims)

    def app_access_token(
        self, tenant: Tenant, app: AppRegistration, resource: Resource, roles: list[str]
    ) -> str:
        """An application (client-credentials) access token for ``resource``."""
        claims = self._base(tenant, resource.audience, app.client_id)
        sp = service_principal_id(tenant.id, app.client_id)
        claims.update({"idtyp": "app", "oid": sp, "sub": sp, "app_displayname": app.display_name})
        if roles:
            claims["roles"] = roles
        return self._key.sign(claims)

    def id_token(
        self, authority: str, tenant: Tenant, user: User, client_id: str, nonce: str | None
    ) -> str:
        """A v2.0 id token as MSAL needs it (``aud``, ``nonce``, ``tid``, ``oid``...)."""
        now = int(self._clock.now())
        claims: dict[str, Any] = {
            "aud": client_id,
            "iss": f"{authority}/{tenant.id}/v2.0",
            "iat": now,
            "nbf": now,
            "exp": now + ID_TOKEN_SECONDS,
            "name": user.display_name,
            "oid": user.id,
            "preferred_username": user.user_principal_name,
            "rh": "0.sandbox.",
            "sid": str(uuid.uuid4()),
            "sub": self.pairwise_subject(user, client_id),
            "tid": tenant.id,
            "uti": b64url(secrets.token_bytes(16)),
            "ver": "2.0",
        }
        if nonce is not None:
            claims["nonce"] = nonce
        return self._key.sign(claims)

    @staticmethod
    def client_info(tenant: Tenant, user: User) -> str:
        """base64url JSON ``{"uid": oid, "utid": tid}``, from which MSAL keys its accounts."""
        return b64url(json.dumps({"uid": user.id, "utid": tenant.id}).encode())

    @staticmethod
    def pairwise_subject(user: User, client_id: str) -> str:
        """``sub``: stable per user and application, different across applications."""
        return b64url(hashlib.sha256(f"{user.id}/{client_id}".encode()).digest())

    def refresh_token(self, tenant: Tenant, user: User, client_id: str) -> str:
        """An opaque-looking refresh token; its state lives in the token, so restarts keep it."""
        claims = {
            "aud": _REFRESH_AUDIENCE,
            "tid": tenant.id,
            "oid": user.id,
            "azp": client_id,
            "iat": int(self._clock.now()),
            "jti": secrets.token_urlsafe(12),
        }
        return "0.A" + self._key.sign(claims)

    def read_refresh_token(self, token: str) -> RefreshGrant | None:
        """The grant behind a refresh token, or ``None`` for anything this service never issued."""
        if not token.startswith("0.A"):
            return None
        try:
            claims = self._key.verify(token[3:])
        except jwt.InvalidTokenError:
            return None
        if claims.get("aud") != _REFRESH_AUDIENCE:
            return None
        return RefreshGrant(
            tenant_id=str(claims["tid"]),
            user_id=str(claims["oid"]),
            client_id=str(claims["azp"]),
            issued_at=float(claims["iat"]),
        )
