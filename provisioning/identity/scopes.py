"""What each sign-in asks for (SPEC steps 1 and 3; research/graph-entra.md §2)."""

from __future__ import annotations

from enum import StrEnum


class Purpose(StrEnum):
    """Which sign-in a token comes from."""

    GRAPH = "graph"
    TEAMS_ADMIN = "teams_admin"


GRAPH_SCOPES = [
    "https://graph.microsoft.com/User.Read",
    "https://graph.microsoft.com/Organization.Read.All",
    "https://graph.microsoft.com/Domain.ReadWrite.All",
    "https://graph.microsoft.com/User.ReadWrite.All",
    # Removal purges the gateway user from the recycle bin, which frees its domain at once.
    "https://graph.microsoft.com/User.DeleteRestore.All",
    # Without it, /me/transitiveMemberOf shows directory roles without their ids (F1).
    "https://graph.microsoft.com/RoleManagement.Read.Directory",
    "https://graph.microsoft.com/LicenseAssignment.ReadWrite.All",
    "https://graph.microsoft.com/TeamsUserConfiguration.Read.All",
    "https://graph.microsoft.com/TeamsTelephoneNumber.ReadWrite.All",
    "https://graph.microsoft.com/TeamsPolicyUserAssign.ReadWrite.All",
]
# The Skype and Teams Tenant Admin API, acting as the signed-in admin.
TEAMS_SCOPES = ["48ac35b8-9aa8-4d74-927d-1f4a14a0b239/user_impersonation"]
SCOPES = {Purpose.GRAPH: GRAPH_SCOPES, Purpose.TEAMS_ADMIN: TEAMS_SCOPES}
