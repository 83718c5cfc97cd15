"""Microsoft's manifest schema, from npm @microsoft/app-manifest in ``schema/`` (``npm ci``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft4Validator, Draft7Validator, validators
from jsonschema.protocols import Validator

from manifest.document import SCHEMA_URL

NPM_FOLDER = Path(__file__).parent / "schema"
PACKAGE = NPM_FOLDER / "node_modules" / "@microsoft" / "app-manifest"
TEAMS_SCHEMAS = PACKAGE / "build" / "json-schemas" / "teams"
_MICROSOFT = "https://developer.microsoft.com/"

# The schemas say draft-04 but use ``const`` and ``if``/``then``, which Microsoft's own validator
# (AJV's draft-04 flavour, in the same npm package) enforces; a plain Draft4Validator would skip
# them and let a wrong manifestVersion through.
_TeamsValidator = cast(
    "type[Validator]",
    # The stubs leave extend() unannotated; it returns a validator class like Draft4Validator.
    validators.extend(  # type: ignore[no-untyped-call]
        Draft4Validator,
        {keyword: Draft7Validator.VALIDATORS[keyword] for keyword in ("const", "if")},
    ),
)


def schema_file(url: str = SCHEMA_URL) -> Path:
    """The bundled file for a schema URL, found the way the npm package finds it."""
    if not url.startswith(_MICROSOFT):
        raise ValueError(f"{url} is not one of Microsoft's schema URLs")
    path = PACKAGE / "build" / url.removeprefix(_MICROSOFT)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: run `npm ci --prefix tests/manifest/schema` (make setup)"
        )
    return path


@cache
def _validator(url: str) -> Validator:
    schema = json.loads(schema_file(url).read_text(encoding="utf-8"))
    # The schema itself must be sound. Checked without a format checker because one pattern
    # (Office add-in function names) uses \p{L}, which Python's re lacks; a manifest that ever
    # reached that pattern would raise, not pass.
    meta = _TeamsValidator(_TeamsValidator.META_SCHEMA)
    unsound = [error.message for error in meta.iter_errors(schema)]
    if unsound:
        raise ValueError(f"{url} is not a sound draft-04 schema: {unsound}")
    validator: Validator = _TeamsValidator(schema)
    return validator


def schema_errors(manifest: dict[str, Any]) -> list[str]:
    """What the schema named by the manifest's ``$schema`` says is wrong with it (none: valid)."""
    errors = _validator(manifest["$schema"]).iter_errors(manifest)
    return sorted(f"{error.json_path}: {error.message}" for error in errors)


def microsoft_errors(manifest: dict[str, Any]) -> list[str]:
    """What Microsoft's validator in the npm package says, run with node."""
    node = shutil.which("node")
    assert node is not None, "node is needed to run Microsoft's validator"
    result = subprocess.run(
        [node, str(NPM_FOLDER / "validate.js")],
        input=json.dumps(manifest),
        capture_output=True,
        text=True,
        cwd=NPM_FOLDER,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    errors: list[str] = json.loads(result.stdout)
    return errors
