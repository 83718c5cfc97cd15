"""The sign-in pages: ``/auth/start`` (a signed link from a card, on to Microsoft) and
``/auth/callback`` (Microsoft's answer). The browser ends on a short page; the conversation
moves on by itself."""

from __future__ import annotations

import html
import logging
import secrets
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.links import LINK_TTL_SECONDS, LinkError, LinkSigner
from bot.views import said
from i18n.language import active
from i18n.text import t
from provisioning.integrations import Integrations, SignedIn, SignInBinding, SignInError

_log = logging.getLogger(__name__)
# The browser a sign-in started in; only it can finish the sign-in (RFC 6749 §10.12).
COOKIE = "__Host-sign-in"
AfterSignIn = Callable[[SignedIn | None, SignInBinding | None, str], Awaitable[None]]


def page(title: str, text: str, status: int = 200) -> web.Response:
    """A small page the admin reads in the browser tab, in the language being spoken (the
    caller's, from the browser's Accept-Language)."""
    lang = html.escape(active().language)
    body = f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;
line-height:1.5;color:#242424}}h1{{font-size:1.4rem}}</style></head>
<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"""
    return web.Response(status=status, text=body, content_type="text/html")


class SignInPages:
    """The two routes, and what happens in the conversation afterwards."""

    def __init__(
        self,
        integrations: Integrations,
        links: LinkSigner,
        authority: str,
        after: AfterSignIn,
        sign_in_page: str | None = None,
    ) -> None:
        self._integrations = integrations
        self._links = links
        self._allowed = tuple(
            place.rstrip("/") + "/" for place in (authority, sign_in_page) if place
        )
        self._after = after

    async def start(self, request: web.Request) -> web.Response:
        """``GET /auth/start?t=…``: check the link, start the sign-in, go to Microsoft."""
        try:
            wanted = self._links.check(request.query.get("t", ""), time.time())
        except LinkError as exc:
            return page(t("This sign-in link does not work"), str(exc), 400)
        binding = SignInBinding(
            wanted.purpose,
            tenant_id=wanted.tenant_id,
            user_id=wanted.user_id,
            conversation=wanted.conversation,
        )
        browser = request.cookies.get(COOKIE) or secrets.token_urlsafe(32)
        started = await self._integrations.begin_sign_in(binding, browser=browser)
        if not started.auth_uri.startswith(self._allowed):
            # Only ever to the configured authority: never an open redirect.
            _log.error("refused to redirect a sign-in outside the configured authority")
            return page(t("Sign-in is misconfigured"), t("Tell the provider."), 500)
        response = web.Response(status=302, headers={"Location": started.auth_uri})
        # Microsoft posts the answer back (form_post), a cross-site request: SameSite=None.
        response.set_cookie(
            COOKIE,
            browser,
            max_age=int(LINK_TTL_SECONDS),
            path="/",
            secure=True,
            httponly=True,
            samesite="None",
        )
        return response

    async def callback(self, request: web.Request) -> web.Response:
        """``/auth/callback``: Microsoft's answer (posted, or in the query)."""
        if request.method == "POST":
            form = await request.post()
            response = {k: str(v) for k, v in form.items()}
        else:
            response = dict(request.query)
        try:
            signed = await self._integrations.complete_sign_in(
                response, request.cookies.get(COOKIE, "")
            )
        except SignInError as exc:
            await self._after(None, exc.binding, exc.reason)
            return page(t("The sign-in did not work"), said(exc.reason), 400)
        await self._after(signed, signed.binding, "")
        who = signed.user_principal_name or signed.display_name or t("an admin")
        return page(
            t("Signed in"),
            t(
                "You are signed in as {who}. You can close this tab: the chat goes on by itself.",
                who=who,
            ),
        )
