"""The zip an admin uploads: its files, its name and its bytes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from manifest import PackageOptions, build_manifest, build_package, package_name


def test_the_zip_holds_exactly_the_manifest_two_icons_and_the_german_strings(
    options: PackageOptions, tmp_path: Path
) -> None:
    """manifest.json, color.png, outline.png and de.json, at the zip's root and nothing else."""
    with zipfile.ZipFile(build_package(options, tmp_path)) as archive:
        names = sorted(archive.namelist())
    assert names == ["color.png", "de.json", "manifest.json", "outline.png"]


def test_the_zipped_manifest_is_the_built_one(options: PackageOptions, tmp_path: Path) -> None:
    """manifest.json in the zip is ``build_manifest`` as UTF-8 JSON without a byte-order mark."""
    with zipfile.ZipFile(build_package(options, tmp_path)) as archive:
        data = archive.read("manifest.json")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert json.loads(data.decode()) == build_manifest(options)


def test_the_icons_the_manifest_names_are_in_the_zip(
    options: PackageOptions, tmp_path: Path
) -> None:
    """Both icon paths of the manifest are files of the package."""
    icons = build_manifest(options)["icons"]
    with zipfile.ZipFile(build_package(options, tmp_path)) as archive:
        assert {icons["color"], icons["outline"]} <= set(archive.namelist())


def test_the_zip_is_named_after_the_app_and_version(
    options: PackageOptions, tmp_path: Path
) -> None:
    """``<out>/<short name as a slug>-<version>.zip``."""
    assert build_package(options, tmp_path) == tmp_path / "direct-routing-1.4.0.zip"
    assert package_name(options) == "direct-routing-1.4.0.zip"


def test_the_output_folder_is_made_when_missing(options: PackageOptions, tmp_path: Path) -> None:
    """A fresh ``out`` path works, and nothing but the zip is left in it."""
    out = tmp_path / "build" / "teams"
    path = build_package(options, out)
    assert list(out.iterdir()) == [path]


def test_a_rebuild_gives_the_same_bytes(options: PackageOptions, tmp_path: Path) -> None:
    """Same options, same package: no timestamps or build-machine details inside."""
    first = build_package(options, tmp_path / "a").read_bytes()
    second = build_package(options, tmp_path / "b").read_bytes()
    assert first == second


def test_a_rebuild_replaces_the_old_zip(options: PackageOptions, tmp_path: Path) -> None:
    """Building into a folder that holds the package already overwrites it."""
    (tmp_path / package_name(options)).write_bytes(b"stale")
    with zipfile.ZipFile(build_package(options, tmp_path)) as archive:
        assert archive.testzip() is None
