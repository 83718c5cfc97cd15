"""Marking a text for translation where it is written.

``t("The record is on {seen} of {total} name servers", seen=2, total=3)`` is the English text,
filled in, as a plain ``str`` to everything that reads it; it also remembers its template and
arguments, so that whoever shows it to an admin can say it in the admin's language (the
catalogues are keyed by the template). Babel extracts the templates from the calls to ``t`` and
``tn`` (``tools/catalogue.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Text(str):
    """English text that remembers the template and arguments it was made from."""

    template: str
    plural: str | None
    args: Mapping[str, object]

    def __new__(
        cls,
        english: str,
        template: str,
        args: Mapping[str, object],
        plural: str | None = None,
    ) -> Text:
        text = super().__new__(cls, english)
        text.template, text.args, text.plural = template, args, plural
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text, (str(self), self.template, dict(self.args), self.plural))


def t(template: str, /, **args: object) -> str:
    """``template`` filled in with ``args`` (``str.format``), marked for translation."""
    return Text(template.format(**args) if args else template, template, args)


def tn(singular: str, plural: str, /, n: int, **args: object) -> str:
    """The singular or plural form for ``n`` (available to the template as ``{n}``), marked for
    translation; languages with other plural rules choose their own form."""
    args = {"n": n, **args}
    english = (singular if n == 1 else plural).format(**args)
    return Text(english, singular, args, plural)
