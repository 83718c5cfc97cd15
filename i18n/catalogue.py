"""The message catalogues: gettext ``.po`` files under ``i18n/locales/<language>/LC_MESSAGES``,
read with Babel, keyed by the English templates that ``t``, ``tn`` and ``N_`` mark."""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
# ``{name}``, tolerating a conversion or format spec; ``{{`` is a literal brace.
_FIELD = re.compile(r"(?<!\{)\{(\w+)(?:![rsa])?(?::[^{}]*)?\}")
_SAID_CACHE = 4096


@dataclass(frozen=True)
class _Template:
    """A template with placeholders, as a pattern that recognises texts made from it."""

    singular: str
    plural: str | None
    pattern: re.Pattern[str]
    clue: str  # its longest literal part: a text without it cannot come from it
    literal: int  # how many of its characters are words, not placeholders


class Catalogue:
    """One language's translations (English: the templates themselves)."""

    def __init__(
        self, language: str, translations: gettext.NullTranslations, known: Iterable[_Key]
    ) -> None:
        self.language = language
        self._translations = translations
        self._exact: set[str] = set()
        templates: list[_Template] = []
        for key in known:
            singular, plural = key if isinstance(key, tuple) else (key, None)
            self._exact.add(singular)
            for form in (singular, plural):
                if form is not None and _FIELD.search(form):
                    templates.append(_template(singular, plural, form))
        # Most specific first, so that a template of few words never claims the text of one that
        # says more (``The {what} '{name}' …`` must not take ``The dial plan '{name}' …``).
        templates.sort(key=lambda template: -template.literal)
        self._templates = tuple(templates)
        self.say = functools.lru_cache(maxsize=_SAID_CACHE)(self._say)

    def gettext(self, message: str) -> str:
        """``message`` in this language (unchanged where the catalogue lacks it)."""
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form for ``n`` in this language."""
        return self._translations.ngettext(singular, plural, n)

    def _say(self, text: str) -> str:
        """An English text made earlier, in this language: a catalogue entry as it is, or a
        text recognised as a template filled in, translated with the same arguments."""
        if self.language == SOURCE_LANGUAGE or not text:
            return text
        if text in self._exact:
            return self.gettext(text)
        for template in self._templates:
            if template.clue not in text:
                continue
            found = template.pattern.fullmatch(text)
            if found is not None:
                return self._fill(template, found.groupdict())
        return text

    def _fill(self, template: _Template, values: Mapping[str, str]) -> str:
        # An argument may itself be a text of ours (a title, a reason); Microsoft's words and
        # names are recognised as nothing and stay as they are.
        args: dict[str, object] = {name: self.say(value) for name, value in values.items()}
        if template.plural is None:
            return self.gettext(template.singular).format(**args)
        n = values.get("n", "")
        count = int(n) if n.isdigit() else 1
        return self.ngettext(template.singular, template.plural, count).format(**{**args, "n": n})


_Key = str | tuple[str, str]


def _key(message_id: str | tuple[str, ...] | list[str]) -> _Key:
    return message_id if isinstance(message_id, str) else (message_id[0], message_id[1])


def _template(singular: str, plural: str | None, form: str) -> _Template:
    parts: list[str] = []
    literals: list[str] = []
    seen: set[str] = set()
    position = 0
    for field in _FIELD.finditer(form):
        literal = form[position : field.start()].replace("{{", "{").replace("}}", "}")
        parts.append(re.escape(literal))
        literals.append(literal)
        name = field.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        position = field.end()
    tail = form[position:].replace("{{", "{").replace("}}", "}")
    parts.append(re.escape(tail))
    literals.append(tail)
    return _Template(
        singular,
        plural,
        re.compile("".join(parts), re.DOTALL),
        max(literals, key=len),
        sum(map(len, literals)),
    )


ENGLISH = Catalogue(SOURCE_LANGUAGE, gettext.NullTranslations(), ())


def po_path(language: str) -> Path:
    """Where the catalogue of ``language`` is kept."""
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages the bot speaks: English and every language with a catalogue (looked up
    once: catalogues ship with the code)."""
    found = sorted(path.parent.parent.name for path in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANGUAGE, *found)


def read_catalog(language: str) -> Catalog:
    """The ``.po`` catalogue of ``language``, as Babel reads it."""
    with po_path(language).open("rb") as source:
        return read_po(source, locale=language, domain=DOMAIN)


def language_of(*locales: str | None) -> str:
    """The language to answer in for ``locales``, most preferred first (Teams' ``de-DE``, a
    browser's ``de``): the best of ours by Babel's negotiation, English when none fits."""
    wanted = [locale.replace("_", "-") for locale in locales if locale]
    if not wanted:
        return SOURCE_LANGUAGE
    chosen = Locale.negotiate(wanted, languages(), sep="-")
    return chosen.language if chosen is not None else SOURCE_LANGUAGE


@functools.cache
def _catalogue(language: str) -> Catalogue:
    if language == SOURCE_LANGUAGE:
        return ENGLISH
    return compiled(read_catalog(language))


def compiled(catalog: Catalog) -> Catalogue:
    """A Babel catalogue, ready to translate with."""
    language = catalog.locale.language if catalog.locale else SOURCE_LANGUAGE
    compiled = BytesIO()
    # Untranslated and fuzzy entries are left out: they fall back to English.
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    known = [_key(message.id) for message in catalog if message.id and message.string]
    return Catalogue(language, Translations(compiled, domain=DOMAIN), known)


def catalogue_for(*locales: str | None) -> Catalogue:
    """The catalogue to speak to someone who prefers ``locales`` (most preferred first)."""
    return _catalogue(language_of(*locales))


def accepted_locales(header: str | None) -> list[str]:
    """A browser's ``Accept-Language``, most preferred first (RFC 9110 §12.5.4 weights)."""
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, parameters = item.strip().partition(";")
        weight = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                weight = float(value)
            except ValueError:
                continue
        if tag and tag != "*" and weight > 0:
            weighted.append((-weight, position, tag))
    return [tag for _, _, tag in sorted(weighted)]
