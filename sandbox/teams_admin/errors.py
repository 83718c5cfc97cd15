"""Errors of the Teams admin API as its clients parse them: ``{"error": {"code", "message"}}``.

Source: go-teams ``parseAPIError`` (research/teams-voice-api.md §1.2).
"""

from __future__ import annotations

import uuid
from typing import Any


class AdminError(Exception):
    """A refused request: status, error code, message and extra headers."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self, correlation_id: str | None) -> dict[str, Any]:
        """The JSON error body."""
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "correlationId": correlation_id or str(uuid.uuid4()),
            }
        }


def unauthorized(message: str) -> AdminError:
    """401 for a missing or invalid bearer token."""
    return AdminError(
        401, "Unauthorized", message, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    )


def forbidden(message: str) -> AdminError:
    """403: the caller's directory roles do not allow this."""
    return AdminError(403, "Forbidden", message)
