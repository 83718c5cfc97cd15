"""What the admin can do about a failure Microsoft reported (SPEC: "the admin's next step")."""

from __future__ import annotations

from provisioning.errors import ErrorKind, ServiceError

_HINTS = {
    ErrorKind.UNAUTHENTICATED: "Sign in again (the stored sign-in expired or was revoked), then "
    "retry.",
    ErrorKind.DENIED: "The signed-in account lacks a role this step needs. Sign in with a "
    "Global Administrator, or an account holding Teams Administrator, User "
    "Administrator and Domain Name Administrator, then retry.",
    ErrorKind.INVALID: "Microsoft refused the change as it stands. Check the object in the "
    "Microsoft 365 or Teams admin centre, then retry.",
    ErrorKind.NOT_FOUND: "Something the bot expected in the tenant is missing. Retry; if it "
    "keeps failing, run the removal and integrate again.",
    ErrorKind.CONFLICT: "Something in the tenant conflicts with the change. Check the Teams admin "
    "centre for objects with the same name, then retry.",
    ErrorKind.TRANSIENT: "Microsoft kept failing for a while. Retry later; nothing is lost.",
}


def hint_for(error: ServiceError) -> str:
    """A next step for the admin."""
    return _HINTS[error.kind]
