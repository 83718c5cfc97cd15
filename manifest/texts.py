"""The words Teams shows about the app (its store page and the "About" tab), by default."""

from __future__ import annotations

from i18n.text import N_, say

SHORT_DESCRIPTION = N_("Connect Microsoft Teams to your voice platform with Direct Routing")

_INTEGRATION = N_(
    "Sets up Microsoft Teams Direct Routing in your Microsoft 365 organization from a chat. "
    "A tenant administrator signs in to Microsoft twice: once so the app can read and change "
    "the tenant through Microsoft Graph, once for the Teams administration it does on the "
    "admin's behalf. Before anything changes, a readiness check lists every prerequisite "
    "(admin roles, licences, the tenant's domain) with how to fix what is missing. Then the "
    "app provisions the voice platform's domain in your tenant and verifies it, creates a "
    "licensed gateway user, a dial plan, a voice routing policy and its PSTN usage, the online "
    "PSTN gateway and a voice route. Progress updates in place, and the app tells you in the "
    "same conversation when slow steps such as domain verification finish. Your organization's "
    "default voice routing policy, and users and settings of any other voice provider, are "
    "never touched."
)
_USER_SYNC = N_(
    "Afterwards, sync your Teams Phone users, activate each with a phone number, and export "
    "the list as a CSV file."
)
_REMOVAL = N_(
    "The remove command takes everything out again after an explicit confirmation, so the "
    "tenant can be moved to another platform or integrated again from scratch."
)


def full_description(include_user_sync: bool) -> str:
    """The full description (in the language being spoken), naming user sync only when the app
    offers it."""
    parts = (_INTEGRATION, _USER_SYNC, _REMOVAL) if include_user_sync else (_INTEGRATION, _REMOVAL)
    return " ".join(say(part) for part in parts)
