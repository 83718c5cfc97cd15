"""What every log line says it is about: the run and the tenant (and the conversation in the
bot), carried in context variables so that each asyncio task has its own and no call has to
pass them on."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_FIELDS = ("run_id", "tenant_id", "conversation")
_current: dict[str, ContextVar[str]] = {name: ContextVar(name, default="") for name in _FIELDS}


@contextmanager
def about(**fields: str) -> Iterator[None]:
    """Within the block (and the tasks it starts), log lines carry ``fields``."""
    unknown = set(fields) - set(_FIELDS)
    if unknown:
        raise ValueError(f"log lines do not carry {sorted(unknown)}")
    tokens = [(_current[name], _current[name].set(value)) for name, value in fields.items()]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


class ContextFilter(logging.Filter):
    """Puts the current run, tenant and conversation on each record (empty when none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keeps the record; only adds to it."""
        for name, var in _current.items():
            if not hasattr(record, name):
                setattr(record, name, var.get())
        return True
