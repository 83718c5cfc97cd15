"""``docs/settings.md`` is what ``tools/settings_reference.py`` renders now, and it names every
setting of every settings class in the product (found here by reading the packages' source)."""

from __future__ import annotations

import ast
import difflib
import importlib

import pytest
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from tools.settings_reference import (
    COMMAND,
    OUTPUT,
    PACKAGES,
    ROOT,
    SKIPPED,
    env_name,
    render,
    section,
    settings_classes,
)


def _classes_in_source() -> list[type[BaseSettings]]:
    """Every settings class defined at the top of a product module, by walking the files."""
    found: list[type[BaseSettings]] = []
    for package in PACKAGES:
        single = ROOT / f"{package}.py"
        paths = [single] if single.exists() else sorted((ROOT / package).rglob("*.py"))
        for path in paths:
            parts = path.relative_to(ROOT).with_suffix("").parts
            if SKIPPED & set(parts):
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            names = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
            if not names:
                continue
            dotted = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            module = importlib.import_module(dotted)
            for name in names:
                value = getattr(module, name, None)
                if isinstance(value, type) and issubclass(value, BaseSettings):
                    found.append(value)
    return found


def test_the_reference_is_what_the_generator_renders() -> None:
    """The page cannot drift from the code: any change to a setting shows up here."""
    written = OUTPUT.read_text() if OUTPUT.exists() else ""
    rendered = render()
    if written != rendered:
        diff = "".join(
            list(
                difflib.unified_diff(
                    written.splitlines(keepends=True),
                    rendered.splitlines(keepends=True),
                    "docs/settings.md",
                    "rendered",
                )
            )[:60]
        )
        pytest.fail(f"docs/settings.md is out of date: run `{COMMAND}`.\n{diff}")


def test_every_setting_of_every_settings_class_is_in_the_reference() -> None:
    """Each class found in the source has its section and a row for each of its variables,
    and the generator documents exactly these classes."""
    classes = _classes_in_source()
    assert classes, "no settings class found: the walk over the packages is broken"
    page = OUTPUT.read_text()
    missing = [
        f"{cls.__name__}.{name} ({env_name(cls, name, field)})"
        for cls in classes
        for name, field in cls.model_fields.items()
        if f"| `{env_name(cls, name, field)}` |" not in page
    ]
    assert not missing, f"not in docs/settings.md (run `{COMMAND}`): {', '.join(missing)}"
    undocumented = [c.__name__ for c in classes if f"`{c.__name__}` in `" not in page]
    assert not undocumented, f"no section for {', '.join(undocumented)}: run `{COMMAND}`"
    assert {f"{c.__module__}.{c.__qualname__}" for c in settings_classes()} == {
        f"{c.__module__}.{c.__qualname__}" for c in classes
    }


class _Example(BaseSettings):
    """An example."""

    model_config = SettingsConfigDict(populate_by_name=True)

    # The comment right above a field describes it.
    commented: int = Field(5, alias="EXAMPLE_COMMENTED")
    described: float = Field(0.5, alias="EXAMPLE_DESCRIBED", description="Its own words.")
    # A secret's default never shows.
    secret: SecretStr = Field(SecretStr("hunter2"), alias="EXAMPLE_SECRET")

    uncommented: str = Field(alias="EXAMPLE_REQUIRED")
    listed: dict[str, list[str]] = Field(default_factory=lambda: {"a": ["b"]}, alias="EX_LIST")


def test_rows_take_their_words_from_the_source() -> None:
    """``description=`` first, then the comment right above; secrets and required marked."""
    rows = {s.env: s for s in section(_Example, 2).settings}
    assert rows["EXAMPLE_COMMENTED"].description == "The comment right above a field describes it."
    assert rows["EXAMPLE_COMMENTED"].default == "`5`"
    assert rows["EXAMPLE_DESCRIBED"].description == "Its own words."
    assert rows["EXAMPLE_SECRET"].default == "(secret)"
    assert rows["EXAMPLE_REQUIRED"].default == "required"
    assert rows["EXAMPLE_REQUIRED"].description == ""
    assert rows["EX_LIST"].type == "JSON `dict[str, list[str]]`"
    assert rows["EX_LIST"].default == '`{"a": ["b"]}`'
