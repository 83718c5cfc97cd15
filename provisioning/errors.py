"""How outside systems fail, in terms the engine decides on."""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    """What kind of failure, which decides between retrying, waiting and stopping."""

    TRANSIENT = "transient"  # 429, 5xx, resets, timeouts: retry, honouring Retry-After
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    INVALID = "invalid"  # Microsoft refused the request as it stands
    DENIED = "denied"  # the signed-in account lacks a role or the app a permission
    UNAUTHENTICATED = "unauthenticated"  # no usable token: the admin must sign in again


class ServiceError(Exception):
    """A failure reported by (or on the way to) Microsoft or the provider's DNS."""

    def __init__(
        self,
        service: str,
        kind: ErrorKind,
        message: str,
        *,
        status: int | None = None,
        code: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service
        self.kind = kind
        self.message = message
        self.status = status
        self.code = code
        self.retry_after = retry_after

    @property
    def transient(self) -> bool:
        """Whether trying again later may succeed."""
        return self.kind == ErrorKind.TRANSIENT
