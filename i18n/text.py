"""Marking a text for translation where it is written, and saying it in the active language.

``t("The record is on {seen} of {total} name servers", seen=2, total=3)`` is that text in the
language of the admin being answered (``i18n.language.speaking``), English when none is set or
the catalogue lacks it. Babel extracts the templates from the calls to ``t``, ``tn`` and ``N_``
(``tools/catalogue.py``); the catalogues are keyed by the English template.
"""

from __future__ import annotations

from babel.numbers import format_decimal

from i18n.language import active


def t(template: str, /, **args: object) -> str:
    """``template`` in the active language, filled in with ``args`` (``str.format``)."""
    said = active().gettext(template)
    return said.format(**args) if args else said


def tn(singular: str, plural: str, /, n: int, **args: object) -> str:
    """The form for ``n`` (``{n}`` in the templates) in the active language, filled in; each
    language chooses its form by its own plural rules."""
    return active().ngettext(singular, plural, n).format(n=n, **args)


def N_(template: str, /) -> str:  # noqa: N802 - gettext's name for marking without translating
    """``template`` unchanged, marked for the catalogues: for texts written before a language is
    known (module constants, what the engine stores), said later with ``say``."""
    return template


def say(text: str) -> str:
    """An English text made earlier (a constant, or a ``t`` text the engine stored) in the
    active language; unchanged when the catalogue does not know it."""
    return active().say(text)


def number(value: float, decimals: int = 0) -> str:
    """``value`` as the active language writes numbers (``100,000`` / ``100.000``, ``0.1`` /
    ``0,1``), with up to ``decimals`` digits after the point."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=active().language)
