"""The APIs (resources) Entra issues tokens for, and the permissions each one defines.

Scopes are written ``<resource>/<permission>``; a bare permission means Microsoft Graph
(research/graph-entra.md §1.1–1.2; the Teams admin resource from research/teams-voice-api.md §1.1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

OIDC_SCOPES = frozenset({"openid", "profile", "offline_access", "email"})


@dataclass(frozen=True, slots=True)
class Permission:
    """A delegated scope or an application role of one resource."""

    value: str
    description: str
    admin_consent: bool


@dataclass(frozen=True)
class Resource:
    """An API that accepts Entra access tokens."""

    app_id: str
    identifier_uri: str
    display_name: str
    audience: str
    delegated: dict[str, Permission] = field(default_factory=dict)
    application: dict[str, Permission] = field(default_factory=dict)
    # Some first-party resources (the Bot Framework) issue app tokens without tenant consent.
    app_tokens_need_consent: bool = True

    def names(self) -> tuple[str, ...]:
        """Every prefix by which a scope can name this resource."""
        return (self.identifier_uri, self.app_id)


def _perms(*items: tuple[str, str, bool]) -> dict[str, Permission]:
    return {value.lower(): Permission(value, text, admin) for value, text, admin in items}


GRAPH = Resource(
    app_id="00000003-0000-0000-c000-000000000000",
    identifier_uri="https://graph.microsoft.com",
    display_name="Microsoft Graph",
    audience="https://graph.microsoft.com",
    delegated=_perms(
        ("User.Read", "Sign you in and read your profile", False),
        ("User.ReadBasic.All", "Read all users' basic profiles", False),
        ("User.Read.All", "Read all users' full profiles", True),
        ("User.ReadWrite.All", "Read and write all users' full profiles", True),
        ("User.DeleteRestore.All", "Delete and restore all users", True),
        ("Directory.Read.All", "Read directory data", True),
        ("Directory.ReadWrite.All", "Read and write directory data", True),
        ("Domain.Read.All", "Read domains", True),
        ("Domain.ReadWrite.All", "Read and write domains", True),
        ("Organization.Read.All", "Read organization information", True),
        ("LicenseAssignment.Read.All", "Read all license assignments", True),
        ("LicenseAssignment.ReadWrite.All", "Manage all license assignments", True),
        ("RoleManagement.Read.Directory", "Read your company's directory role assignments", True),
        ("TeamsUserConfiguration.Read.All", "Read Teams user configurations", True),
        ("TeamsTelephoneNumber.Read.All", "Read tenant telephone numbers", True),
        ("TeamsTelephoneNumber.ReadWrite.All", "Read and modify tenant telephone numbers", True),
        ("TeamsPolicyUserAssign.ReadWrite.All", "Read and write Teams policy assignments", True),
    ),
    application=_perms(
        ("User.Read.All", "Read all users' full profiles", True),
        ("User.ReadWrite.All", "Read and write all users' full profiles", True),
        ("User.DeleteRestore.All", "Delete and restore all users", True),
        ("Directory.Read.All", "Read directory data", True),
        ("Directory.ReadWrite.All", "Read and write directory data", True),
        ("Domain.Read.All", "Read domains", True),
        ("Domain.ReadWrite.All", "Read and write domains", True),
        ("Organization.Read.All", "Read organization information", True),
        ("LicenseAssignment.ReadWrite.All", "Manage all license assignments", True),
        ("TeamsUserConfiguration.Read.All", "Read Teams user configurations", True),
        ("TeamsTelephoneNumber.ReadWrite.All", "Read and modify tenant telephone numbers", True),
        ("TeamsPolicyUserAssign.ReadWrite.All", "Read and write Teams policy assignments", True),
    ),
)

TEAMS_ADMIN = Resource(
    app_id="48ac35b8-9aa8-4d74-927d-1f4a14a0b239",
    identifier_uri="48ac35b8-9aa8-4d74-927d-1f4a14a0b239",
    display_name="Skype and Teams Tenant Admin API",
    audience="48ac35b8-9aa8-4d74-927d-1f4a14a0b239",
    delegated=_perms(
        (
            "user_impersonation",
            "Access Microsoft Teams and Skype for Business data as the signed in user",
            False,
        ),
    ),
    application=_perms(
        ("application_access", "Access Microsoft Teams and Skype for Business data", True),
    ),
)

BOT_FRAMEWORK = Resource(
    app_id="https://api.botframework.com",
    identifier_uri="https://api.botframework.com",
    display_name="Bot Framework",
    audience="https://api.botframework.com",
    app_tokens_need_consent=False,
)

RESOURCES: tuple[Resource, ...] = (GRAPH, TEAMS_ADMIN, BOT_FRAMEWORK)


@dataclass(frozen=True, slots=True)
class Scope:
    """A parsed scope: which resource, and which permission (``.default`` for all consented)."""

    resource: Resource
    permission: str
    # How the caller spelled it; Entra echoes that spelling in the token response.
    spelling: str = field(default="", compare=False)

    @property
    def is_default(self) -> bool:
        """Whether this is the ``.default`` scope (every permission the app holds)."""
        return self.permission == ".default"

    def key(self) -> str:
        """A canonical spelling, used to record consent."""
        return f"{self.resource.app_id}/{self.permission.lower()}"

    def text(self) -> str:
        """The permission's own name, as the ``scp`` claim carries it."""
        if self.is_default:
            return f"{self.resource.identifier_uri}/.default"
        perm = self.resource.delegated.get(self.permission.lower())
        return perm.value if perm else self.permission

    def echoed(self) -> str:
        """The spelling for the token response's ``scope`` (what the caller asked for)."""
        return self.spelling or self.text()


class UnknownResourceError(ValueError):
    """The scope names an API the directory does not know."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class UnknownScopeError(ValueError):
    """The scope names a permission its API does not define."""


def parse_scope(raw: str) -> Scope:
    """Parse one scope string the way Entra does; a bare name means Microsoft Graph."""
    lowered = raw.lower()
    for resource in RESOURCES:
        for prefix in resource.names():
            if lowered.startswith(prefix.lower() + "/"):
                permission = raw[len(prefix) + 1 :]
                return _checked(resource, permission, raw)
    if "/" in raw:
        raise UnknownResourceError(raw.rsplit("/", 1)[0])
    return _checked(GRAPH, raw, raw)


def _checked(resource: Resource, permission: str, raw: str) -> Scope:
    if permission == ".default":
        return Scope(resource, permission, raw)
    if permission.lower() not in resource.delegated:
        raise UnknownScopeError(raw)
    return Scope(resource, resource.delegated[permission.lower()].value, raw)
