"""Which permissions and (for delegated callers) which directory roles each operation needs.

Delegated access is the intersection of the token's scopes and the signed-in user's roles
(research/graph-entra.md §3.3–3.5: domains need Domain Name Administrator, licences License or
User Administrator, user writes User Administrator; Global Administrator can do everything).
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.bearer import Caller
from sandbox.catalog.roles import (
    DOMAIN_ADMIN,
    GLOBAL_ADMIN,
    LICENSE_ADMIN,
    USER_ADMIN,
    VOICE_ADMIN_ROLES,
)
from sandbox.graph import errors


@dataclass(frozen=True)
class Access:
    """Any of ``permissions``; and for delegated callers any of ``roles`` (if given)."""

    permissions: tuple[str, ...]
    roles: tuple[str, ...] = ()
    delegated_only: bool = False
    # Application permissions, where Microsoft documents fewer than for delegated callers.
    application: tuple[str, ...] | None = None

    def check(self, caller: Caller) -> None:
        """Raise Graph's 403 unless the caller may do this."""
        if self.delegated_only and caller.user is None:
            raise errors.GraphError(
                400, "BadRequest", "/me request is only valid with delegated authentication flow."
            )
        wanted = (
            self.application
            if caller.user is None and self.application is not None
            else self.permissions
        )
        if not caller.has_any(wanted):
            raise errors.denied()
        if (
            self.roles
            and caller.user is not None
            and not caller.user.roles.intersection(self.roles)
        ):
            raise errors.denied()


_DIR_READ = ("Directory.Read.All", "Directory.ReadWrite.All")

ORGANIZATION_READ = Access(("User.Read", "Organization.Read.All", *_DIR_READ))
ORGANIZATION_FULL = ("Organization.Read.All", *_DIR_READ)
ME_READ = Access(("User.Read", "User.ReadWrite.All", *_DIR_READ), delegated_only=True)
SKUS_READ = Access(
    (
        "LicenseAssignment.Read.All",
        "LicenseAssignment.ReadWrite.All",
        "Organization.Read.All",
        *_DIR_READ,
    )
)
DOMAINS_READ = Access(("Domain.Read.All", "Domain.ReadWrite.All", *_DIR_READ))
DOMAINS_WRITE = Access(("Domain.ReadWrite.All",), roles=(GLOBAL_ADMIN, DOMAIN_ADMIN))
USERS_READ = Access(("User.Read.All", "User.ReadWrite.All", "User.ReadBasic.All", *_DIR_READ))
USERS_WRITE = Access(
    ("User.ReadWrite.All", "Directory.ReadWrite.All"), roles=(GLOBAL_ADMIN, USER_ADMIN)
)
# Reading directoryRole objects: "Least privileged: RoleManagement.Read.Directory"
# (learn.microsoft.com/graph/api/directoryrole-get); without one of these, membership lists give
# roles "with limited information" (api-reference/includes/limited-info.md; review F1).
ROLE_READ = (
    "RoleManagement.Read.Directory",
    "RoleManagement.ReadWrite.Directory",
    *_DIR_READ,
)
# User.DeleteRestore.All is the least privileged permission to delete a user, restore one from
# the recycle bin or purge one, "Also allows retrieving deleted users via the
# /directory/deleteditems/microsoft.graph.user endpoint" (Graph what's-new, January 2025).
_DELETE_RESTORE = ("User.DeleteRestore.All", "User.ReadWrite.All")
USERS_DELETE = Access(_DELETE_RESTORE, roles=(GLOBAL_ADMIN, USER_ADMIN))
# directory-deleteditems-list / -get for users: User.Read.All up to Directory.ReadWrite.All.
DELETED_READ = Access(("User.Read.All", "User.ReadWrite.All", "User.DeleteRestore.All", *_DIR_READ))
# Restore: User.DeleteRestore.All or User.ReadWrite.All, delegated and application
# (Restore-MgDirectoryDeletedItem permissions); "To restore deleted users: User Administrator".
DELETED_RESTORE = Access(_DELETE_RESTORE, roles=(GLOBAL_ADMIN, USER_ADMIN))
# Permanent delete: delegated User.DeleteRestore.All (User.ReadWrite.All before it existed),
# application User.DeleteRestore.All only (directory-deleteditems-delete, current page; older
# pages said application "Not supported").
DELETED_PURGE = Access(
    _DELETE_RESTORE, roles=(GLOBAL_ADMIN, USER_ADMIN), application=("User.DeleteRestore.All",)
)
_VOICE = tuple(sorted(VOICE_ADMIN_ROLES))
TEAMS_CONFIG_READ = Access(("TeamsUserConfiguration.Read.All",), roles=_VOICE)
NUMBERS_READ = Access(
    ("TeamsTelephoneNumber.Read.All", "TeamsTelephoneNumber.ReadWrite.All"), roles=_VOICE
)
NUMBERS_WRITE = Access(("TeamsTelephoneNumber.ReadWrite.All",), roles=_VOICE)
POLICY_ASSIGN = Access(("TeamsPolicyUserAssign.ReadWrite.All",), roles=_VOICE)
LICENCES_WRITE = Access(
    ("User.ReadWrite.All", "Directory.ReadWrite.All", "LicenseAssignment.ReadWrite.All"),
    roles=(GLOBAL_ADMIN, USER_ADMIN, LICENSE_ADMIN),
)
