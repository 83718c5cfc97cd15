"""Teams' command-menu limits, checked on a manifest (tighter than the v1.30 schema's)."""

from __future__ import annotations

from typing import Any

from manifest.commands import MAX_COMMANDS, MAX_DESCRIPTION, MAX_TITLE


def menu_problems(manifest: dict[str, Any]) -> list[str]:
    """Each command list, title or description of the manifest's bots over Teams' menu limits."""
    problems: list[str] = []
    for bot in manifest.get("bots", []):
        for listing in bot.get("commandLists", []):
            scopes = "/".join(listing["scopes"])
            if len(listing["commands"]) > MAX_COMMANDS:
                problems.append(f"{scopes}: {len(listing['commands'])} commands")
            for command in listing["commands"]:
                if len(command["title"]) > MAX_TITLE:
                    problems.append(f"{scopes}: title {command['title']!r} is too long")
                if len(command.get("description", "")) > MAX_DESCRIPTION:
                    problems.append(f"{scopes}: description of {command['title']!r} is too long")
    return problems
