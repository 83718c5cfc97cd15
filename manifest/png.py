"""A minimal PNG writer for 8-bit RGBA images, so the icons need no imaging library."""

from __future__ import annotations

import struct
import zlib

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_RGBA = 6
_NO_FILTER = b"\x00"


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_rgba(width: int, height: int, pixels: bytes) -> bytes:
    """PNG bytes of ``pixels``, rows of RGBA from the top, with no metadata to vary."""
    stride = width * 4
    if width <= 0 or height <= 0 or len(pixels) != stride * height:
        raise ValueError(f"{len(pixels)} bytes are not a {width}x{height} RGBA image")
    rows = b"".join(
        _NO_FILTER + pixels[top : top + stride] for top in range(0, len(pixels), stride)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, _RGBA, 0, 0, 0)
    return (
        _SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )
