"""Stopping the child processes tests start (as the demo stops its own)."""

from __future__ import annotations

from demo.sandbox_process import stop

__all__ = ["stop"]
