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
    account_type: str
    feature_types: tuple[str, ...]
    numbers: tuple[NumberAssignment, ...]
    # Policy type -> effective policy name ("Global" when nothing is granted).
    policies: dict[str, str]

    @property
    def enterprise_voice_enabled(self) -> bool:
        """Assigning a number turns Enterprise Voice on; removing the last one turns it off."""
        return bool(self.numbers)

    @property
    def line_uri(self) -> str | None:
        """``tel:+…`` of the primary number, as Get-CsOnlineUser shows it."""
        primary = [n for n in self.numbers if n.assignment_category == "primary"]
        return f"tel:{primary[0].telephone_number}" if primary else None


def user_voice(tenant: Tenant, user: User, now: float) -> UserVoice:
    """The voice view of ``user`` at ``now``."""
    plans = user.enabled_plan_ids()
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
    policies = {}
    for kind in POLICY_TYPES:
        identity = tenant.voice.effective_policy(user.id, kind, now)
        policies[kind] = untag(identity) if identity else GLOBAL
    numbers = tuple(sorted(tenant.voice.numbers_of(user.id), key=lambda n: n.telephone_number))
    return UserVoice(user, account_type, tuple(features), numbers, policies)
