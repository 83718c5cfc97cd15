"""Graph's OData error envelope (research/graph-entra.md §3.1)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sandbox.directory.errors import DirectoryError


class GraphError(Exception):
    """A Graph error answer: status, OData code, message and any extra headers."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        detail: str | None = None,
        target: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.detail = detail
        self.target = target

    @classmethod
    def from_directory(cls, exc: DirectoryError) -> GraphError:
        """Wrap a refused directory operation."""
        return cls(exc.status, exc.code, exc.message, detail=exc.detail, target=exc.target)

    def body(self, request_id: str, client_request_id: str | None) -> dict[str, Any]:
        """``{"error": {"code", "message", "details"?, "innerError": {...}}}`` (R15)."""
        inner: dict[str, Any] = {
            "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "request-id": request_id,
            "client-request-id": client_request_id or request_id,
        }
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.detail:
            detail: dict[str, str] = {"code": self.detail, "message": self.message}
            if self.target:
                detail["target"] = self.target
            error["details"] = [detail]
        error["innerError"] = inner
        return {"error": error}


def bad_request(message: str) -> GraphError:
    """400 ``Request_BadRequest``."""
    return GraphError(400, "Request_BadRequest", message)


def unsupported_query(message: str = "Unsupported Query.") -> GraphError:
    """400 ``Request_UnsupportedQuery``."""
    return GraphError(400, "Request_UnsupportedQuery", message)


def denied() -> GraphError:
    """403 ``Authorization_RequestDenied``."""
    return GraphError(
        403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
    )


def unauthenticated(message: str) -> GraphError:
    """401 ``InvalidAuthenticationToken`` with Graph's ``WWW-Authenticate`` challenge."""
    return GraphError(
        401,
        "InvalidAuthenticationToken",
        message,
        {
            "WWW-Authenticate": 'Bearer realm="", authorization_uri="https://login.microsoftonline'
            '.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000'
            '-000000000000"'
        },
    )


def no_route(method: str, path: str) -> GraphError:
    """400 for a segment Graph does not know."""
    return GraphError(
        400,
        "BadRequest",
        f"Resource not found for the segment '{path.rstrip('/').rsplit('/', 1)[-1]}'.",
    )


def method_not_allowed() -> GraphError:
    """405 for a known path with the wrong verb."""
    return GraphError(
        405, "Request_BadRequest", "Specified HTTP method is not allowed for the request uri."
    )
