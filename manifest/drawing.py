"""Shapes as signed distance functions and their anti-aliased coverage on a pixel grid.

Distances (negative inside) give smooth edges at any icon size from one drawing. They use only
arithmetic and ``math.hypot`` (CPython's own, not the platform's maths library), so the same
shape gives the same pixels on every machine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

Point = tuple[float, float]


class Shape(Protocol):
    """A region of the unit square, x to the right and y down."""

    def distance(self, x: float, y: float) -> float:
        """Signed distance to the region's edge: negative inside."""
        ...


def _unit(vector: Point) -> Point:
    length = math.hypot(*vector)
    return vector[0] / length, vector[1] / length


def _cross(a: Point, b: Point) -> float:
    return a[0] * b[1] - a[1] * b[0]


@dataclass(frozen=True)
class Arc:
    """A round-ended stroke along a circular arc, from direction ``start`` to ``end``."""

    centre: Point
    radius: float
    # Directions from the centre; the arc goes the shorter way round, under half a turn.
    start: Point
    end: Point
    width: float

    def distance(self, x: float, y: float) -> float:
        """Signed distance to the stroke's edge."""
        dx, dy = x - self.centre[0], y - self.centre[1]
        start, end = _unit(self.start), _unit(self.end)
        turn = _cross(start, end)
        if _cross(start, (dx, dy)) * turn >= 0 and _cross((dx, dy), end) * turn >= 0:
            to_line = abs(math.hypot(dx, dy) - self.radius)
        else:
            to_line = min(
                math.hypot(dx - start[0] * self.radius, dy - start[1] * self.radius),
                math.hypot(dx - end[0] * self.radius, dy - end[1] * self.radius),
            )
        return to_line - self.width / 2


@dataclass(frozen=True)
class RoundedBox:
    """A rectangle with rounded corners, its long side along ``axis``."""

    centre: Point
    axis: Point
    half_length: float
    half_width: float
    corner: float

    def distance(self, x: float, y: float) -> float:
        """Signed distance to the box's edge."""
        ux, uy = _unit(self.axis)
        dx, dy = x - self.centre[0], y - self.centre[1]
        along = abs(dx * ux + dy * uy) - (self.half_length - self.corner)
        across = abs(-dx * uy + dy * ux) - (self.half_width - self.corner)
        outside = math.hypot(max(along, 0.0), max(across, 0.0))
        return outside + min(max(along, across), 0.0) - self.corner


@dataclass(frozen=True)
class Union:
    """Every point of any of ``parts``."""

    parts: Sequence[Shape]

    def distance(self, x: float, y: float) -> float:
        """Signed distance to the nearest part (exact outside, a fair estimate inside)."""
        return min(part.distance(x, y) for part in self.parts)


@dataclass(frozen=True)
class Placed:
    """``shape`` drawn inside the square from ``origin`` with side ``size`` (unit coordinates)."""

    shape: Shape
    origin: Point
    size: float

    def distance(self, x: float, y: float) -> float:
        """Signed distance in the outer square's units."""
        inner = self.shape.distance(
            (x - self.origin[0]) / self.size, (y - self.origin[1]) / self.size
        )
        return inner * self.size


def coverage(shape: Shape, pixels: int) -> list[float]:
    """How much of each pixel of a ``pixels``-square grid ``shape`` covers (0 to 1), row by row."""
    step = 1 / pixels
    values: list[float] = []
    for row in range(pixels):
        y = (row + 0.5) * step
        for column in range(pixels):
            # A one-pixel ramp across the edge: the area a straight edge covers at this distance.
            inside = 0.5 - shape.distance((column + 0.5) * step, y) / step
            values.append(min(1.0, max(0.0, inside)))
    return values
