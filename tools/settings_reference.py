"""The settings reference, ``docs/settings.md``, rendered from the settings classes themselves.

Every setting is a field of a pydantic-settings class somewhere in the product; its alias is the
environment variable. This module finds the classes by walking the product's packages, and
renders one section per class: variable, type, default and what it does. The description is the
field's ``description=``, else the comment lines right above the field in the source, else a note
kept here (``NOTES``) for fields whose source says nothing.

``python tools/settings_reference.py`` writes the page; ``--check`` only says whether it is up
to date. ``tests/test_settings_reference.py`` fails while the page and the code differ.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import json
import pkgutil
import re
import sys
import textwrap
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretBytes, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "settings.md"
COMMAND = "python tools/settings_reference.py"

# The product's top-level packages and modules (the sandbox is not the product).
PACKAGES = ("app", "bot", "cards", "manifest", "provisioning", "storage")
# Never imported: Alembic's scripts run on import.
SKIPPED = frozenset({"migrations"})

# Section titles, in the order the page shows them; a class not named here comes after these,
# titled by its docstring.
TITLES = {
    "bot.settings.BotSettings": (
        "The bot: Bot Framework registration, where it listens, the Teams app package"
    ),
    "provisioning.identity.settings.IdentitySettings": "The admins' sign-ins (the Entra app)",
    "provisioning.microsoft.settings.MicrosoftSettings": "Microsoft's endpoints",
    "provisioning.microsoft.settings.ProviderDnsSettings": "The provider's DNS zone",
    "provisioning.settings.ProvisioningSettings": (
        "What provisioning creates: regions, names, dialling, user sync"
    ),
    "provisioning.engine.settings.RunnerSettings": "Runners",
    "storage.settings.StorageSettings": "The database and the token vault",
    "provisioning.log_format.LoggingSettings": "Logging",
}

# What a setting does, for fields whose source has neither ``description=`` nor a comment.
# Keyed by environment variable; a comment or description added in the source wins.
NOTES = {
    "MicrosoftAppId": (
        "The application (client) id of the app registration: the Azure Bot's id, and the app "
        "the admins sign in to."
    ),
    "MicrosoftAppPassword": "A client secret of that app registration.",
    "MicrosoftAppType": (
        "The Azure Bot's app type (`MultiTenant`, `SingleTenant`), handed to botbuilder. The "
        "bot's own tokens come from `ToChannelFromBotLoginUrl`."
    ),
    "MicrosoftAppTenantId": (
        "The app registration's home tenant, handed to botbuilder. For a single-tenant bot, "
        "also put it in `ToChannelFromBotLoginUrl`."
    ),
    "ToChannelFromBotOAuthScope": "The scope of the bot's outbound tokens (`/.default` is added).",
    "ToBotFromChannelOpenIdMetadataUrl": (
        "The OpenID metadata that names the keys inbound tokens are signed with."
    ),
    "BOT_PORT": "The port the bot listens on.",
    "BOT_PUBLIC_URL": (
        "The bot's address as browsers reach it (https in production): sign-in and export "
        "links, the default About, Privacy and Terms pages, the app package's `validDomains`."
    ),
    "APP_DEVELOPER_NAME": "The developer named in the Teams app package (empty: `BOT_NAME`).",
    "APP_WEBSITE_URL": "The app package's website (empty: the bot's own `/` page).",
    "APP_PRIVACY_URL": "The app package's privacy statement (empty: the bot's `/privacy` page).",
    "APP_TERMS_URL": "The app package's terms of use (empty: the bot's `/terms` page).",
    "APP_VERSION": (
        "The app package's version, `MAJOR.MINOR.PATCH` (`python app.py manifest --version` "
        "overrides it)."
    ),
    "OAUTH_REDIRECT_URI": (
        "Where Entra ID sends the admin back after signing in: `<BOT_PUBLIC_URL>/auth/callback`, "
        "registered as a Web redirect URI of the app registration."
    ),
    "RUNNER_LEASE_SECONDS": (
        "How long a runner's claim on a run lasts; it is renewed while the run is worked on, "
        "and another runner takes the run over once it lapses."
    ),
    "RUNNER_IDLE_POLL_SECONDS": "How often a runner looks for runs that are due.",
    "ENTRA_AUTHORITY": "Entra ID's sign-in host; tenants are paths under it.",
    "GRAPH_BASE_URL": "Microsoft Graph v1.0.",
    "TEAMS_ADMIN_BASE_URL": (
        "The Teams administration API (the one the MicrosoftTeams PowerShell module calls)."
    ),
    "HTTP_TIMEOUT_SECONDS": "How long one call to Microsoft may take.",
    "PROVIDER_ZONE": (
        "The provider's DNS zone; a tenant's SBC domain is `<initial domain's first label>."
        "<region>.<zone>`."
    ),
    "PROVIDER_DNS_PRIMARY": "Where signed RFC 2136 updates go (`host:port`).",
    "TSIG_KEY_NAME": "The name of the TSIG key the primary accepts updates signed with.",
    "TSIG_SECRET": "That key's secret (base64).",
    "TSIG_ALGORITHM": "That key's algorithm.",
    "PROVIDER_DNS_TTL": (
        "The TTL of the records written to the zone (the SBC domain's A/AAAA, the "
        "verification TXT)."
    ),
    "PROVIDER_DNS_TIMEOUT_SECONDS": "How long to wait for one name server's answer.",
    "DEFAULT_REGION": "The region a tenant gets when none is given; a key of `REGIONS`.",
    "DIAL_PLAN_COUNTRY_CODE": "The dial plan's country code when the tenant's country is unknown.",
    "SIP_SIGNALING_PORT": "The SIP signalling (TLS) port of each tenant's online PSTN gateway.",
    "MAX_CONCURRENT_SESSIONS": "The PSTN gateway's `MaxConcurrentSessions` (unset: no limit set).",
    "DATABASE_URL": (
        "The database: `sqlite:///<path>`, or `postgresql://user:password@host:5432/db` "
        "(`postgres://` and `postgresql+psycopg://` work too; psycopg 3 is used)."
    ),
    "TOKEN_VAULT_KEY_FILE": (
        "The key file used when `TOKEN_VAULT_KEY` is unset; created (mode 0600) if missing."
    ),
}

_PLAIN_TYPES: dict[object, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    SecretStr: "string",
    SecretBytes: "bytes",
}


@dataclass(frozen=True)
class Setting:
    """One row: an environment variable and what it does."""

    env: str
    type: str
    default: str
    description: str


@dataclass(frozen=True)
class Section:
    """One settings class."""

    key: str
    title: str
    lead: str
    source: str
    reading: str
    settings: tuple[Setting, ...]


def product_modules() -> list[types.ModuleType]:
    """Every module of the product's packages, imported."""
    modules = []
    for name in PACKAGES:
        module = importlib.import_module(name)
        modules.append(module)
        path = getattr(module, "__path__", None)
        if path is None:
            continue
        for info in pkgutil.walk_packages(path, prefix=f"{name}."):
            if not SKIPPED & set(info.name.split(".")):
                modules.append(importlib.import_module(info.name))
    return modules


def _key(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def settings_classes() -> list[type[BaseSettings]]:
    """Every settings class the product defines: those named in ``TITLES`` first, in that
    order, then the others by module and name."""
    found: dict[str, type[BaseSettings]] = {}
    for module in product_modules():
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseSettings)
                and value is not BaseSettings
                and value.__module__ == module.__name__
            ):
                found[_key(value)] = value
    order = list(TITLES)
    return sorted(
        found.values(),
        key=lambda c: (order.index(_key(c)) if _key(c) in order else len(order), _key(c)),
    )


def env_name(cls: type[BaseSettings], name: str, field: FieldInfo) -> str:
    """The environment variable a field is read from."""
    if field.alias:
        return field.alias
    prefix = str(cls.model_config.get("env_prefix") or "")
    if cls.model_config.get("case_sensitive"):
        return prefix + name
    return (prefix + name).upper()


def _comments_above(cls: type) -> dict[str, str]:
    """Field name -> the comment lines right above its definition in ``cls``'s own source."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    lines = source.splitlines()
    tree = ast.parse(source)
    classdef = next((n for n in tree.body if isinstance(n, ast.ClassDef)), None)
    if classdef is None:
        return {}
    found = {}
    for node in classdef.body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            continue
        comment: list[str] = []
        index = node.lineno - 2  # the line above, 0-based
        while index >= 0 and lines[index].strip().startswith("#"):
            comment.insert(0, lines[index].strip().lstrip("#").strip())
            index -= 1
        if comment:
            found[node.target.id] = " ".join(comment)
    return found


def field_comments(cls: type[BaseSettings]) -> dict[str, str]:
    """Field name -> comment, from ``cls`` and the settings classes it inherits from."""
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if issubclass(klass, BaseSettings) and klass is not BaseSettings:
            found.update(_comments_above(klass))
    return found


def _is_secret(annotation: object) -> bool:
    if annotation in (SecretStr, SecretBytes):
        return True
    return any(_is_secret(arg) for arg in typing.get_args(annotation))


def type_text(annotation: object) -> str:
    """A field's type as someone setting an environment variable needs to know it."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        present = [a for a in args if a is not type(None)]
        text = " or ".join(type_text(a) for a in present)
        return f"{text} (optional)" if len(present) < len(args) else text
    if origin is typing.Literal:
        choices = [f"`{a}`" for a in args]
        return " or ".join(filter(None, (", ".join(choices[:-1]), choices[-1])))
    if origin is not None:
        return f"JSON `{annotation}`".replace("typing.", "")
    if annotation in _PLAIN_TYPES:
        return _PLAIN_TYPES[annotation]
    if isinstance(annotation, type) and issubclass(annotation, Path):
        return "path"
    return getattr(annotation, "__name__", str(annotation))


def _value_text(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float):
        return f"`{value:g}`"  # 3600.0 is set as 3600
    if isinstance(value, dict | list | tuple):
        return f"`{json.dumps(value, separators=(', ', ': '))}`"
    text = str(value)
    return f"`{text}`" if text else "empty"


def default_text(field: FieldInfo) -> str:
    """``required``, ``(secret)`` for a secret, or the default as the variable spells it."""
    if field.is_required():
        return "required"
    if _is_secret(field.annotation):
        return "(secret)"
    return _value_text(field.get_default(call_default_factory=True))


def _sentence(text: str) -> str:
    text = " ".join(re.sub(r"``([^`]+)``", r"`\1`", text).split())
    return text if not text or text[-1] in ".!?:" else text + "."


def _first_paragraph(doc: str | None) -> str:
    return _sentence((doc or "").strip().split("\n\n", 1)[0])


def reading(cls: type[BaseSettings]) -> str:
    """Where the class reads its settings from, in words."""
    config = cls.model_config
    env_file = config.get("env_file")
    files = [env_file] if isinstance(env_file, str | Path) else list(env_file or ())
    where = "the environment"
    if files:
        names = " and ".join(f"`{f}`" for f in files)
        where += f" and {names} in the working directory (the environment wins)"
    case = "" if config.get("case_sensitive") else "; names are not case-sensitive"
    return f"Read from {where}{case}."


def section(cls: type[BaseSettings], classes_in_module: int) -> Section:
    """The section of one settings class."""
    module = sys.modules[cls.__module__]
    comments = field_comments(cls)
    rows = []
    for name, field in cls.model_fields.items():
        env = env_name(cls, name, field)
        description = field.description or comments.get(name) or NOTES.get(env, "")
        rows.append(Setting(env, type_text(field.annotation), default_text(field), description))
    lead_doc = module.__doc__ if classes_in_module == 1 else cls.__doc__
    doc_title = _first_paragraph(cls.__doc__).rstrip(".")
    source = Path(inspect.getfile(cls)).resolve()
    return Section(
        key=_key(cls),
        title=TITLES.get(_key(cls)) or doc_title or cls.__qualname__,
        lead=_first_paragraph(lead_doc),
        source=source.relative_to(ROOT).as_posix() if source.is_relative_to(ROOT) else source.name,
        reading=reading(cls),
        settings=tuple(rows),
    )


def sections() -> list[Section]:
    """Every settings class's section, in page order."""
    classes = settings_classes()
    per_module: dict[str, int] = {}
    for cls in classes:
        per_module[cls.__module__] = per_module.get(cls.__module__, 0) + 1
    return [section(cls, per_module[cls.__module__]) for cls in classes]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _anchor(title: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def render() -> str:
    """The whole page."""
    found = sections()
    readers: dict[str, list[str]] = {}
    for s in found:
        for row in s.settings:
            readers.setdefault(row.env, []).append(s.title)
    shared_reading = len({s.reading for s in found}) == 1
    lines = [
        "# Settings reference",
        "",
        f"Generated by `{COMMAND}` from the product's settings classes (pydantic-settings). "
        "Do not edit it by hand: `tests/test_settings_reference.py` fails while this page and "
        "the code differ. A row's description is the field's own (its `description=`, or the "
        "comment above it in the source), else a note kept in `tools/settings_reference.py`.",
        "",
        "Every setting is an environment variable. Lists and maps are JSON. A secret's default "
        'is not shown; "required" means the settings cannot be loaded without it.',
    ]
    if shared_reading and found:
        lines += ["", found[0].reading]
    lines.append("")
    lines += [f"- [{s.title}](#{_anchor(s.title)})" for s in found]
    for s in found:
        class_name = s.key.rsplit(".", 1)[-1]
        lines += ["", f"## {s.title}", ""]
        if s.lead:
            lines += [s.lead, ""]
        where = f"`{class_name}` in `{s.source}`."
        lines.append(where if shared_reading else f"{where} {s.reading}")
        lines += ["", "| variable | type | default | what it does |", "|---|---|---|---|"]
        for row in s.settings:
            description = _sentence(row.description)
            others = [t for t in readers[row.env] if t != s.title]
            if others:
                description += f" Also read by: {'; '.join(others)}."
            cells = (f"`{row.env}`", row.type, row.default, description.strip())
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write ``docs/settings.md`` (or, with ``--check``, say whether it is current)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is out of date")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    page = render()
    if args.check:
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != page:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run `{COMMAND}`.", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(page)
    print(OUTPUT.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
