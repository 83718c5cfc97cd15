"""Entra built-in directory roles and their stable ``roleTemplateId`` (graph-entra.md §3.2)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RoleTemplate:
    """A built-in directory role."""

    id: str
    name: str
    description: str


ROLES: tuple[RoleTemplate, ...] = (
    RoleTemplate(
        "62e90394-69f5-4237-9190-012177145e10",
        "Global Administrator",
        "Can manage all aspects of Microsoft Entra ID and Microsoft services that use "
        "Microsoft Entra identities.",
    ),
    RoleTemplate(
        "69091246-20e8-4a56-aa4d-066075b2a7a8",
        "Teams Administrator",
        "Can manage the Microsoft Teams service.",
    ),
    RoleTemplate(
        "baf37b3a-610e-45da-9e62-d9d1e5e8914b",
        "Teams Communications Administrator",
        "Can manage calling and meetings features within the Microsoft Teams service.",
    ),
    RoleTemplate(
        "aa38014f-0993-46e9-9b45-30501a20909d",
        "Teams Telephony Administrator",
        "Can manage voice and telephony features and troubleshoot communication issues "
        "within the Microsoft Teams service.",
    ),
    RoleTemplate(
        "fe930be7-5e62-47db-91af-98c3a49a38b1",
        "User Administrator",
        "Can manage all aspects of users and groups, including resetting passwords for "
        "limited admins.",
    ),
    RoleTemplate(
        "4d6ac14f-3453-41d0-bef9-a3e0c569773a",
        "License Administrator",
        "Can manage product licenses on users and groups.",
    ),
    RoleTemplate(
        "e8611ab8-c189-46e8-94e1-60213ab1f814",
        "Privileged Role Administrator",
        "Can manage role assignments in Microsoft Entra ID, and all aspects of "
        "Privileged Identity Management.",
    ),
    RoleTemplate(
        "8329153b-31d0-4727-b945-745eb3bc5f31",
        "Domain Name Administrator",
        "Can manage domain names in cloud and on-premises.",
    ),
    RoleTemplate(
        "75941009-915a-4869-abe7-691bff18279e",
        "Skype for Business Administrator",
        "Can manage all aspects of the Skype for Business product.",
    ),
    RoleTemplate(
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
        "Application Administrator",
        "Can create and manage all aspects of app registrations and enterprise apps.",
    ),
    RoleTemplate(
        "158c047a-c907-4556-b7ef-446551a6b5f7",
        "Cloud Application Administrator",
        "Can create and manage all aspects of app registrations and enterprise apps "
        "except App Proxy.",
    ),
    RoleTemplate(
        "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
        "Global Reader",
        "Can read everything that a Global Administrator can, but not update anything.",
    ),
    RoleTemplate(
        "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
        "Directory Readers",
        "Can read basic directory information.",
    ),
)

# Every member's token carries this "User" role template id in ``wids``.
MEMBER_USER_WID = "b79fbf4d-3ef9-4689-8143-76b194e85509"

ROLES_BY_ID: dict[str, RoleTemplate] = {r.id: r for r in ROLES}
ROLES_BY_NAME: dict[str, RoleTemplate] = {r.name.lower(): r for r in ROLES}

GLOBAL_ADMIN = ROLES_BY_NAME["global administrator"].id
USER_ADMIN = ROLES_BY_NAME["user administrator"].id
LICENSE_ADMIN = ROLES_BY_NAME["license administrator"].id
DOMAIN_ADMIN = ROLES_BY_NAME["domain name administrator"].id
PRIVILEGED_ROLE_ADMIN = ROLES_BY_NAME["privileged role administrator"].id
APP_ADMIN = ROLES_BY_NAME["application administrator"].id
CLOUD_APP_ADMIN = ROLES_BY_NAME["cloud application administrator"].id

# Roles allowed to grant tenant-wide admin consent.
TEAMS_ADMIN = ROLES_BY_NAME["teams administrator"].id
TEAMS_COMMS_ADMIN = ROLES_BY_NAME["teams communications administrator"].id
TEAMS_TELEPHONY_ADMIN = ROLES_BY_NAME["teams telephony administrator"].id
SKYPE_ADMIN = ROLES_BY_NAME["skype for business administrator"].id
# Roles that may administer Teams voice (teams-voice-api.md §1.1: RBAC from the directory role).
VOICE_ADMIN_ROLES = frozenset(
    {GLOBAL_ADMIN, TEAMS_ADMIN, TEAMS_COMMS_ADMIN, TEAMS_TELEPHONY_ADMIN, SKYPE_ADMIN}
)

GLOBAL_READER = ROLES_BY_NAME["global reader"].id

CONSENT_GRANTING_ROLES = frozenset(
    {GLOBAL_ADMIN, PRIVILEGED_ROLE_ADMIN, APP_ADMIN, CLOUD_APP_ADMIN}
)


def role(ref: str) -> RoleTemplate:
    """Look a role up by display name (case-insensitive) or by ``roleTemplateId``."""
    found = ROLES_BY_NAME.get(ref.lower()) or ROLES_BY_ID.get(ref.lower())
    if found is None:
        raise KeyError(f"unknown directory role {ref!r}")
    return found
