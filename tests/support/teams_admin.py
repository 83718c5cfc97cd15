"""Helpers for reading Teams admin API answers in tests."""

from __future__ import annotations

from typing import Any

ENVELOPE = ("ConfigId", "ConfigMetadata", "Key")


def properties(instance: dict[str, Any]) -> dict[str, Any]:
    """An instance without its configuration envelope (``Key``, ``ConfigId``...)."""
    return {k: v for k, v in instance.items() if k not in ENVELOPE}
