"""One authenticated request to a resource API, as its handlers see it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox.bearer import Caller
from sandbox.directory.tenant import Tenant
from sandbox.state import Sandbox


@dataclass
class ApiCall:
    """A request routed to a handler, with its caller authenticated."""

    sb: Sandbox
    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: Any
    caller: Caller
    params: dict[str, str] = field(default_factory=dict)

    @property
    def tenant(self) -> Tenant:
        """The caller's tenant: every call is scoped to it."""
        return self.caller.tenant

    def now(self) -> float:
        """The sandbox's current time."""
        return self.sb.clock.now()
