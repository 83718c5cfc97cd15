"""Matching a request's method and path against a table of routes (Graph, Teams admin API)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol, TypeVar


class Routed(Protocol):
    """Anything with a method and a compiled path pattern."""

    @property
    def method(self) -> str:
        """The HTTP method."""
        ...

    @property
    def pattern(self) -> re.Pattern[str]:
        """The path pattern, anchored."""
        ...


R = TypeVar("R", bound=Routed)


class NoRouteError(Exception):
    """No route has this path."""


class WrongMethodError(Exception):
    """A route has this path, but not for this method."""


def path_pattern(template: str) -> re.Pattern[str]:
    """``/users/{user}`` → an anchored, case-insensitive regex with named groups."""
    return raw_pattern(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template))


def raw_pattern(regex: str) -> re.Pattern[str]:
    """An anchored, case-insensitive regex that tolerates a trailing slash."""
    return re.compile(f"^{regex}/?$", re.IGNORECASE)


def find(routes: Iterable[R], method: str, path: str) -> tuple[R, dict[str, str]]:
    """The first route for ``method`` and ``path``, and the path's named parts."""
    path_matched = False
    for route in routes:
        found = route.pattern.match(path)
        if found is None:
            continue
        path_matched = True
        if route.method == method:
            return route, found.groupdict()
    raise WrongMethodError(path) if path_matched else NoRouteError(path)
