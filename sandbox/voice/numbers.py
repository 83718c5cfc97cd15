"""Phone numbers: Graph's ``assignNumber``/``unassignNumber`` run as asynchronous operations.

Research teams-voice-api.md §2 and §3: the call answers 202 with an operation to poll; the
outcome is decided when the operation finishes (the tenant's ``number_operation_seconds``).
Assigning a number turns Enterprise Voice on, removing the last one turns it off.

Graph calls each request "an asynchronous order" (teamsadministration-numberassignment-
unassignnumber.md), so what the order itself gets wrong (the number's type) fails the
operation; only a second order for a number whose removal is still running is refused at once
(fidelity-review-2.md F9; Microsoft's split is unverified).
"""

from __future__ import annotations

import re
import uuid

from sandbox.catalog.licences import MCOEV, MCOEV_VIRTUALUSER
from sandbox.directory.tenant import Tenant
from sandbox.voice import errors
from sandbox.voice.model import NumberAssignment, NumberOperation

NUMBER_TYPES = ("directRouting", "callingPlan", "operatorConnect")
CATEGORIES = ("primary", "private", "alternate")
_E164 = re.compile(r"^\+?([1-9]\d{6,14})(;ext=\d{1,10})?$")


def normalise(number: str) -> str:
    """``+`` followed by digits (Graph always shows numbers with ``+``)."""
    match = _E164.match(number.strip())
    if match is None:
        raise errors.bad_request(f"'{number}' is not a valid E.164 telephone number.")
    return "+" + match.group(1) + (match.group(2) or "")


def number_type(value: str) -> str:
    """The canonical spelling of a number type."""
    for kind in NUMBER_TYPES:
        if kind.lower() == value.lower():
            return kind
    raise errors.bad_request(f"numberType must be one of {', '.join(NUMBER_TYPES)}.")


def start(
    tenant: Tenant,
    kind: str,
    number: str,
    numbering: str,
    user_id: str | None,
    category: str,
    location_id: str | None,
    now: float,
) -> NumberOperation:
    """Queue an assignment or removal; it completes after the tenant's delay."""
    telephone_number = normalise(number)
    numbering = number_type(numbering)
    settle(tenant, now)
    if kind == "unassign" and any(
        op.kind == "unassign" and op.telephone_number == telephone_number
        for op in tenant.voice.operations.values()
        if op.status in ("notStarted", "running")
    ):
        raise errors.VoiceError(
            409,
            "Conflict",
            f"An operation to unassign {telephone_number} is still running; poll it instead.",
        )
    operation = NumberOperation(
        id=str(uuid.uuid4()),
        kind=kind,
        telephone_number=telephone_number,
        number_type=numbering,
        user_id=user_id,
        assignment_category=category,
        location_id=location_id,
        created_at=now,
        complete_at=now + tenant.knobs.number_operation_seconds,
    )
    tenant.voice.operations[operation.id] = operation
    settle(tenant, now)
    return operation


def _outcome(tenant: Tenant, op: NumberOperation) -> str | None:
    """Carry out a finished operation; the failure text, or ``None`` on success."""
    voice = tenant.voice
    held = voice.numbers.get(op.telephone_number)
    if op.kind == "unassign":
        if held is None:
            return f"The telephone number {op.telephone_number} is not assigned."
        if held.number_type != op.number_type:
            # numberType "identifies the number's type" (unassignNumber's parameter table).
            return (
                f"The telephone number {op.telephone_number} is a {held.number_type} number, "
                f"not {op.number_type}."
            )
        del voice.numbers[op.telephone_number]
        voice.changed_at[held.user_id] = op.complete_at
        if not voice.numbers_of(held.user_id):
            voice.enterprise_voice[held.user_id] = False
        return None
    user = tenant.users.get(op.user_id or "")
    if user is None:
        return f"The assignment target '{op.user_id}' was not found in the tenant."
    if op.number_type != "directRouting":
        return (
            f"The telephone number {op.telephone_number} is not in the tenant's "
            f"{op.number_type} inventory."
        )
    plans = user.enabled_plan_ids()
    if MCOEV.id not in plans and MCOEV_VIRTUALUSER.id not in plans:
        return (
            f"The user {user.user_principal_name} is not licensed for Teams Phone: assign "
            "a licence that includes Phone System (MCOEV) first."
        )
    if held is not None:
        if held.user_id == user.id:
            voice.enterprise_voice[user.id] = True
            voice.changed_at[user.id] = op.complete_at
            return None
        return f"The telephone number {op.telephone_number} is already assigned to another user."
    if op.assignment_category == "primary" and any(
        n.assignment_category == "primary" for n in voice.numbers_of(user.id)
    ):
        return (
            f"The user {user.user_principal_name} already has a primary telephone number; "
            "unassign it first."
        )
    voice.numbers[op.telephone_number] = NumberAssignment(
        op.telephone_number, user.id, op.number_type, op.assignment_category, op.location_id
    )
    voice.enterprise_voice[user.id] = True
    voice.changed_at[user.id] = op.complete_at
    return None


def settle(tenant: Tenant, now: float) -> None:
    """Finish every operation whose time has come, oldest first."""
    pending = sorted(
        (op for op in tenant.voice.operations.values() if op.status in ("notStarted", "running")),
        key=lambda o: o.created_at,
    )
    for op in pending:
        if op.complete_at > now:
            op.status = "running"
            continue
        failure = _outcome(tenant, op)
        op.status = "failed" if failure else "succeeded"
        op.status_detail = failure
