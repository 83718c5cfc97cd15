"""The bot's settings by the Bot Framework's names: a SingleTenant bot asks its own tenant for
its outbound tokens, as the Bot Framework's SDKs do."""

from __future__ import annotations

from bot.settings import BotSettings

TENANT = "7a1c9e2d-3b4f-4c5d-8e6f-9a0b1c2d3e4f"


def test_a_multitenant_bot_gets_its_tokens_from_botframework_com() -> None:
    settings = BotSettings.model_validate({"MicrosoftAppType": "MultiTenant"})
    assert settings.to_channel_login_url == "https://login.microsoftonline.com/botframework.com"


def test_a_single_tenant_bot_gets_its_tokens_from_its_own_tenant() -> None:
    settings = BotSettings.model_validate(
        {"MicrosoftAppType": "SingleTenant", "MicrosoftAppTenantId": TENANT}
    )
    assert settings.to_channel_login_url == f"https://login.microsoftonline.com/{TENANT}"


def test_an_explicit_login_url_wins() -> None:
    settings = BotSettings.model_validate(
        {
            "MicrosoftAppType": "SingleTenant",
            "MicrosoftAppTenantId": TENANT,
            "ToChannelFromBotLoginUrl": "https://127.0.0.1:8440/botframework.com",
        }
    )
    assert settings.to_channel_login_url == "https://127.0.0.1:8440/botframework.com"
