"""One Graph call as handlers see it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from sandbox.api_call import ApiCall
from sandbox.graph import errors

# Characters Graph leaves unescaped in the query strings of the links it returns.
_SAFE = "$,()'=/:"


class Call(ApiCall):
    """A Graph request, with the links and errors Graph answers in."""

    def url(self, path: str, query: Mapping[str, str] | None = None) -> str:
        """An absolute Graph URL, as ``@odata.nextLink`` and ``@odata.context`` carry them."""
        base = self.sb.endpoints.graph + path
        return f"{base}?{urlencode(query, safe=_SAFE)}" if query else base

    def context(self, fragment: str) -> str:
        """``@odata.context`` for a metadata fragment."""
        return f"{self.sb.endpoints.graph}/$metadata#{fragment}"

    def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object, or Graph's 400."""
        if not isinstance(self.body, dict):
            raise errors.bad_request(
                "Write requests (excluding DELETE) must contain the "
                "Content-Type header declaration."
            )
        return self.body
