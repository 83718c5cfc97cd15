"""Signed, expiring links to the sign-in pages: a card's button carries what the sign-in is for
(purpose, tenant, conversation, user), and nobody can change it on the way."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass

from i18n.text import t

LINK_TTL_SECONDS = 600.0


class LinkError(Exception):
    """The link was tampered with, or has expired (the message is for the admin's browser, in
    the language of the request)."""


@dataclass(frozen=True)
class SignInRequest:
    """What a sign-in link starts."""

    purpose: str
    tenant_id: str
    conversation: str
    user_id: str
    expires_at: float


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LinkSigner:
    """Signs and checks sign-in links with a key of the installation's."""

    def __init__(self, key: bytes, use: bytes = b"sign-in links") -> None:
        # A key of its own per use, derived: the vault's key never signs anything itself, and
        # a link made for one use (an export) is no good for another (a sign-in).
        self._key = hmac.new(key, use, hashlib.sha256).digest()

    def sign(self, request: SignInRequest) -> str:
        """The link's token."""
        body = _b64(json.dumps(asdict(request), sort_keys=True).encode())
        mac = _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())
        return f"{body}.{mac}"

    def check(self, token: str, now: float) -> SignInRequest:
        """What the token asks for, or :class:`LinkError`."""
        body, _, mac = token.partition(".")
        expected = _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())
        if not mac or not hmac.compare_digest(mac, expected):
            raise LinkError(
                t("This sign-in link is not valid. Start the sign-in again from the chat.")
            )
        try:
            request = SignInRequest(**json.loads(_unb64(body)))
        except (ValueError, TypeError) as exc:
            raise LinkError(t("This sign-in link is not valid.")) from exc
        if request.expires_at < now:
            raise LinkError(
                t("This sign-in link has expired. Start the sign-in again from the chat.")
            )
        return request
