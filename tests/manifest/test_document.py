"""The manifest's fields: what the options become."""

from __future__ import annotations

import dataclasses

from manifest import SCHEMA_URL, SCHEMA_VERSION, PackageOptions, build_manifest
from manifest.texts import SHORT_DESCRIPTION
from tests.manifest.conftest import APP_ID


def test_the_manifest_names_its_schema_and_version(options: PackageOptions) -> None:
    """``$schema`` and ``manifestVersion`` are the v1.30 schema's."""
    manifest = build_manifest(options)
    assert manifest["$schema"] == SCHEMA_URL
    assert manifest["manifestVersion"] == SCHEMA_VERSION == "1.30"
    assert SCHEMA_URL == (
        "https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json"
    )


def test_the_app_id_is_the_bot_id(options: PackageOptions) -> None:
    """The Entra app id is both the Teams app's id and the bot's."""
    manifest = build_manifest(options)
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID


def test_the_bot_is_conversational_with_files_in_personal_and_team_scopes(
    options: PackageOptions,
) -> None:
    """Scopes personal and team, files on (CSV export), not notification-only."""
    bot = build_manifest(options)["bots"][0]
    assert bot["scopes"] == ["personal", "team"]
    assert bot["supportsFiles"] is True
    assert bot["isNotificationOnly"] is False


def test_no_permissions_are_asked_for(options: PackageOptions) -> None:
    """The bot needs no legacy or device permissions."""
    manifest = build_manifest(options)
    assert "permissions" not in manifest
    assert "devicePermissions" not in manifest


def test_valid_domains_are_the_given_hosts(options: PackageOptions) -> None:
    """validDomains lists exactly the hosts passed in."""
    assert build_manifest(options)["validDomains"] == ["bot.voice.contoso.com"]


def test_web_application_info_defaults_to_the_app_and_sign_in_host(
    options: PackageOptions,
) -> None:
    """id: the app id; resource: ``api://<sign-in host>/<app id>``."""
    assert build_manifest(options)["webApplicationInfo"] == {
        "id": APP_ID,
        "resource": f"api://bot.voice.contoso.com/{APP_ID}",
    }


def test_web_application_info_takes_the_given_values(options: PackageOptions) -> None:
    """An explicit id and resource are used as given."""
    other = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
    changed = dataclasses.replace(
        options, web_application_id=other, web_application_resource=f"api://{other}"
    )
    assert build_manifest(changed)["webApplicationInfo"] == {
        "id": other,
        "resource": f"api://{other}",
    }


def test_names_and_developer_come_from_the_options(options: PackageOptions) -> None:
    """name and developer are the values passed in."""
    manifest = build_manifest(options)
    assert manifest["name"] == {
        "short": "Direct Routing",
        "full": "Direct Routing for Microsoft Teams",
    }
    assert manifest["developer"] == {
        "name": "Contoso Voice",
        "websiteUrl": "https://voice.contoso.com",
        "privacyUrl": "https://voice.contoso.com/privacy",
        "termsOfUseUrl": "https://voice.contoso.com/terms",
    }


def test_the_default_descriptions_say_what_the_bot_does(options: PackageOptions) -> None:
    """Without descriptions given, Teams shows the product's own, within the limits."""
    description = build_manifest(options)["description"]
    assert description["short"] == SHORT_DESCRIPTION
    assert len(description["short"]) <= 80
    assert "Direct Routing" in description["full"]
    assert len(description["full"]) <= 4000


def test_the_default_full_description_names_user_sync_only_with_it(
    options: PackageOptions,
) -> None:
    """A package without the sync commands does not promise user sync."""
    with_sync = build_manifest(options)["description"]["full"]
    without_sync = build_manifest(dataclasses.replace(options, include_user_sync=False))
    assert "sync your Teams Phone users" in with_sync
    assert "sync" not in without_sync["description"]["full"]


def test_the_accent_colour_is_the_colour_icon_background(options: PackageOptions) -> None:
    """accentColor is the option's colour (the colour icon is drawn on it)."""
    changed = dataclasses.replace(options, accent_color="#2B579A")
    assert build_manifest(changed)["accentColor"] == "#2B579A"
