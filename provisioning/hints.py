"""What the admin can do about a failure (SPEC: "the admin's next step"), naming the system that
failed: the provider's DNS is never blamed on Microsoft, nor Microsoft on the provider.

The runner asks for these without a language (English is stored); the bot says them in the
admin's language later, recognising the template each was made from.
"""

from __future__ import annotations

from i18n.text import N_, say, t
from provisioning.engine.errors import StepError
from provisioning.microsoft.errors import PROVIDER_DNS, ErrorKind, ServiceError

# One template per kind of failure, ``{system}`` the name of the system that failed.
_HINTS = {
    ErrorKind.UNAUTHENTICATED: N_(
        "{system} no longer accepts the stored sign-in (it expired or was revoked). Sign in "
        "again, then retry."
    ),
    ErrorKind.DENIED: N_(
        "{system} says the signed-in account lacks a role this step needs. Sign in with a "
        "Global Administrator, or an account holding Teams Administrator, User Administrator "
        "and Domain Name Administrator, then retry."
    ),
    ErrorKind.INVALID: N_(
        "{system} refused the change as it stands. Check the object in the Microsoft 365 or "
        "Teams admin centre, then retry."
    ),
    ErrorKind.NOT_FOUND: N_(
        "Something the bot expected is missing in {system}. Retry; if it keeps failing, run "
        "the removal and integrate again."
    ),
    ErrorKind.ALREADY_EXISTS: N_(
        "{system} already has an object with the same name. Check the admin centre for it, "
        "then retry."
    ),
    ErrorKind.IN_USE: N_(
        "{system} says another object still uses this one. Remove that link in the admin "
        "centre, then retry."
    ),
    ErrorKind.DOMAIN_NOT_ACTIVATED: N_(
        "{system} has not taken the domain up for Direct Routing. Check that the gateway user "
        "is licensed, then retry."
    ),
    ErrorKind.TRANSIENT: N_("{system} kept failing for a while. Retry later; nothing is lost."),
}


def _dns_hint(kind: ErrorKind) -> str:
    if kind in (ErrorKind.DENIED, ErrorKind.UNAUTHENTICATED):
        return t(
            "The provider's DNS refused our update: the provider must check the TSIG key and "
            "the zone's update policy in the bot's settings, then retry."
        )
    if kind == ErrorKind.TRANSIENT:
        return t(
            "The provider's DNS servers kept failing to answer. The provider must check its "
            "name servers; retry afterwards, nothing is lost."
        )
    return t("The provider's DNS refused the change. The provider must check its zone, then retry.")


def explain(error: Exception) -> str:
    """The next step for the admin after ``error`` ended a step."""
    if not isinstance(error, StepError):
        return t("Retry; if it keeps failing, report it to the provider.")
    system = error.service
    kind = error.kind if isinstance(error, ServiceError) else ErrorKind.TRANSIENT
    if system == PROVIDER_DNS:
        return _dns_hint(kind)
    return t(_HINTS[kind], system=say(system))
