"""``NumbersPort`` over Graph's Teams telephone number management
(research/teams-voice-api.md §5)."""

from __future__ import annotations

import re

from provisioning.microsoft.adapters.http import JsonApi
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.ports.numbers import AssignedNumber, NumberOperation, OperationStatus

_NUMBERS = "/admin/teams/telephoneNumberManagement"
_OPERATION = re.compile(r"operations(?:\('|/)([^')/]+)")


class GraphNumbers:
    """Number assignments of the tenant."""

    def __init__(self, api: JsonApi) -> None:
        self._api = api

    async def numbers_of(self, user_id: str) -> list[AssignedNumber]:
        """A user's numbers with their real types (which ``unassignNumber`` must be given)."""
        items = await self._api.pages(
            f"{_NUMBERS}/numberAssignments",
            {"$filter": f"assignmentTargetId eq '{user_id}'"},
        )
        return [
            AssignedNumber(str(n["telephoneNumber"]), str(n.get("numberType") or "directRouting"))
            for n in items
            if n.get("assignmentTargetId", user_id) == user_id
        ]

    async def _operation(self, action: str, body: dict[str, str]) -> str:
        response = await self._api.request(
            "POST", f"{_NUMBERS}/numberAssignments/{action}", json=body
        )
        match = _OPERATION.search(response.headers.get("Location", ""))
        if match is None:
            raise ServiceError(
                self._api.service,
                ErrorKind.INVALID,
                f"{action} was accepted without an operation to follow",
            )
        return match.group(1)

    async def assign(self, user_id: str, number: str, number_type: str) -> str:
        """``assignNumber`` (primary); the operation id."""
        return await self._operation(
            "assignNumber",
            {
                "telephoneNumber": number,
                "assignmentTargetId": user_id,
                "numberType": number_type,
                "assignmentCategory": "primary",
            },
        )

    async def unassign(self, number: AssignedNumber) -> str:
        """``unassignNumber`` with the number's own type; the operation id."""
        return await self._operation(
            "unassignNumber",
            {"telephoneNumber": number.number, "numberType": number.number_type},
        )

    async def operation(self, operation_id: str) -> NumberOperation:
        """An operation's status."""
        body = await self._api.json("GET", f"{_NUMBERS}/operations('{operation_id}')")
        details = [n.get("statusDetail") for n in body.get("numbers", []) if n.get("statusDetail")]
        try:
            status = OperationStatus(body.get("status", "running"))
        except ValueError:
            status = OperationStatus.RUNNING
        return NumberOperation(
            body.get("id", operation_id), status, details[0] if details else None
        )
