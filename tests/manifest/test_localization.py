"""The app's words in German: de.json in the package, named by the manifest, valid against
Microsoft's localization schema, with the command menu's descriptions translated and the
command words unchanged (the bot reads them as typed)."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path
from typing import Any

from manifest import PackageOptions, build_manifest, build_package
from tests.manifest.schema import schema_errors


def _german(options: PackageOptions, tmp_path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(build_package(options, tmp_path)) as archive:
        strings: dict[str, Any] = json.loads(archive.read("de.json").decode())
    return strings


def test_the_manifest_names_the_german_file_and_english_as_its_own_language(
    options: PackageOptions,
) -> None:
    assert build_manifest(options)["localizationInfo"] == {
        "defaultLanguageTag": "en-us",
        "additionalLanguages": [{"languageTag": "de", "file": "de.json"}],
    }


def test_the_german_file_is_valid_by_microsofts_localization_schema(
    options: PackageOptions, tmp_path: Path
) -> None:
    german = _german(options, tmp_path)

    assert german["$schema"].endswith("/MicrosoftTeams.Localization.schema.json")
    # Checked with jsonschema only: Microsoft's AJV validator cannot compile this schema (its
    # activityTypes patterns hold "\b]", a lone bracket in AJV's unicode mode).
    assert schema_errors(german) == []


def test_the_german_descriptions_are_german(options: PackageOptions, tmp_path: Path) -> None:
    german = _german(options, tmp_path)
    english = build_manifest(options)

    assert german["description.short"] != english["description"]["short"]
    assert german["description.full"] != english["description"]["full"]
    assert "Direct Routing" in german["description.short"]


def test_every_listed_command_has_a_german_description(
    options: PackageOptions, tmp_path: Path
) -> None:
    german = _german(options, tmp_path)
    lists = build_manifest(options)["bots"][0]["commandLists"]

    for index, listed in enumerate(lists):
        for position, command in enumerate(listed["commands"]):
            key = f"bots[0].commandLists[{index}].commands[{position}].description"
            assert german[key], key
            assert german[key] != command["description"], key


def test_command_words_are_not_translated(options: PackageOptions, tmp_path: Path) -> None:
    german = _german(options, tmp_path)

    assert not [key for key in german if key.endswith(".title")]


def test_an_operators_own_description_is_used_as_given(
    options: PackageOptions, tmp_path: Path
) -> None:
    own = dataclasses.replace(options, short_description="Telefonie von Contoso")

    assert _german(own, tmp_path)["description.short"] == "Telefonie von Contoso"
