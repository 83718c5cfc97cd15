"""The manifest against Microsoft's schema from npm @microsoft/app-manifest, offline."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from manifest import SCHEMA_URL, SCHEMA_VERSION, PackageOptions, build_manifest
from tests.manifest.schema import (
    NPM_FOLDER,
    PACKAGE,
    TEAMS_SCHEMAS,
    microsoft_errors,
    schema_errors,
    schema_file,
)


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.removeprefix("v").split("."))


Breakage = Callable[[dict[str, Any]], dict[str, Any]]


def _without_bot_id(manifest: dict[str, Any]) -> dict[str, Any]:
    broken = copy.deepcopy(manifest)
    del broken["bots"][0]["botId"]
    return broken


def _with_long_title(manifest: dict[str, Any]) -> dict[str, Any]:
    broken = copy.deepcopy(manifest)
    broken["bots"][0]["commandLists"][0]["commands"][0]["title"] = "x" * 129
    return broken


def test_the_manifest_uses_the_newest_schema_the_npm_package_ships() -> None:
    """Every bundled v1.x schema is at or below the one the manifest names."""
    shipped = [p.name for p in TEAMS_SCHEMAS.iterdir() if re.fullmatch(r"v1\.\d+", p.name)]
    assert max(shipped, key=_version) == f"v{SCHEMA_VERSION}"


def test_the_schema_url_names_the_bundled_file() -> None:
    """``$schema`` maps to the package's copy, which declares the same manifestVersion."""
    path = schema_file(SCHEMA_URL)
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert path.relative_to(TEAMS_SCHEMAS).parts == (
        f"v{SCHEMA_VERSION}",
        "MicrosoftTeams.schema.json",
    )
    assert schema["properties"]["manifestVersion"]["const"] == SCHEMA_VERSION


def test_the_npm_package_is_the_locked_version() -> None:
    """``npm ci`` installed the version package-lock.json pins."""
    lock = json.loads((NPM_FOLDER / "package-lock.json").read_text(encoding="utf-8"))
    locked = lock["packages"]["node_modules/@microsoft/app-manifest"]["version"]
    installed = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))
    assert installed["version"] == locked


def test_the_manifest_is_valid(options: PackageOptions) -> None:
    """The built manifest passes the schema with no error."""
    assert schema_errors(build_manifest(options)) == []


def test_a_manifest_without_sync_commands_is_valid(options: PackageOptions) -> None:
    """The package built before user sync ships passes the schema too."""
    without_sync = dataclasses.replace(options, include_user_sync=False)
    assert schema_errors(build_manifest(without_sync)) == []


def test_a_missing_bot_id_fails_the_schema(options: PackageOptions) -> None:
    """The validation can fail: a bot without its id is refused."""
    errors = schema_errors(_without_bot_id(build_manifest(options)))
    assert errors == ["$.bots[0]: 'botId' is a required property"]


def test_a_command_title_over_the_schema_limit_fails_the_schema(options: PackageOptions) -> None:
    """A 129-character command title is refused (v1.30 allows 128)."""
    errors = schema_errors(_with_long_title(build_manifest(options)))
    assert len(errors) == 1
    assert errors[0].startswith("$.bots[0].commandLists[0].commands[0].title: ")
    assert "is too long" in errors[0]


def test_a_wrong_manifest_version_fails_the_schema(options: PackageOptions) -> None:
    """``const`` is enforced although the schema says draft-04, as Microsoft's validator does."""
    manifest = build_manifest(options) | {"manifestVersion": "1.29"}
    assert schema_errors(manifest) == ["$.manifestVersion: '1.30' was expected"]


def test_an_unknown_property_fails_the_schema(options: PackageOptions) -> None:
    """The schema refuses properties it does not define (a misspelt field is not ignored)."""
    manifest = build_manifest(options)
    manifest["bots"][0]["supportFiles"] = True
    assert len(schema_errors(manifest)) == 1


def test_microsoft_validator_accepts_the_manifest(options: PackageOptions) -> None:
    """The npm package's own validator (AJV, offline) finds nothing wrong either."""
    assert microsoft_errors(build_manifest(options)) == []


@pytest.mark.parametrize("breakage", [_without_bot_id, _with_long_title])
def test_microsoft_validator_refuses_what_the_schema_check_refuses(
    options: PackageOptions, breakage: Breakage
) -> None:
    """Both validators agree on a broken manifest."""
    broken = breakage(build_manifest(options))
    assert schema_errors(broken)
    assert microsoft_errors(broken)
