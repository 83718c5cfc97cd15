"""Authorization codes: issued at the end of sign-in, redeemed once at the token endpoint."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sandbox.entra import errors

CODE_SECONDS = 600  # "Codes live ~10 min" (research/graph-entra.md §1.1)


@dataclass
class AuthCode:
    """Everything the authorize request fixed, kept until the code is redeemed."""

    client_id: str
    redirect_uri: str
    tenant_id: str
    user_id: str
    scopes: list[str]
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    issued_at: float
    redeemed: bool = False

    def check_verifier(self, verifier: str | None) -> None:
        """Enforce PKCE when the authorize request carried a challenge."""
        if self.code_challenge is None:
            return
        if not verifier:
            raise errors.pkce_verifier_missing()
        if self.code_challenge_method == "plain":
            expected = verifier
        else:
            digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
            expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        if not hmac.compare_digest(expected, self.code_challenge):
            raise errors.pkce_mismatch()


class CodeStore:
    """Outstanding authorization codes."""

    def __init__(self) -> None:
        self._codes: dict[str, AuthCode] = {}

    def issue(self, grant: AuthCode) -> str:
        """Store ``grant`` under a new code."""
        self._purge(grant.issued_at)
        code = "1.A" + secrets.token_urlsafe(48)
        self._codes[code] = grant
        return code

    def redeem(self, code: str, client_id: str, now: float) -> AuthCode:
        """Take a code for ``client_id``: unknown, foreign, expired and reused codes are refused."""
        grant = self._codes.get(code)
        if grant is None or grant.client_id != client_id:
            raise errors.invalid_code()
        if grant.redeemed:
            raise errors.code_redeemed()
        if now - grant.issued_at > CODE_SECONDS:
            raise errors.grant_expired()
        grant.redeemed = True
        return grant

    def clear(self) -> None:
        """Forget every code."""
        self._codes.clear()

    def _purge(self, now: float) -> None:
        if len(self._codes) < 1000:
            return
        # Redeemed codes are kept until they expire, so reuse is reported as reuse.
        self._codes = {c: g for c, g in self._codes.items() if now - g.issued_at <= CODE_SECONDS}
