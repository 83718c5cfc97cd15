"""The app's words in the other languages the bot speaks: one ``<language>.json`` per language
in the package, named by the manifest's ``localizationInfo`` (Microsoft Learn, "Localize your
app": Teams shows the strings of the file matching the client's language, else the manifest's).

The strings come from the bot's own catalogues (``i18n``). Command titles are left alone: the
menu puts a title into the compose box and the bot reads the word, so it is the same in every
language; their descriptions are translated. An operator's own name or description is theirs
and is used as given.
"""

from __future__ import annotations

from typing import Any

from i18n.catalogue import languages
from i18n.language import speaking
from i18n.text import say
from manifest.commands import PREFERENCE, listed
from manifest.options import PackageOptions
from manifest.texts import SHORT_DESCRIPTION, full_description

DEFAULT_LANGUAGE_TAG = "en-us"


def translated_languages() -> tuple[str, ...]:
    """The languages with a file of their own (English is the manifest itself)."""
    return languages()[1:]


def localization_info() -> dict[str, Any]:
    """The manifest's ``localizationInfo``."""
    return {
        "defaultLanguageTag": DEFAULT_LANGUAGE_TAG,
        "additionalLanguages": [
            {"languageTag": language, "file": file_name(language)}
            for language in translated_languages()
        ],
    }


def file_name(language: str) -> str:
    """The package entry holding ``language``'s strings."""
    return f"{language}.json"


def localization_file(options: PackageOptions, language: str, schema_url: str) -> dict[str, Any]:
    """The strings of the app in ``language``, keyed as the localization schema asks."""
    with speaking(language):
        strings: dict[str, Any] = {
            "$schema": schema_url,
            "name.short": options.bot_name,
            "name.full": options.full_name or options.bot_name,
            "description.short": options.short_description or say(SHORT_DESCRIPTION),
            "description.full": options.full_description
            or full_description(options.include_user_sync),
        }
        for index, scope in enumerate(PREFERENCE):
            for position, command in enumerate(listed(scope, options.include_user_sync)):
                key = f"bots[0].commandLists[{index}].commands[{position}].description"
                strings[key] = say(command.description)
    return strings
