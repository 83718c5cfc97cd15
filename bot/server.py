"""The bot's web application: ``/api/messages`` for Teams, the sign-in pages, a health check,
and the delivery of the engine's notifications."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Handler
from sqlalchemy import Engine

import cards
from bot import about_pages
from bot.change_hints import ChangeHints
from bot.conversations import ConversationStore
from bot.dialogue import Dialogue
from bot.export_page import EXPORT_LINKS, ExportPage
from bot.health import add_probes
from bot.links import LinkSigner
from bot.notifier import Notifier
from bot.settings import BotSettings
from bot.sign_in_pages import SignInPages
from bot.teams import SendFailed, TeamsSurface
from bot.turns import Person, Turn
from cards.models import Button, Notice
from i18n.catalogue import accepted_locales
from i18n.language import speaking
from i18n.text import t
from provisioning.integrations import Integrations, Purpose, SignedIn, SignInBinding


@dataclass
class Bot:
    """The bot's parts, for the process that serves it (and for tests)."""

    app: web.Application
    surface: TeamsSurface
    dialogue: Dialogue
    conversations: ConversationStore


@web.middleware
async def _in_the_browsers_language(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Pages (sign-in, about) in the browser's language; a turn speaks its activity's."""
    with speaking(*accepted_locales(request.headers.get("Accept-Language"))):
        return await handler(request)


def build_bot(
    settings: BotSettings,
    integrations: Integrations,
    engine: Engine,
    key: bytes,
    authority: str,
    notifier_owner: str,
    deliver_notifications: bool = True,
    sign_in_page: str | None = None,
) -> Bot:
    """Everything the bot serves, wired."""
    conversations = ConversationStore(engine)
    links = LinkSigner(key)
    export_links = LinkSigner(key, EXPORT_LINKS)
    dialogue = Dialogue(
        integrations, conversations, links, settings.public_url, settings.admin_cache_seconds
    )
    surface = TeamsSurface(settings, dialogue.on_turn, dialogue.on_sent)
    dialogue.user_commands.attach(surface.send, surface.update)
    dialogue.user_commands.exports(export_links, settings.public_url)

    async def after_sign_in(
        signed: SignedIn | None, binding: SignInBinding | None, error: str
    ) -> None:
        if binding is None or not binding.conversation or not binding.tenant_id:
            return
        reference = await asyncio.to_thread(conversations.reference, binding.conversation)
        if reference is None:
            return
        # The conversation hears of it in its own language, whatever the browser spoke.
        with speaking(reference.get("locale")):
            turn = Turn(
                kind="message",
                tenant_id=binding.tenant_id,
                conversation_key=binding.conversation,
                conversation_kind="personal",
                reference=reference,
                user=Person("", binding.user_id or "", ""),
            )
            with contextlib.suppress(SendFailed):
                if error:
                    await surface.send(
                        reference,
                        cards.notice(
                            Notice(
                                t("The sign-in did not work"),
                                error,
                                buttons=(Button(t("Connect"), "connect", dialogue.scope(turn)),),
                                tone="attention",
                            )
                        ),
                    )
                    return
                card = await dialogue.wizard(turn)
                card_id = await asyncio.to_thread(
                    conversations.card, binding.conversation, "wizard"
                )
                if card_id:
                    await surface.update(reference, card_id, card)
                else:
                    sent = await surface.send(reference, card)
                    await asyncio.to_thread(
                        conversations.keep_card, binding.conversation, "wizard", sent, time.time()
                    )
            if binding.purpose == Purpose.GRAPH.value and binding.user_id:
                # The admin's next press is on the wizard: have their roles at hand by then.
                await dialogue.admin(turn)

    pages = SignInPages(integrations, links, authority, after_sign_in, sign_in_page)
    app = web.Application(middlewares=[_in_the_browsers_language])
    app.router.add_post("/api/messages", surface.messages)
    app.router.add_get("/auth/start", pages.start)
    app.router.add_get("/auth/callback", pages.callback)
    app.router.add_post("/auth/callback", pages.callback)
    app.router.add_get("/export", ExportPage(integrations, export_links).download)
    add_probes(app, engine, integrations)
    app.router.add_get("/", about_pages.about)
    app.router.add_get("/privacy", about_pages.privacy)
    app.router.add_get("/terms", about_pages.terms)
    notifier = Notifier(dialogue, conversations, surface)
    stop = asyncio.Event()
    background: list[asyncio.Task[None]] = []

    hints = ChangeHints(integrations, conversations, surface, settings.change_hint_seconds)

    async def deliver_in_background(app: web.Application) -> None:
        loop = integrations.notifier(notifier.deliver, notifier_owner).run_forever(stop)
        background.append(asyncio.create_task(loop))
        background.append(asyncio.create_task(hints.run_forever(stop)))

    async def wind_down(app: web.Application) -> None:
        stop.set()
        await dialogue.user_commands.close()
        await asyncio.gather(*background)
        await surface.close()

    if deliver_notifications:
        app.on_startup.append(deliver_in_background)
    app.on_cleanup.append(wind_down)
    return Bot(app, surface, dialogue, conversations)
