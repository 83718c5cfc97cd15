"""What a synced user is to us (SPEC step 4), decided by their state in Microsoft 365."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, case, func, literal, or_
from sqlalchemy.orm import InstrumentedAttribute

from storage.users import TenantUserRecord


class UserStatus(StrEnum):
    """A user's standing, as the ``users`` filters name it."""

    # Teams Phone licensed, no number from us yet.
    INACTIVE = "inactive"
    # Our voice routing policy (and, once Microsoft is done, a number we assigned).
    ACTIVE = "active"
    UNLICENSED = "unlicensed"
    # Voice set up by someone else (another provider's policy, number or Enterprise Voice):
    # shown, never touched.
    OTHER = "other"


def status_of(
    *,
    teams_phone: bool,
    enterprise_voice: bool,
    numbers: str,
    routing_policy: str,
    dial_plan: str,
    our_policy: str,
) -> UserStatus:
    """One user's status (the same rule as :func:`status_expression`)."""
    if routing_policy.lower() == our_policy.lower():
        return UserStatus.ACTIVE
    if numbers or enterprise_voice or routing_policy or dial_plan:
        return UserStatus.OTHER
    return UserStatus.INACTIVE if teams_phone else UserStatus.UNLICENSED


def _col(attribute: object) -> InstrumentedAttribute[object]:
    return attribute  # type: ignore[return-value]


def status_expression(our_policy: str) -> ColumnElement[str]:
    """:func:`status_of` as SQL, to classify a whole tenant in one statement."""
    t = TenantUserRecord
    voice_of_others = or_(
        _col(t.numbers) != "",
        _col(t.enterprise_voice).is_(True),
        _col(t.routing_policy) != "",
        _col(t.dial_plan) != "",
    )
    return case(
        (
            func.lower(_col(t.routing_policy)) == our_policy.lower(),
            literal(UserStatus.ACTIVE.value),
        ),
        (voice_of_others, literal(UserStatus.OTHER.value)),
        (_col(t.teams_phone).is_(True), literal(UserStatus.INACTIVE.value)),
        else_=literal(UserStatus.UNLICENSED.value),
    )
