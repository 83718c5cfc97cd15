"""Fixtures for the Teams app package."""

from __future__ import annotations

import pytest

from manifest import PackageOptions

APP_ID = "5b0c3f7e-8d1a-4c2b-9e6f-1a2b3c4d5e6f"


@pytest.fixture
def options() -> PackageOptions:
    """The options of a realistic package."""
    return PackageOptions(
        app_id=APP_ID,
        bot_name="Direct Routing",
        full_name="Direct Routing for Microsoft Teams",
        developer_name="Contoso Voice",
        website_url="https://voice.contoso.com",
        privacy_url="https://voice.contoso.com/privacy",
        terms_of_use_url="https://voice.contoso.com/terms",
        valid_domains=("bot.voice.contoso.com",),
        version="1.4.0",
    )
