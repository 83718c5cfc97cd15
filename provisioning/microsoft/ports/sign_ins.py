"""The tenant's stored sign-ins, as the removal's last step deletes them."""

from __future__ import annotations

from typing import Protocol


class SignInsPort(Protocol):
    """The credentials kept for one tenant."""

    async def forget(self) -> int:
        """Delete every stored credential of the tenant; how many there were."""
        ...
