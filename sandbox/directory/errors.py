"""Errors a directory operation reports, already in Microsoft's words."""

from __future__ import annotations


class DirectoryError(Exception):
    """A refused directory operation: HTTP status, OData error code and Microsoft's message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        detail: str | None = None,
        target: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        # A finer reason, e.g. a licensing violation (CountViolation, DependencyViolation...).
        self.detail = detail
        # The property the finer reason is about (``details[].target`` in Graph's envelope).
        self.target = target


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


def invalid_value(prop: str, resource: str) -> DirectoryError:
    """400 for a property value Entra refuses, with ``details: [{code: InvalidValue, target}]``.

    The shape is observed for ``mailNickname`` (microsoftgraph/microsoft-graph-docs #5777:
    ``"Invalid value specified for property 'mailNickname' of resource 'User'."`` with
    ``details: [{"code": "InvalidValue", "target": "mailNickname"}]``); other properties follow
    the same template.
    """
    return DirectoryError(
        400,
        "Request_BadRequest",
        f"Invalid value specified for property '{prop}' of resource '{resource}'.",
        detail="InvalidValue",
        target=prop,
    )


def conflict(prop: str) -> DirectoryError:
    """400 for a value another object holds, with ``details: [{code: ObjectConflict, target}]``.

    Observed for ``userPrincipalName`` (microsoftgraph/microsoft-graph-docs #1508, 2018) and for
    a duplicate ``POST /domains`` (a recorded 2024 response in public code: ``"Another object
    with the same value for property id already exists."``, ``target: "id"``).
    """
    return DirectoryError(
        400,
        "Request_BadRequest",
        f"Another object with the same value for property {prop} already exists.",
        detail="ObjectConflict",
        target=prop,
    )
