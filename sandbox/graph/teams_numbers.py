"""``/admin/teams/telephoneNumberManagement`` (teams-voice-api.md §2): number assignments.

``assignNumber``/``unassignNumber`` answer 202 with a ``Location`` of an operation to poll; a
second ``unassignNumber`` while the first still runs is a 409 (fidelity-review-2.md F9).
"""

from __future__ import annotations

from typing import Any

from sandbox.clock import iso
from sandbox.directory.errors import not_found
from sandbox.graph import errors
from sandbox.graph.call import Call
from sandbox.graph.odata import Prop, Schema, compile_filter, parse_options
from sandbox.replies import Reply
from sandbox.voice import numbers
from sandbox.voice.errors import VoiceError
from sandbox.voice.model import NumberAssignment, NumberOperation

_BASE = "/admin/teams/telephoneNumberManagement"
_SCHEMA: Schema[NumberAssignment] = Schema(
    entity="numberAssignment",
    props={
        "telephoneNumber": Prop(lambda n: n.telephone_number, frozenset({"eq", "in"})),
        "assignmentTargetId": Prop(lambda n: n.user_id, frozenset({"eq", "in"})),
        "numberType": Prop(lambda n: n.number_type.lower(), frozenset({"eq"})),
        "assignmentStatus": Prop(lambda n: "userAssigned", frozenset({"eq"})),
    },
    collections={},
)


def _assignment_json(call: Call, number: NumberAssignment) -> dict[str, Any]:
    user = call.tenant.users.get(number.user_id)
    status = (
        "voiceApplicationAssigned" if user is not None and user.resource_account else "userAssigned"
    )
    return {
        "id": number.telephone_number.lstrip("+"),
        "telephoneNumber": number.telephone_number,
        "numberType": number.number_type,
        "assignmentStatus": status,
        "assignmentTargetId": number.user_id,
        "assignmentCategory": number.assignment_category,
        "activationState": "activated",
        "capabilities": ["userAssignment"],
        "locationId": number.location_id,
        "numberSource": "online" if number.number_type != "directRouting" else "onPremises",
        "reverseNumberLookupOptions": [],
    }


def _operation_json(call: Call, op: NumberOperation) -> dict[str, Any]:
    return {
        "@odata.context": call.context("admin/teams/telephoneNumberManagement/operations/$entity"),
        "id": op.id,
        "createdDateTime": iso(op.created_at),
        "status": op.status,
        "numbers": [
            {
                "telephoneNumber": op.telephone_number,
                "resourceLocation": call.url(
                    f"{_BASE}/numberAssignments/{op.telephone_number.lstrip('+')}"
                ),
                "status": op.status,
                "statusDetail": op.status_detail,
            }
        ],
    }


async def list_assignments(call: Call) -> Reply:
    """Assigned numbers, optionally filtered by number, target or type."""
    numbers.settle(call.tenant, call.now())
    options = parse_options(call.query, call.headers)
    predicate = compile_filter(options.filter, _SCHEMA, True) if options.filter else None
    items = sorted(call.tenant.voice.numbers.values(), key=lambda n: n.telephone_number)
    value = [_assignment_json(call, n) for n in items if predicate is None or predicate(n)]
    return Reply(
        body={
            "@odata.context": call.context(
                "admin/teams/telephoneNumberManagement/numberAssignments"
            ),
            "value": value[: options.top],
        }
    )


async def get_assignment(call: Call) -> Reply:
    """One assigned number (``{id}`` is the number without ``+``)."""
    numbers.settle(call.tenant, call.now())
    key = "+" + call.params["number"].lstrip("+")
    found = call.tenant.voice.numbers.get(key)
    if found is None:
        raise not_found(call.params["number"])
    return Reply(body=_assignment_json(call, found))


def _accepted(call: Call, op: NumberOperation) -> Reply:
    location = call.url(f"{_BASE}/operations('{op.id}')")
    return Reply(202, None, {"Location": location})


def _field(body: dict[str, Any], name: str, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise errors.bad_request(f"The parameter '{name}' is required and must be a string.")
    return value


async def assign_number(call: Call) -> Reply:
    """``assignNumber``: queue the assignment and answer 202."""
    body = call.json_body()
    number = _field(body, "telephoneNumber")
    target = _field(body, "assignmentTargetId")
    kind = _field(body, "numberType")
    category = (_field(body, "assignmentCategory", required=False) or "primary").lower()
    if category not in numbers.CATEGORIES:
        raise errors.bad_request(
            f"assignmentCategory must be one of {', '.join(numbers.CATEGORIES)}."
        )
    assert number is not None
    assert kind is not None
    try:
        op = numbers.start(
            call.tenant,
            "assign",
            number,
            kind,
            target,
            category,
            _field(body, "locationId", required=False),
            call.now(),
        )
    except VoiceError as exc:
        raise errors.GraphError(exc.status, exc.code, exc.message) from exc
    return _accepted(call, op)


async def unassign_number(call: Call) -> Reply:
    """``unassignNumber``: queue the removal and answer 202."""
    body = call.json_body()
    number = _field(body, "telephoneNumber")
    kind = _field(body, "numberType")
    assert number is not None
    assert kind is not None
    try:
        op = numbers.start(call.tenant, "unassign", number, kind, None, "primary", None, call.now())
    except VoiceError as exc:
        raise errors.GraphError(exc.status, exc.code, exc.message) from exc
    return _accepted(call, op)


async def get_operation(call: Call) -> Reply:
    """The status of an assignment operation."""
    numbers.settle(call.tenant, call.now())
    op = call.tenant.voice.operations.get(call.params["operation"].strip("'"))
    if op is None:
        raise not_found(call.params["operation"])
    return Reply(body=_operation_json(call, op))
