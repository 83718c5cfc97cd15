"""Server push to open chat pages: each page listens to one conversation as one user."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any


class Hub:
    """Fan-out of conversation events to the pages listening to them."""

    def __init__(self) -> None:
        self._listeners: dict[str, set[tuple[str, asyncio.Queue[dict[str, Any]]]]] = defaultdict(
            set
        )

    def listen(self, conversation_id: str, user: str) -> asyncio.Queue[dict[str, Any]]:
        """A queue of the events ``user`` sees in the conversation."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._listeners[conversation_id].add((user, queue))
        return queue

    def leave(self, conversation_id: str, queue: asyncio.Queue[dict[str, Any]]) -> None:
        """Stop delivering to ``queue``."""
        listeners = self._listeners.get(conversation_id, set())
        for entry in [e for e in listeners if e[1] is queue]:
            listeners.discard(entry)

    def publish(self, conversation_id: str, event: dict[str, Any], only: str | None = None) -> None:
        """Send ``event`` to every page of the conversation, or only to ``only``'s pages."""
        for user, queue in list(self._listeners.get(conversation_id, ())):
            if only is None or user == only:
                queue.put_nowait(event)

    def close_all(self) -> None:
        """Tell every page's stream to end (the sandbox is stopping)."""
        for listeners in self._listeners.values():
            for _, queue in listeners:
                queue.put_nowait({"kind": "closed"})

    def listeners(self, conversation_id: str) -> int:
        """How many pages listen to a conversation."""
        return len(self._listeners.get(conversation_id, ()))
