"""Gets tokens from the sandbox's Entra the way an application does, over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import secrets
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from tests.support.signin import SignInResult, sign_in


@dataclass(frozen=True)
class TestApp:
    """An app registration the suite registers in the sandbox."""

    client_id: str
    secret: str
    redirect_uri: str


def pkce_pair() -> tuple[str, str]:
    """A PKCE verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class EntraClient:
    """Authorization-code, refresh and client-credentials requests against one authority."""

    def __init__(self, authority: str, ssl_context: ssl.SSLContext, app: TestApp) -> None:
        self.authority = authority
        self.ssl_context = ssl_context
        self.http = httpx.Client(verify=ssl_context, timeout=30)
        self.app = app

    def close(self) -> None:
        """Close the HTTP client."""
        self.http.close()

    def authorize_url(self, tenant: str, scopes: list[str], **extra: str) -> str:
        """The authorize URL an application would send the browser to."""
        params = {
            "client_id": self.app.client_id,
            "response_type": "code",
            "redirect_uri": self.app.redirect_uri,
            "scope": " ".join(scopes),
            "state": secrets.token_urlsafe(8),
            **extra,
        }
        return f"{self.authority}/{tenant}/oauth2/v2.0/authorize?{urlencode(params)}"

    def sign_in(
        self,
        tenant: str,
        upn: str | None,
        scopes: list[str],
        *,
        verifier: str | None = None,
        **kwargs: Any,
    ) -> tuple[SignInResult, str]:
        """Run the browser part with PKCE; returns the result and the verifier used."""
        verifier_used, challenge = pkce_pair()
        if verifier is not None:
            verifier_used = verifier
        url = self.authorize_url(
            tenant,
            scopes,
            code_challenge=challenge,
            code_challenge_method="S256",
            nonce="n-0S6_WzA2Mj",
        )
        with httpx.Client(verify=self.ssl_context, follow_redirects=False) as browser:
            result = sign_in(browser, url, upn, **kwargs)
        return result, verifier_used

    def token(self, tenant: str, **form: str) -> httpx.Response:
        """POST to the token endpoint with the app's credentials added."""
        body = {"client_id": self.app.client_id, "client_secret": self.app.secret, **form}
        return self.http.post(f"{self.authority}/{tenant}/oauth2/v2.0/token", data=body)

    def redeem(self, tenant: str, code: str, verifier: str, scopes: list[str]) -> httpx.Response:
        """Exchange an authorization code."""
        return self.token(
            tenant,
            grant_type="authorization_code",
            code=code,
            redirect_uri=self.app.redirect_uri,
            code_verifier=verifier,
            scope=" ".join(scopes),
        )

    def refresh(self, tenant: str, refresh_token: str, scope: str) -> httpx.Response:
        """Redeem a refresh token for ``scope`` (space-separated)."""
        return self.token(
            tenant, grant_type="refresh_token", refresh_token=refresh_token, scope=scope
        )

    def user_token(self, tenant: str, upn: str, scopes: list[str]) -> dict[str, Any]:
        """Sign ``upn`` in (consenting if asked) and return the token response."""
        full = [*scopes, "openid", "profile", "offline_access"]
        result, verifier = self.sign_in(tenant, upn, full)
        assert "code" in result.params, result.page.text if result.page else result.params
        response = self.redeem(tenant, result.params["code"], verifier, full)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def app_token(
        self, tenant: str, scope: str = "https://graph.microsoft.com/.default"
    ) -> httpx.Response:
        """A client-credentials request."""
        return self.token(tenant, grant_type="client_credentials", scope=scope)
