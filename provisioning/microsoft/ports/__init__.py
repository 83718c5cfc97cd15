"""The outside systems, each behind a small Protocol in domain terms (DESIGN.md: ports)."""
