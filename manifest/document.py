"""The manifest itself: ``manifest.json`` of the Teams app package, as a dict."""

from __future__ import annotations

from typing import Any

from manifest.commands import command_lists
from manifest.localization import localization_info
from manifest.options import PackageOptions
from manifest.texts import SHORT_DESCRIPTION, full_description

# The newest schema npm @microsoft/app-manifest ships (tests/manifest/schema pins the package,
# and a test fails when a newer one there leaves this behind).
SCHEMA_VERSION = "1.30"
SCHEMA_URL = f"https://developer.microsoft.com/json-schemas/teams/v{SCHEMA_VERSION}/MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA_URL = SCHEMA_URL.replace(
    "MicrosoftTeams.schema.json", "MicrosoftTeams.Localization.schema.json"
)
COLOR_ICON = "color.png"
OUTLINE_ICON = "outline.png"


def _resource(options: PackageOptions, web_app_id: str) -> str:
    if options.web_application_resource is not None:
        return options.web_application_resource
    host = next(
        (domain for domain in options.valid_domains if not domain.startswith("*.")),
        options.valid_domains[0].removeprefix("*."),
    )
    return f"api://{host}/{web_app_id}"


def build_manifest(options: PackageOptions) -> dict[str, Any]:
    """The manifest for ``options``, ready to be written as ``manifest.json``."""
    web_app_id = options.web_application_id or options.app_id
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": SCHEMA_VERSION,
        "version": options.version,
        "id": options.app_id,
        "developer": {
            "name": options.developer_name,
            "websiteUrl": options.website_url,
            "privacyUrl": options.privacy_url,
            "termsOfUseUrl": options.terms_of_use_url,
        },
        "name": {"short": options.bot_name, "full": options.full_name or options.bot_name},
        "description": {
            "short": options.short_description or SHORT_DESCRIPTION,
            "full": options.full_description or full_description(options.include_user_sync),
        },
        "icons": {"color": COLOR_ICON, "outline": OUTLINE_ICON},
        "accentColor": options.accent_color,
        "bots": [
            {
                "botId": options.app_id,
                "scopes": ["personal", "team"],
                # The bot sends the user list as a CSV file (in the personal chat).
                "supportsFiles": True,
                "isNotificationOnly": False,
                "commandLists": command_lists(options.include_user_sync),
            }
        ],
        # The sign-ins start in the admin's own chat, so "Add" installs there first.
        "defaultInstallScope": "personal",
        "validDomains": list(options.valid_domains),
        "webApplicationInfo": {"id": web_app_id, "resource": _resource(options, web_app_id)},
        "localizationInfo": localization_info(),
    }
