"""Package options: values Teams would refuse are refused when the package is built."""

from __future__ import annotations

import dataclasses
import re

import pytest

from manifest import PackageOptions


def test_an_app_id_that_is_not_a_guid_is_refused(options: PackageOptions) -> None:
    """Teams identifies the app and its bot by GUID."""
    with pytest.raises(ValueError, match="app_id 'my-bot' is not a GUID"):
        dataclasses.replace(options, app_id="my-bot")


def test_a_short_name_over_30_characters_is_refused(options: PackageOptions) -> None:
    """name.short is 30 characters at most."""
    with pytest.raises(ValueError, match="bot_name has 31 characters, more than 30"):
        dataclasses.replace(options, bot_name="x" * 31)


def test_a_short_description_over_80_characters_is_refused(options: PackageOptions) -> None:
    """description.short is 80 characters at most."""
    with pytest.raises(ValueError, match="short_description has 81 characters"):
        dataclasses.replace(options, short_description="x" * 81)


def test_a_valid_domain_with_a_scheme_is_refused(options: PackageOptions) -> None:
    """validDomains holds bare hosts, not URLs."""
    with pytest.raises(ValueError, match="not a bare host"):
        dataclasses.replace(options, valid_domains=("https://bot.voice.contoso.com/signin",))


def test_a_wildcard_for_a_top_level_domain_is_refused(options: PackageOptions) -> None:
    """``*.com`` would let the app open any .com site."""
    with pytest.raises(ValueError, match="not a bare host"):
        dataclasses.replace(options, valid_domains=("*.com",))


def test_a_wildcard_subdomain_and_a_port_are_accepted(options: PackageOptions) -> None:
    """``*.contoso.com`` and ``host:8443`` are valid domain entries."""
    changed = dataclasses.replace(options, valid_domains=("*.contoso.com", "bot.contoso.com:8443"))
    assert changed.valid_domains == ("*.contoso.com", "bot.contoso.com:8443")


def test_no_valid_domain_is_refused(options: PackageOptions) -> None:
    """The host of the bot's sign-in pages must be listed."""
    with pytest.raises(ValueError, match="valid_domains is empty"):
        dataclasses.replace(options, valid_domains=())


def test_a_version_that_is_not_semver_is_refused(options: PackageOptions) -> None:
    """Teams wants MAJOR.MINOR.PATCH."""
    with pytest.raises(ValueError, match=re.escape("version '1.4' is not MAJOR.MINOR.PATCH")):
        dataclasses.replace(options, version="1.4")


def test_an_accent_colour_that_is_not_hex_is_refused(options: PackageOptions) -> None:
    """accentColor is ``#rrggbb``."""
    with pytest.raises(ValueError, match="accent_color 'teal' is not #rrggbb"):
        dataclasses.replace(options, accent_color="teal")


def test_a_developer_url_that_is_not_http_is_refused(options: PackageOptions) -> None:
    """The developer's pages are web addresses."""
    with pytest.raises(ValueError, match=re.escape("privacy_url 'voice.contoso.com/privacy'")):
        dataclasses.replace(options, privacy_url="voice.contoso.com/privacy")


def test_every_problem_is_named_at_once(options: PackageOptions) -> None:
    """One error lists all bad values, so a setting is not fixed one at a time."""
    with pytest.raises(ValueError, match=r"app_id .* is not a GUID; .*version .* is not"):
        dataclasses.replace(options, app_id="bot", version="one")
