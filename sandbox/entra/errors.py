"""Entra's AADSTS errors: the JSON body of the token endpoint and the authorize redirects.

Texts follow Entra's error-code reference (research/graph-entra.md §1.2, R6, R33).
"""

from __future__ import annotations

import uuid
from typing import Any

from sandbox.clock import Clock


class EntraError(Exception):
    """An AADSTS error: numeric code, OAuth ``error`` value, message and HTTP status."""

    def __init__(
        self, code: int, error: str, message: str, status: int = 400, suberror: str | None = None
    ) -> None:
        super().__init__(f"AADSTS{code}: {message}")
        self.code = code
        self.error = error
        self.message = message
        self.status = status
        self.suberror = suberror

    def body(self, clock: Clock, authority: str, correlation_id: str | None) -> dict[str, Any]:
        """The token endpoint's JSON error body."""
        trace_id = str(uuid.uuid4())
        correlation = correlation_id or str(uuid.uuid4())
        stamp = clock.utcnow().strftime("%Y-%m-%d %H:%M:%SZ")
        body: dict[str, Any] = {
            "error": self.error,
            "error_description": (
                f"AADSTS{self.code}: {self.message}\r\nTrace ID: {trace_id}\r\n"
                f"Correlation ID: {correlation}\r\nTimestamp: {stamp}"
            ),
            "error_codes": [self.code],
            "timestamp": stamp,
            "trace_id": trace_id,
            "correlation_id": correlation,
            "error_uri": f"{authority}/error?code={self.code}",
        }
        if self.suberror:
            body["suberror"] = self.suberror
        return body


def tenant_not_found(ref: str, error: str = "invalid_request") -> EntraError:
    """AADSTS90002 (discovery answers it with ``invalid_tenant``)."""
    return EntraError(
        90002,
        error,
        f"Tenant '{ref}' not found. Check to make sure you have the correct tenant ID and are "
        "signing into the correct cloud. Check with your subscription administrator, this may "
        "happen if there are no active subscriptions for the tenant.",
    )


def app_not_found(client_id: str, tenant_name: str) -> EntraError:
    """AADSTS700016: unknown client, or an app not consented in that tenant."""
    return EntraError(
        700016,
        "unauthorized_client",
        f"Application with identifier '{client_id}' was not found in the directory "
        f"'{tenant_name}'. This can happen if the application has not been installed by the "
        "administrator of the tenant or consented to by any user in the tenant. You may have "
        "sent your authentication request to the wrong tenant.",
    )


def invalid_secret(client_id: str) -> EntraError:
    """AADSTS7000215."""
    return EntraError(
        7000215,
        "invalid_client",
        "Invalid client secret provided. Ensure the secret being sent in the request is the "
        f"client secret value, not the client secret ID, for a secret added to app '{client_id}'.",
        status=401,
    )


def missing_secret() -> EntraError:
    """AADSTS7000218: a confidential client sent no credential."""
    return EntraError(
        7000218,
        "invalid_client",
        "The request body must contain the following parameter: 'client_assertion' or "
        "'client_secret'.",
        status=401,
    )


def reply_url_mismatch(redirect_uri: str, client_id: str) -> EntraError:
    """AADSTS50011."""
    return EntraError(
        50011,
        "invalid_request",
        f"The redirect URI '{redirect_uri}' specified in the request does not match the redirect "
        f"URIs configured for the application '{client_id}'. Make sure the redirect URI sent in "
        "the request matches one added to your application in the Azure portal. Navigate to "
        "https://aka.ms/redirectUriMismatchError to learn more about how to fix this.",
    )


def token_reply_url_mismatch(sent: str, original: str) -> EntraError:
    """AADSTS50011 at the token endpoint: redirect_uri differs from the authorize request's."""
    return EntraError(
        50011,
        "invalid_grant",
        f"The reply address '{sent}' does not match the reply address '{original}' provided "
        "when requesting Authorization code.",
    )


def missing_parameter(name: str) -> EntraError:
    """AADSTS900144."""
    return EntraError(
        900144,
        "invalid_request",
        f"The request body must contain the following parameter: '{name}'.",
    )


def unsupported_grant(grant: str) -> EntraError:
    """AADSTS70003."""
    return EntraError(
        70003, "unsupported_grant_type", f"The app requested an unsupported grant type '{grant}'."
    )


def invalid_code() -> EntraError:
    """AADSTS70000: a code the server never issued, or issued to another client."""
    return EntraError(
        70000, "invalid_grant", "The provided value for the 'code' parameter is not valid."
    )


def malformed_grant() -> EntraError:
    """AADSTS9002313: a refresh token the server never issued."""
    return EntraError(9002313, "invalid_grant", "Invalid request. Request is malformed or invalid.")


def code_redeemed() -> EntraError:
    """AADSTS54005."""
    return EntraError(
        54005,
        "invalid_grant",
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or "
        "use an existing refresh token.",
    )


def grant_expired() -> EntraError:
    """AADSTS70008."""
    return EntraError(
        70008,
        "invalid_grant",
        "The provided authorization code or refresh token has expired due to inactivity. Send a "
        "new interactive authorization request for this user and resource.",
    )


def refresh_token_expired(issued: str, inactive_days: int) -> EntraError:
    """AADSTS700082."""
    return EntraError(
        700082,
        "invalid_grant",
        f"The refresh token has expired due to inactivity. The token was issued on {issued} and "
        f"was inactive for {inactive_days}.00:00:00.",
    )


def pkce_mismatch() -> EntraError:
    """AADSTS501481."""
    return EntraError(
        501481,
        "invalid_grant",
        "The Code_Verifier does not match the code_challenge supplied in the authorization "
        "request.",
    )


def pkce_verifier_missing() -> EntraError:
    """AADSTS50148: a challenge was sent at authorize, but no verifier now."""
    return EntraError(
        50148,
        "invalid_grant",
        "The code_verifier does not match the code_challenge supplied in the authorization "
        "request for PKCE.",
    )


def consent_required(client_id: str, app_name: str) -> EntraError:
    """AADSTS65001."""
    return EntraError(
        65001,
        "invalid_grant",
        f"The user or administrator has not consented to use the application with ID "
        f"'{client_id}' named '{app_name}'. Send an interactive authorization request for this "
        "user and resource.",
        suberror="consent_required",
    )


def consent_declined() -> EntraError:
    """AADSTS65004."""
    # Entra redirects a declined consent with error=consent_required (observed; R33).
    return EntraError(65004, "consent_required", "User declined to consent to access the app.")


def admin_approval_required() -> EntraError:
    """AADSTS90094."""
    return EntraError(90094, "access_denied", "The grant requires admin permission.")


def user_not_in_tenant(
    upn: str, idp: str, tenant_name: str, client_id: str, app_name: str
) -> EntraError:
    """AADSTS50020."""
    return EntraError(
        50020,
        "invalid_grant",
        f"User account '{upn}' from identity provider '{idp}' does not exist in tenant "
        f"'{tenant_name}' and cannot access the application '{client_id}'({app_name}) in that "
        "tenant. The account needs to be added as an external user in the tenant first. Sign "
        "out and sign in again with a different Azure Active Directory user account.",
    )


def unknown_user(upn: str, tenant_name: str) -> EntraError:
    """AADSTS50034."""
    return EntraError(
        50034,
        "invalid_grant",
        f"The user account {upn} does not exist in the {tenant_name} directory. To sign into "
        "this application, the account must be added to the directory.",
    )


def user_disabled() -> EntraError:
    """AADSTS50057."""
    return EntraError(50057, "invalid_grant", "The user account is disabled.")


def invalid_scope(scope: str) -> EntraError:
    """AADSTS70011."""
    return EntraError(
        70011,
        "invalid_scope",
        "The provided request must include a 'scope' input parameter. The provided value for "
        f"the input parameter 'scope' is not valid. The scope {scope} is not valid.",
    )


def scope_spans_resources(scopes: str) -> EntraError:
    """AADSTS28000."""
    return EntraError(
        28000,
        "invalid_scope",
        "Provided value for the input parameter scope is not valid because it contains more "
        f"than one resource. Scope {scopes} is not valid.",
    )


def unknown_resource(name: str, tenant_name: str) -> EntraError:
    """AADSTS500011."""
    return EntraError(
        500011,
        "invalid_resource",
        f"The resource principal named {name} was not found in the tenant named {tenant_name}. "
        "This can happen if the application has not been installed by the administrator of the "
        "tenant or consented to by any user in the tenant. You might have sent your "
        "authentication request to the wrong tenant.",
    )


def client_credentials_scope(scope: str) -> EntraError:
    """AADSTS1002012: client credentials need ``<resource>/.default``."""
    return EntraError(
        1002012,
        "invalid_scope",
        f"The provided value for scope {scope} is not valid. Client credential flows must have "
        "a scope value with /.default suffixed to the resource identifier (application ID URI).",
    )


def no_tenant_for_app_token() -> EntraError:
    """AADSTS50059: client credentials sent to ``/common`` or ``/organizations``."""
    return EntraError(
        50059,
        "invalid_request",
        "No tenant-identifying information found in either the request or implied by any "
        "provided credentials.",
    )
