"""The outside systems the engine talks to, each behind a small Protocol (DESIGN.md: ports)."""
