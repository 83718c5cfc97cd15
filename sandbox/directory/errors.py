"""Errors a directory operation reports, already in Microsoft's words."""

from __future__ import annotations


class DirectoryError(Exception):
    """A refused directory operation: HTTP status, OData error code and Microsoft's message."""

    def __init__(self, status: int, code: str, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        # A finer reason, e.g. a licensing violation (CountViolation, DependencyViolation...).
        self.detail = detail


def not_found(ref: str) -> DirectoryError:
    """Graph's answer for an object that does not exist (or is not visible yet)."""
    return DirectoryError(
        404,
        "Request_ResourceNotFound",
        f"Resource '{ref}' does not exist or one of its queried reference-property objects "
        "are not present.",
    )


def bad_request(message: str) -> DirectoryError:
    """Graph's generic 400 for directory objects."""
    return DirectoryError(400, "Request_BadRequest", message)
