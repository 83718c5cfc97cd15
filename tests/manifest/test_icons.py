"""The icons: sizes, transparency and colours Teams asks for."""

from __future__ import annotations

import io

from PIL import Image

from manifest.icons import COLOR_SAFE_AREA, COLOR_SIZE, color_icon, outline_icon

ACCENT = "#117A8B"


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGBA")


def _pixels(image: Image.Image) -> list[tuple[int, ...]]:
    data = image.tobytes()
    return [tuple(data[i : i + 4]) for i in range(0, len(data), 4)]


def test_the_color_icon_is_192_pixels_square() -> None:
    """Teams' colour icon size."""
    assert _open(color_icon(ACCENT)).size == (192, 192)


def test_the_color_icon_is_opaque() -> None:
    """A full-bleed square: Teams applies its own masks, so no pixel is see-through."""
    assert {alpha for *_, alpha in _pixels(_open(color_icon(ACCENT)))} == {255}


def test_the_color_icon_background_is_the_accent_colour() -> None:
    """Everything outside Teams' 120-pixel safe area is the accent colour, untouched."""
    image = _open(color_icon(ACCENT))
    margin = (COLOR_SIZE - COLOR_SAFE_AREA) // 2
    outside = {
        image.getpixel((x, y))
        for y in range(COLOR_SIZE)
        for x in range(COLOR_SIZE)
        if not (margin <= x < COLOR_SIZE - margin and margin <= y < COLOR_SIZE - margin)
    }
    assert outside == {(0x11, 0x7A, 0x8B, 255)}


def test_the_color_icon_shows_a_white_handset_on_a_dark_accent() -> None:
    """The symbol is drawn in white, and covers a fair part of the safe area."""
    white = [p for p in _pixels(_open(color_icon(ACCENT))) if p == (255, 255, 255, 255)]
    assert len(white) > COLOR_SAFE_AREA**2 // 10


def test_the_color_icon_uses_a_dark_handset_on_a_light_accent() -> None:
    """A white symbol would vanish on a light accent colour."""
    darkest = min(sum(p[:3]) for p in _pixels(_open(color_icon("#F2C811"))))
    assert darkest < 3 * 64


def test_the_outline_icon_is_32_pixels_square() -> None:
    """Teams' outline icon size."""
    assert _open(outline_icon()).size == (32, 32)


def test_the_outline_icon_has_an_alpha_channel() -> None:
    """Stored as RGBA, so its background can be transparent."""
    assert Image.open(io.BytesIO(outline_icon())).mode == "RGBA"


def test_the_outline_icon_is_white_on_transparency() -> None:
    """Every pixel that shows at all is white; the corners are fully transparent."""
    image = _open(outline_icon())
    assert {p[:3] for p in _pixels(image) if p[3] > 0} == {(255, 255, 255)}
    for corner in ((0, 0), (31, 0), (0, 31), (31, 31)):
        assert image.getpixel(corner) == (255, 255, 255, 0)


def test_the_outline_icon_symbol_fills_the_square() -> None:
    """Teams wants no padding of the app's own around the outline symbol."""
    image = _open(outline_icon())
    left, top, right, bottom = image.getchannel("A").getbbox() or (0, 0, 0, 0)
    assert right - left >= 30
    assert bottom - top >= 30


def test_the_outline_icon_has_solid_and_clear_pixels() -> None:
    """The symbol is drawn solid, with a transparent background around it."""
    alphas = [p[3] for p in _pixels(_open(outline_icon()))]
    assert alphas.count(255) > 32 * 32 // 5
    assert alphas.count(0) > 32 * 32 // 3


def test_the_icons_are_the_same_bytes_every_time() -> None:
    """Drawing twice gives byte-identical PNGs (nothing time- or machine-dependent)."""
    assert color_icon(ACCENT) == color_icon(ACCENT)
    assert outline_icon() == outline_icon()
