"""Which language the bot speaks in the current turn (a context variable: each turn, thread and
task that a turn starts speaks the admin's language; everything else speaks English)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from i18n.catalogue import ENGLISH, Catalogue, catalogue_for

_active: ContextVar[Catalogue] = ContextVar("i18n_language", default=ENGLISH)


def active() -> Catalogue:
    """The catalogue of the language being spoken."""
    return _active.get()


@contextmanager
def speaking(*locales: str | None) -> Iterator[Catalogue]:
    """Speak the language of ``locales`` (Teams' ``de-DE``, a browser's ``de``; most preferred
    first) inside the block, where a translation exists; English otherwise."""
    token = _active.set(catalogue_for(*locales))
    try:
        yield _active.get()
    finally:
        _active.reset(token)
