"""A user as Teams voice sees it: account type, features, numbers, effective policies.

Shared by Graph's ``teamsUserConfiguration`` and the admin API's ``Teams.User/users`` so both
always agree (teams-voice-api.md §2, §3 Get-CsOnlineUser).
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.catalog.licences import (
    MCOEV,
    MCOEV_VIRTUALUSER,
    MCOMEETADV,
    MCOPSTN1,
    MCOSTANDARD,
    TEAMS1,
)
from sandbox.directory.model import User
from sandbox.directory.tenant import Tenant
from sandbox.voice.model import GLOBAL, NumberAssignment, untag
from sandbox.voice.state import POLICY_TYPES

_FEATURES = (
    (TEAMS1.id, "Teams"),
    (MCOSTANDARD.id, "Teams"),
    (MCOEV.id, "PhoneSystem"),
    (MCOEV_VIRTUALUSER.id, "PhoneSystemVirtualUser"),
    (MCOPSTN1.id, "CallingPlan"),
    (MCOMEETADV.id, "AudioConferencing"),
)


@dataclass(frozen=True)
class UserVoice:
    """What Teams knows of one user's telephony."""

    user: User
    # Graph's accountType spelling (user, resourceAccount, ineligibleUser); the admin API's
    # Get-CsOnlineUser spells the same values in PascalCase.
    account_type: str
    feature_types: tuple[str, ...]
    numbers: tuple[NumberAssignment, ...]
    # Policy type -> effective policy name ("Global" when nothing is granted).
    policies: dict[str, str]
    # Policy type -> name, for every type with a grant in force (voice types and any other
    # type Graph's userAssignments granted); users on the default have none (go-teams
    # ``cs/users_test.go``: "A user with no explicit assignment has an empty array").
    assignments: dict[str, str]
    enterprise_voice_enabled: bool
    # When Teams last changed any of the above for this user (modifiedDateTime).
    modified_at: float

    @property
    def line_uri(self) -> str | None:
        """``tel:+…`` of the primary number, as Get-CsOnlineUser shows it."""
        primary = [n for n in self.numbers if n.assignment_category == "primary"]
        return f"tel:{primary[0].telephone_number}" if primary else None


def user_voice(tenant: Tenant, user: User, now: float) -> UserVoice:
    """The voice view of ``user`` at ``now``."""
    # A soft-deleted user's seats are freed ("deleting the user frees up the Microsoft 365
    # license", microsoft-365-docs admin/misc/deleted-user.md): no Teams licence is in force.
    plans = set() if user.deleted else user.enabled_plan_ids()
    features: list[str] = []
    for plan_id, feature in _FEATURES:
        if plan_id in plans and feature not in features:
            features.append(feature)
    if user.resource_account:
        account_type = "resourceAccount"
    elif features:
        account_type = "user"
    else:
        account_type = "ineligibleUser"
    voice = tenant.voice
    assignments: dict[str, str] = {}
    for kind in sorted(voice.granted_types):
        identity = voice.effective_policy(user.id, kind, now)
        if identity:
            assignments[kind] = untag(identity)
    policies = {kind: assignments.get(kind, GLOBAL) for kind in POLICY_TYPES}
    numbers = tuple(sorted(voice.numbers_of(user.id), key=lambda n: n.telephone_number))
    return UserVoice(
        user,
        account_type,
        tuple(features),
        numbers,
        policies,
        assignments,
        voice.enterprise_voice.get(user.id, False),
        voice.modified_at(user.id, user.created_at, now),
    )
