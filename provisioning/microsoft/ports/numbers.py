"""Phone numbers of Teams users, through Graph's asynchronous number operations
(research/teams-voice-api.md §5)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class OperationStatus(StrEnum):
    """Where an asynchronous number operation stands."""

    NOT_STARTED = "notStarted"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"

    @property
    def finished(self) -> bool:
        """Whether the operation has ended."""
        return self in (OperationStatus.SUCCEEDED, OperationStatus.FAILED, OperationStatus.SKIPPED)


@dataclass(frozen=True)
class AssignedNumber:
    """A number of a user and its kind (``directRouting``, ``callingPlan``, ``operatorConnect``)."""

    number: str
    number_type: str


@dataclass(frozen=True)
class NumberOperation:
    """An asynchronous number assignment or removal."""

    id: str
    status: OperationStatus
    detail: str | None


class NumbersPort(Protocol):
    """Number assignments of one tenant."""

    async def numbers_of(self, user_id: str) -> list[AssignedNumber]:
        """The numbers assigned to a user."""
        ...

    async def assign(self, user_id: str, number: str, number_type: str) -> str:
        """Start an assignment; the operation id."""
        ...

    async def unassign(self, number: AssignedNumber) -> str:
        """Start a removal; the operation id."""
        ...

    async def operation(self, operation_id: str) -> NumberOperation:
        """The state of a number operation."""
        ...
