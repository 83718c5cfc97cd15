"""The pages the Teams app package links to (website, privacy, terms of use) when the provider
has no pages of its own: what the bot keeps, and for how long."""

from __future__ import annotations

from aiohttp import web

from bot.sign_in_pages import page
from i18n.text import N_, say, t

# Marked only: said in the browser's language when a page is asked for.
_ABOUT = N_(
    "This bot connects a Microsoft 365 organization to its voice provider through Teams Direct "
    "Routing. An admin chats with it in Teams, signs in to Microsoft twice and approves each step."
)
_PRIVACY = N_(
    "The bot keeps: the two sign-ins of the admin (encrypted, used only to set up and remove the "
    "integration, deleted when the integration is removed); the organization's id, name and "
    "initial domain; the conversations it was installed in, so it can update its cards; a record "
    "of each change it made and who approved it. It reads the organization's users, licences and "
    "domains only to check readiness and to set up Direct Routing. Nothing is shared with anyone "
    "but the voice provider that runs it."
)
_TERMS = N_(
    "The voice provider that runs this bot offers it to its customers under its service "
    "agreement. Only admins of an organization can change anything, and every change can be "
    "undone with the remove command."
)


async def about(request: web.Request) -> web.Response:
    """``GET /``."""
    return page(t("Direct Routing bot"), say(_ABOUT))


async def privacy(request: web.Request) -> web.Response:
    """``GET /privacy``."""
    return page(t("Privacy"), say(_PRIVACY))


async def terms(request: web.Request) -> web.Response:
    """``GET /terms``."""
    return page(t("Terms of use"), say(_TERMS))
