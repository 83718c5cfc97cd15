"""Reading request bodies: PascalCase properties, matched without regard to case."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sandbox.voice import errors

# What every stored instance carries and read-modify-write clients send back (CIPP echoes
# ``Key``; bound switches such as ``Force`` are forwarded): accepted and ignored.
ENVELOPE = frozenset({"key", "configid", "configmetadata", "msftinternalprocessingmode", "force"})


def pick(body: Any, kind: str, allowed: Iterable[str]) -> dict[str, Any]:
    """The body's properties under their canonical names; unknown ones are refused."""
    if not isinstance(body, dict):
        raise errors.bad_request(f"The request body for {kind} must be a JSON object.")
    canonical = {name.lower(): name for name in allowed}
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key.lower() in ENVELOPE:
            continue
        name = canonical.get(key.lower())
        if name is None:
            raise errors.bad_request(f"The property '{key}' is not valid for {kind}.")
        out[name] = value
    return out


def text(value: Any, name: str, max_length: int | None = None) -> str:
    """A string property."""
    if not isinstance(value, str):
        raise errors.bad_request(f"{name} must be a string.")
    if max_length is not None and len(value) > max_length:
        raise errors.bad_request(f"{name} cannot be longer than {max_length} characters.")
    return value


def flag(value: Any, name: str) -> bool:
    """A boolean property."""
    if not isinstance(value, bool):
        raise errors.bad_request(f"{name} must be true or false.")
    return value


def number(value: Any, name: str, low: int, high: int) -> int:
    """An integer property within bounds."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise errors.bad_request(f"{name} must be a whole number from {low} to {high}.")
    return value


def strings(value: Any, name: str) -> list[str]:
    """A list of strings, kept in order, duplicates dropped."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise errors.bad_request(f"{name} must be a list of names.")
    seen: list[str] = []
    for item in value:
        if item.lower() not in (s.lower() for s in seen):
            seen.append(item)
    return seen
