"""The app's two icons, a telephone handset: Teams' colour icon and its outline icon."""

from __future__ import annotations

from manifest.drawing import Arc, Placed, RoundedBox, Shape, Union, coverage
from manifest.png import encode_rgba

COLOR_SIZE = 192
OUTLINE_SIZE = 32
# Teams masks the colour icon to its own shapes and asks for the logo inside this central square.
COLOR_SAFE_AREA = 120

_WHITE = (255, 255, 255)
_DARK = (36, 36, 36)

# The handset within the unit square: a curved handle with an ear pad and a mouth pad facing
# the arc's centre, as a handset faces a head. Its extent is [0.09, 0.91] on both axes.
_CENTRE = (0.79, 0.21)
_RADIUS = 0.62
_HANDLE = 0.16
_PAD_INSET = 0.09
_HANDSET_LOW, _HANDSET_HIGH = 0.09, 0.91

_HANDSET = Union(
    (
        Arc(_CENTRE, _RADIUS, start=(-1.0, 0.0), end=(0.0, 1.0), width=_HANDLE),
        RoundedBox(
            (_CENTRE[0] - _RADIUS + _PAD_INSET, _CENTRE[1]),
            axis=(1.0, 0.0),
            half_length=0.16,
            half_width=0.12,
            corner=0.11,
        ),
        RoundedBox(
            (_CENTRE[0], _CENTRE[1] + _RADIUS - _PAD_INSET),
            axis=(0.0, 1.0),
            half_length=0.16,
            half_width=0.12,
            corner=0.11,
        ),
    )
)


def _centred(shape: Shape, extent: float) -> Shape:
    """The handset scaled so that it spans ``extent`` of the square, in the middle."""
    size = extent / (_HANDSET_HIGH - _HANDSET_LOW)
    origin = 0.5 - size * (_HANDSET_LOW + _HANDSET_HIGH) / 2
    return Placed(shape, (origin, origin), size)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = int(hex_colour.removeprefix("#"), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def _foreground(background: tuple[int, int, int]) -> tuple[int, int, int]:
    # A white handset vanishes on a light accent colour; Rec. 709 weights judge "light".
    red, green, blue = background
    return _DARK if 0.2126 * red + 0.7152 * green + 0.0722 * blue > 160 else _WHITE


def color_icon(accent_color: str) -> bytes:
    """The 192×192 colour icon: the handset on a full square of ``accent_color`` (``#rrggbb``)."""
    background = _rgb(accent_color)
    foreground = _foreground(background)
    # A logo of 100 pixels sits well inside the safe area, leaving Teams' masks room.
    shape = _centred(_HANDSET, 100 / COLOR_SIZE)
    pixels = bytearray()
    for amount in coverage(shape, COLOR_SIZE):
        pixels += bytes(
            round(back + (fore - back) * amount)
            for back, fore in zip(background, foreground, strict=True)
        )
        pixels.append(255)
    return encode_rgba(COLOR_SIZE, COLOR_SIZE, bytes(pixels))


def outline_icon() -> bytes:
    """The 32×32 outline icon: the white handset on transparency, as Teams requires."""
    # Teams wants no padding of its own around the outline symbol; one pixel keeps the edge soft.
    shape = _centred(_HANDSET, (OUTLINE_SIZE - 2) / OUTLINE_SIZE)
    pixels = bytearray()
    for amount in coverage(shape, OUTLINE_SIZE):
        pixels += bytes((*_WHITE, round(255 * amount)))
    return encode_rgba(OUTLINE_SIZE, OUTLINE_SIZE, bytes(pixels))
