"""The package rules of DESIGN.md, checked on the code itself."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("bot", "cards", "i18n", "provisioning", "storage")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules(*packages: str) -> list[Path]:
    return [p for pkg in packages for p in (ROOT / pkg).rglob("*.py")]


def test_import_linter_contracts_hold() -> None:
    """Every contract in ``pyproject.toml`` (layers, sandbox independence, botbuilder)."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 11 kept, 0 broken." in result.stdout


def test_the_sandbox_shares_no_code_with_the_product() -> None:
    """DESIGN.md: a shared mistake would pass every test."""
    for path in _modules("sandbox"):
        assert not _imports(path) & set(PRODUCT), path
    for path in _modules(*PRODUCT):
        assert "sandbox" not in _imports(path), path


def test_botbuilder_is_imported_by_bot_teams_alone() -> None:
    """DESIGN.md: the SDK swap must stay a one-module change."""
    importers = [
        p for p in _modules(*PRODUCT, "sandbox") if _imports(p) & {"botbuilder", "botframework"}
    ]
    assert importers == [ROOT / "bot" / "teams.py"]
