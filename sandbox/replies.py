"""An API's answer before it becomes HTTP: status, JSON body (or plain text), extra headers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    """What a handler answers; the aiohttp layer turns it into a response."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
