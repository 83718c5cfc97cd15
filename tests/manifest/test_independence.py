"""manifest/ is a package of its own: plain values in, nothing else of the product imported but
the translations (its German strings come from the bot's own catalogues)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import manifest


def _imports() -> set[str]:
    imported: set[str] = set()
    for path in Path(manifest.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    return imported


def test_the_manifest_package_imports_only_itself_the_translations_and_the_standard_library() -> (
    None
):
    """No bot, provisioning or sandbox, and no third-party package but the translations'."""
    assert _imports() - {"manifest", "i18n"} <= sys.stdlib_module_names
