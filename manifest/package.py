"""The Teams app package: a zip of ``manifest.json`` and the two icons, written to a folder."""

from __future__ import annotations

import json
import os
import re
import tempfile
import zipfile
from pathlib import Path

from manifest.document import COLOR_ICON, LOCALIZATION_SCHEMA_URL, OUTLINE_ICON, build_manifest
from manifest.icons import color_icon, outline_icon
from manifest.localization import file_name, localization_file, translated_languages
from manifest.options import PackageOptions

# Zip entries carry a time and the system that made them; fixing both makes a package depend
# only on its options, so a rebuild of the same version is byte for byte the same upload.
_EPOCH = (1980, 1, 1, 0, 0, 0)
_UNIX = 3
_READABLE = 0o100644 << 16


def package_contents(options: PackageOptions) -> dict[str, bytes]:
    """The package's files by name: Teams wants them at the root of the zip."""
    contents = {
        "manifest.json": _json(build_manifest(options)),
        COLOR_ICON: color_icon(options.accent_color),
        OUTLINE_ICON: outline_icon(),
    }
    for language in translated_languages():
        strings = localization_file(options, language, LOCALIZATION_SCHEMA_URL)
        contents[file_name(language)] = _json(strings)
    return contents


def _json(document: dict[str, object]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def package_name(options: PackageOptions) -> str:
    """The zip's file name: the app's short name as a slug, and its version."""
    slug = re.sub(r"[^a-z0-9]+", "-", options.bot_name.lower()).strip("-") or "teams-app"
    return f"{slug}-{options.version}.zip"


def build_package(options: PackageOptions, out: Path) -> Path:
    """Write the app package into the folder ``out`` (made if missing); return the zip's path."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / package_name(options)
    descriptor, temporary = tempfile.mkstemp(dir=out, prefix=".", suffix=".zip.part")
    try:
        with os.fdopen(descriptor, "wb") as file, zipfile.ZipFile(file, "w") as archive:
            for name, data in package_contents(options).items():
                entry = zipfile.ZipInfo(name, date_time=_EPOCH)
                entry.create_system = _UNIX
                entry.external_attr = _READABLE
                entry.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(entry, data)
        # A reader never sees half a package, even when an older one is being replaced.
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
