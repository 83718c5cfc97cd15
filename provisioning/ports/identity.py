"""Entra sign-in tokens: a delegated token for Graph and one for the Teams admin API."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class Purpose(StrEnum):
    """Which sign-in a token comes from (SPEC step 1 and step 3)."""

    GRAPH = "graph"
    TEAMS_ADMIN = "teams_admin"


class TokenPort(Protocol):
    """Access tokens for one tenant, refreshed silently from the stored sign-in."""

    async def access_token(self, purpose: Purpose) -> str:
        """A valid bearer token, or ``ServiceError(UNAUTHENTICATED)``: sign in again."""
        ...
