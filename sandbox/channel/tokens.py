"""How the channel proves itself to bots (research/botframework-teams.md §2.3): RS256 JWTs from
its own key, published with ``endorsements: ["msteams"]`` behind an OpenID metadata document."""

from __future__ import annotations

from typing import Any

from sandbox.channel.model import CHANNEL_ID
from sandbox.signing import SigningKey

ISSUER = "https://api.botframework.com"
TOKEN_LIFETIME = 3600


def channel_token(key: SigningKey, app_id: str, service_url: str, now: float) -> str:
    """The bearer token of one activity sent to bot ``app_id``."""
    return key.sign(
        {
            "iss": ISSUER,
            "aud": app_id,
            "serviceurl": service_url,
            "nbf": int(now) - 5,
            "iat": int(now) - 5,
            "exp": int(now) + TOKEN_LIFETIME,
        }
    )


def openid_metadata(base: str) -> dict[str, Any]:
    """``/v1/.well-known/openidconfiguration`` of the channel."""
    return {
        "issuer": ISSUER,
        "authorization_endpoint": "https://invalid.botframework.com",
        "jwks_uri": f"{base}/v1/.well-known/keys",
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
    }


def jwks(key: SigningKey) -> dict[str, Any]:
    """The channel's signing keys, endorsed for Teams."""
    return {"keys": [key.jwk(endorsements=[CHANNEL_ID])]}
