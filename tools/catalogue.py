"""The message catalogues kept in step with the code.

Babel extracts every template marked with ``t``, ``tn`` or ``N_`` from the product's packages.
``python tools/catalogue.py`` brings each language's ``.po`` up to date with them (new templates
added untranslated, templates gone from the code dropped, translations kept) and prints what is
still untranslated; ``--check`` only reports; ``--merge FILE.json`` takes translations from a
JSON object (template -> text; for a plural, ``singular\\0plural`` -> [forms]).
``tests/i18n/test_catalogues.py`` fails while a language misses a template or a translation
differs from its template in placeholders.
"""

from __future__ import annotations

import argparse
import json
import string
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from i18n.catalogue import DOMAIN, languages, po_path, read_catalog

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "cards", "manifest", "provisioning")
PROJECT = "teams-direct-routing-bot"
KEYWORDS: dict[str, tuple[int, ...] | None] = {"t": None, "tn": (1, 2), "N_": None}
MessageId = str | tuple[str, str]


def extracted() -> Catalog:
    """Every template the code marks, with where it is used."""
    template = Catalog(domain=DOMAIN, project=PROJECT, fuzzy=False)
    for package in PACKAGES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / package,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        ):
            template.add(
                message,
                locations=[(f"{package}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def placeholders(text: str) -> set[str]:
    """The named fields of a ``str.format`` template."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class Problem:
    """Something that keeps a catalogue from saying a template of the code."""

    kind: str  # untranslated | placeholders | stale
    language: str
    template: str
    translation: str = ""

    def __str__(self) -> str:
        said = f" -> {self.translation!r}" if self.translation else ""
        return f"{self.language}: {self.kind}: {self.template!r}{said}"


def problems(language: str) -> Iterator[Problem]:
    """What keeps ``language``'s catalogue from saying every template of the code."""
    wanted = extracted()
    have = read_catalog(language)
    for message in wanted:
        if not message.id:
            continue
        entry = have.get(message.id)
        forms = _forms(entry)
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        if entry is None or entry.fuzzy or not forms or not all(forms):
            yield Problem("untranslated", language, ids[0])
            continue
        expected = set().union(*(placeholders(form) for form in ids))
        for form in forms:
            # A plural form may leave out {n} ("one user"), never add or rename a field.
            if placeholders(form) - expected or expected - placeholders(form) - {"n"}:
                yield Problem("placeholders", language, ids[0], form)
    for entry in have:
        if entry.id and wanted.get(entry.id) is None:
            yield Problem("stale", language, _first(entry.id))


def update(language: str, merge: dict[MessageId, str | list[str]]) -> None:
    """Bring ``language``'s catalogue in line with the code, taking translations from ``merge``."""
    have = read_catalog(language)
    created, revised = have.creation_date, have.revision_date
    have.update(extracted(), no_fuzzy_matching=True, update_header_comment=False)
    for message in have:
        if message.id and message.id in merge:
            found = merge[message.id]
            message.string = found if isinstance(found, str) else tuple(found)
            message.flags.discard("fuzzy")
    have.obsolete.clear()
    # The header changes only when translations do, so a rerun leaves the file as it was.
    have.project, have.version = PROJECT, metadata.version(PROJECT)
    have.msgid_bugs_address = ""
    have.creation_date = created
    have.revision_date = datetime.now(UTC) if merge else revised
    with po_path(language).open("wb") as target:
        write_po(target, have, width=100, sort_output=False, include_previous=False)


def _forms(entry: Message | None) -> list[str]:
    if entry is None:
        return []
    if isinstance(entry.string, str):
        return [entry.string]
    return list(entry.string or ())


def _first(message_id: str | tuple[str, ...] | list[str]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _read_merge(paths: list[Path]) -> dict[MessageId, str | list[str]]:
    found: dict[MessageId, str | list[str]] = {}
    for path in paths:
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            singular, _, plural = key.partition("\0")
            found[(singular, plural) if plural else singular] = value
    return found


def main() -> int:
    """Update (or with ``--check`` only check) every language's catalogue."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report only; exit 1 on problems")
    parser.add_argument("--merge", type=Path, action="append", default=[], help="JSON drafts")
    options = parser.parse_args()
    merge = _read_merge(options.merge)
    found: list[Problem] = []
    for language in languages()[1:]:
        if not options.check:
            update(language, merge)
        found += problems(language)
    print("\n".join(map(str, found)) or "every template is translated")
    return 1 if found and options.check else 0


if __name__ == "__main__":
    sys.exit(main())
