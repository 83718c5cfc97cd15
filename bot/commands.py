"""The command grammar: what an admin types, forgiving of case and extra words."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from i18n.text import N_, say

# name -> (what it does, whether it changes anything, other words for it); what it does is
# marked only, and said in the turn's language by ``describe``.
COMMANDS: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "help": (N_("What I can do for you"), False, ("hi", "hello", "commands", "?")),
    "connect": (
        N_("Connect this organization to the voice platform, step by step"),
        False,
        ("setup", "start", "begin", "wizard"),
    ),
    "status": (N_("Where the integration stands"), False, ("state", "progress")),
    "readiness": (N_("Check every prerequisite again"), False, ("check", "ready", "prerequisites")),
    "integrate": (N_("Start the integration (after both sign-ins)"), True, ("provision",)),
    "retry": (N_("Try a failed run again"), True, ("again", "resume")),
    "cancel": (N_("Stop the run under way"), True, ("stop", "abort")),
    "remove": (
        N_("Remove everything the integration created"),
        True,
        ("delete", "uninstall", "disconnect"),
    ),
    "sync": (
        N_("Read the users from Microsoft 365 again (sync <name> for one user)"),
        True,
        ("resync", "refresh"),
    ),
    "users": (
        N_("List the users: users inactive, active, unlicensed or other"),
        True,
        ("list", "people"),
    ),
    "user": (N_("One user's details: user <name or address>"), True, ("who", "find", "lookup")),
    "export": (N_("The user list as a CSV file"), True, ("csv", "download")),
    "activate": (
        N_("Give a user a phone number: activate <user> [number]"),
        True,
        ("enable", "assign"),
    ),
    "deactivate": (
        N_("Take a user's number away: deactivate <user>"),
        True,
        ("disable", "unassign"),
    ),
    "numbers": (
        N_("Number ranges to activate from: numbers, numbers add <first> - <last>"),
        True,
        ("ranges", "range"),
    ),
}
# The provider's own commands: they exist only in a conversation of the provider's tenant,
# for its admins. Anywhere else they are not parsed, suggested or listed.
OPERATOR_COMMANDS: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "customers": (
        N_("Every customer tenant and where it stands: customers failed, waiting, connected…"),
        True,
        ("tenants", "clients"),
    ),
    "customer": (
        N_("One customer's status and audit history: customer <name, domain or tenant id>"),
        True,
        ("tenant", "client"),
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


def parse(text: str, operator: bool = False) -> Parsed:
    """The first word of ``text`` that is a command (or another word for one); ``rest`` is
    what follows it as typed (an address or a number keeps its case and punctuation).

    With ``operator`` (the provider's own tenant) the operator commands are words too, and one
    of them wins over another word for a tenant's command before it ("list customers")."""
    commands = {**COMMANDS, **OPERATOR_COMMANDS} if operator else COMMANDS
    aliases = {alias: name for name, (_, _, others) in commands.items() for alias in others}
    words: list[str] = []
    for token in _TOKENS.finditer(text):
        word = "".join(_WORDS.findall(token.group().lower()))
        if not word:
            continue
        name = word if word in commands else aliases.get(word)
        # A command is a word of its own, not the letters of an address ("help@contoso.com").
        if name is not None and _WORDS.fullmatch(token.group().lower().rstrip(".,!:;")):
            if operator and name != word and name not in OPERATOR_COMMANDS:
                later = parse(text[token.end() :], operator)
                if later.name in OPERATOR_COMMANDS:
                    return later
            return Parsed(name, text[token.end() :].strip())
        words.append(word)
    vocabulary = [*commands, *aliases]
    close: list[str] = []
    for word in words:
        for match in difflib.get_close_matches(word, vocabulary, n=3, cutoff=0.6):
            name = match if match in commands else aliases[match]
            if name not in close:
                close.append(name)
    return Parsed(None, text.strip(), tuple(close[:3]))


def needs_admin(name: str) -> bool:
    """Whether the command ``name`` takes an admin (it changes something, or it is one of the
    provider's own)."""
    spec = COMMANDS.get(name) or OPERATOR_COMMANDS.get(name)
    return spec is not None and spec[1]


def describe(admin: bool, operator: bool = False) -> list[tuple[str, str]]:
    """The commands a caller may run, with what each does (``help``); the operator commands
    only for an admin of the provider's own tenant (``operator``)."""
    listed = {**COMMANDS, **OPERATOR_COMMANDS} if operator and admin else COMMANDS
    return [
        (name, say(description))
        for name, (description, changes, _) in listed.items()
        if admin or not changes
    ]
