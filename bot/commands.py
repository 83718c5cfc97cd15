"""The command grammar: what an admin types, forgiving of case and extra words."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# name -> (what it does, whether it changes anything, other words for it)
COMMANDS: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "help": ("What I can do for you", False, ("hi", "hello", "commands", "?")),
    "connect": (
        "Connect this organization to the voice platform, step by step",
        False,
        ("setup", "start", "begin", "wizard"),
    ),
    "status": ("Where the integration stands", False, ("state", "progress")),
    "readiness": ("Check every prerequisite again", False, ("check", "ready", "prerequisites")),
    "integrate": ("Start the integration (after both sign-ins)", True, ("provision",)),
    "retry": ("Try a failed run again", True, ("again", "resume")),
    "cancel": ("Stop the run under way", True, ("stop", "abort")),
    "remove": (
        "Remove everything the integration created",
        True,
        ("delete", "uninstall", "disconnect"),
    ),
    "sync": (
        "Read the users from Microsoft 365 again (sync <name> for one user)",
        True,
        ("resync", "refresh"),
    ),
    "users": (
        "List the users: users inactive, active, unlicensed or other",
        True,
        ("list", "people"),
    ),
    "user": ("One user's details: user <name or address>", True, ("who", "find", "lookup")),
    "export": ("The user list as a CSV file", True, ("csv", "download")),
    "activate": (
        "Give a user a phone number: activate <user> [number]",
        True,
        ("enable", "assign"),
    ),
    "deactivate": ("Take a user's number away: deactivate <user>", True, ("disable", "unassign")),
    "numbers": (
        "Number ranges to activate from: numbers, numbers add <first> - <last>",
        True,
        ("ranges", "range"),
    ),
}
_WORDS = re.compile(r"[a-z?]+")
_TOKENS = re.compile(r"\S+")


@dataclass(frozen=True)
class Parsed:
    """A command and the words after it, or the closest commands to an unknown one."""

    name: str | None
    rest: str = ""
    suggestions: tuple[str, ...] = ()


def parse(text: str) -> Parsed:
    """The first word of ``text`` that is a command (or another word for one); ``rest`` is
    what follows it as typed (an address or a number keeps its case and punctuation)."""
    aliases = {alias: name for name, (_, _, others) in COMMANDS.items() for alias in others}
    words: list[str] = []
    for token in _TOKENS.finditer(text):
        word = "".join(_WORDS.findall(token.group().lower()))
        if not word:
            continue
        name = word if word in COMMANDS else aliases.get(word)
        # A command is a word of its own, not the letters of an address ("help@contoso.com").
        if name is not None and _WORDS.fullmatch(token.group().lower().rstrip(".,!:;")):
            return Parsed(name, text[token.end() :].strip())
        words.append(word)
    vocabulary = [*COMMANDS, *aliases]
    close: list[str] = []
    for word in words:
        for match in difflib.get_close_matches(word, vocabulary, n=3, cutoff=0.6):
            name = match if match in COMMANDS else aliases[match]
            if name not in close:
                close.append(name)
    return Parsed(None, text.strip(), tuple(close[:3]))


def describe(admin: bool) -> list[tuple[str, str]]:
    """The commands a caller may run, with what each does (``help``)."""
    return [
        (name, description)
        for name, (description, changes, _) in COMMANDS.items()
        if admin or not changes
    ]
