"""The glyph and colour of each status, the same on every card."""

# Glyphs are plain text characters that the system fonts of Windows, macOS, iOS and Android
# (where Teams runs) and of Linux (the web chat's Chromium) draw, none with an emoji form:
# ✓ U+2713 and ✗ U+2717 rather than ✔ ✖ ❌ ✅, ► U+25BA rather than ▶, ▲ U+25B2 rather than
# ⚠, no ⏳, which some clients draw as colour emoji and others as empty boxes. ○ ► ▲ ■ — • …
# are in WGL4, the set every Windows text font covers. All are about as wide as ✓, so the text
# beside them lines up; the colour says the same as the glyph, for those who see it.

from __future__ import annotations

from typing import Final

from cards.elements import Color
from cards.models import CheckStatus, StepStatus

DONE: Final = "✓"
FAILED: Final = "✗"
WARNING: Final = "▲"
CURRENT: Final = "►"
WAITING: Final = "…"
PENDING: Final = "○"
STOPPED: Final = "■"
BULLET: Final = "•"
ABSENT: Final = "—"

CHECK: Final[dict[CheckStatus, tuple[str, Color]]] = {
    "pass": (DONE, "good"),
    "warn": (WARNING, "warning"),
    "fail": (FAILED, "attention"),
}

STEP: Final[dict[StepStatus, tuple[str, Color]]] = {
    "pending": (PENDING, "default"),
    "running": (CURRENT, "accent"),
    "waiting": (WAITING, "accent"),
    "done": (DONE, "good"),
    "failed": (FAILED, "attention"),
}

RUN: Final[dict[str, tuple[str, Color]]] = {
    "pending": (PENDING, "default"),
    "running": (CURRENT, "accent"),
    "waiting": (WAITING, "accent"),
    "succeeded": (DONE, "good"),
    "failed": (FAILED, "attention"),
    "cancelled": (STOPPED, "warning"),
}

TONE: Final[dict[str, Color]] = {
    "info": "accent",
    "good": "good",
    "warning": "warning",
    "attention": "attention",
}

# A synced user's status (SPEC step 4): activated by us, waiting for a number, without the
# licence, or set up by another provider (shown, never touched).
USER: Final[dict[str, tuple[str, Color]]] = {
    "active": (DONE, "good"),
    "inactive": (PENDING, "default"),
    "unlicensed": (ABSENT, "default"),
    "other": (STOPPED, "warning"),
}

# A customer tenant in the provider's view: connected, under way, waiting, failed, being
# removed, disconnected, or signed in and no more.
CUSTOMER: Final[dict[str, tuple[str, Color]]] = {
    "connected": (DONE, "good"),
    "integrating": (CURRENT, "accent"),
    "waiting": (WAITING, "accent"),
    "failed": (FAILED, "attention"),
    "removing": (STOPPED, "warning"),
    "disconnected": (ABSENT, "default"),
    "new": (PENDING, "default"),
}
