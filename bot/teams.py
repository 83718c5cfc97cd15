"""The Teams surface: the one module that knows botbuilder (DESIGN.md), so a move to the
Microsoft 365 Agents SDK stays a one-module change.

It owns what botbuilder 4.17.1 gets wrong (research/botbuilder-with-the-sandbox.md): a
credentials factory that builds MSAL with the configured authority and CA bundle and keeps one
token cache; an ``/api/messages`` handler of its own, built from ``authenticate_request()`` and
``process_activity()``, that answers 401 to every bad token and 200 with the card to every good
invoke; the tenant read from ``channelData.tenant.id``. Messages are acknowledged at once and
handled in the background, in order per conversation; button presses are answered inline with
a card. What the bot sends goes to the Bot Connector REST API directly (msrest's serializer
costs milliseconds a card), with backoff on 429 and ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

import aiohttp
import httpx
import msal
from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    InvokeResponse,
)
from botframework.connector.auth import (
    ConnectorFactory,
    MicrosoftAppCredentials,
    PasswordServiceClientCredentialFactory,
)
from msrest.universal_http.requests import ClientRetryPolicy

from bot.settings import BotSettings
from bot.turns import Answer, Person, Turn
from i18n.language import speaking
from provisioning.integrations import about

_log = logging.getLogger(__name__)
# msrest builds every client's retry policy by testing 999 status codes against a 500-item
# list (6 ms of CPU), and botbuilder builds clients for every activity and every send: with a
# set the same policy takes 0.1 ms. Nothing else reads the attribute.
ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]
CARD = "application/vnd.microsoft.card.adaptive"
ERROR = "application/vnd.microsoft.error"
# Teams' answer to a bot over its limits, and its other "try again" statuses (rate-limit.md).
_RETRY_STATUSES = frozenset({412, 429, 502, 503, 504})
_MAX_SEND_ATTEMPTS = 6
_MAX_CLIENTS = 64

T = TypeVar("T")
OnTurn = Callable[[Turn], Awaitable[Answer]]
OnSent = Callable[[Turn, str, str], Awaitable[None]]


class SendFailed(Exception):  # noqa: N818 - the channel's verdict on one send
    """Teams refused what the bot sent: ``gone`` when it never will take it (app removed)."""

    def __init__(self, status: int, reason: str, retry_after: float | None, gone: bool) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason
        self.retry_after = retry_after
        self.gone = gone


# botbuilder ships no type hints: its classes are Any to mypy.
class _AppCredentials(MicrosoftAppCredentials):  # type: ignore[misc]
    """botbuilder's app-password credentials with the MSAL application it should have built:
    the configured authority (never discovered: a non-Microsoft host fails discovery) and an
    HTTP client trusting the configured CAs. botbuilder uses ``self.app`` when it is set."""

    def __init__(
        self, app_id: str, password: str, authority: str, scope: str, http: httpx.Client
    ) -> None:
        tenant = authority.rstrip("/").rsplit("/", 1)[-1]
        super().__init__(app_id, password, channel_auth_tenant=tenant, oauth_scope=scope)
        self.oauth_endpoint = authority.rstrip("/")
        self.app = msal.ConfidentialClientApplication(
            app_id,
            client_credential=password,
            authority=self.oauth_endpoint,
            instance_discovery=False,
            azure_region=False,
            http_client=http,
        )


class _CredentialsFactory(PasswordServiceClientCredentialFactory):  # type: ignore[misc]
    """One credentials object (one token cache) per authority and scope."""

    def __init__(self, settings: BotSettings, http: httpx.Client) -> None:
        super().__init__(settings.app_id, settings.app_password.get_secret_value())
        self._settings = settings
        self._http = http
        self._made: dict[tuple[str, str], _AppCredentials] = {}

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> Any:
        """Credentials for ``login_endpoint`` (the configured one when botbuilder has none)."""
        if not await self.is_valid_app_id(app_id):
            raise PermissionError(f"Invalid app id {app_id}")
        authority = login_endpoint or self._settings.to_channel_login_url
        scope = oauth_scope or self._settings.to_channel_scope
        key = (authority, scope)
        if key not in self._made:
            self._made[key] = _AppCredentials(
                app_id, self._settings.app_password.get_secret_value(), authority, scope, self._http
            )
        return self._made[key]


class _ReusedConnectors(ConnectorFactory):  # type: ignore[misc]
    """botbuilder builds a Bot Connector client for every activity and every send (msrest
    configuration, retry policy, pipeline: milliseconds of CPU each); one per app, service URL
    and audience serves them all (the credentials renew their own tokens)."""

    def __init__(self, inner: Any, clients: OrderedDict[tuple[str, str, str], Any]) -> None:
        self._inner = inner
        self._clients = clients

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        """The client for ``service_url``, made once."""
        key = (
            str(getattr(self._inner, "_app_id", "")),
            service_url,
            str(audience or getattr(self._inner, "_to_channel_from_bot_oauth_scope", "")),
        )
        client = self._clients.get(key)
        if client is None:
            client = await self._inner.create(service_url, audience)
            self._clients[key] = client
            while len(self._clients) > _MAX_CLIENTS:
                self._clients.popitem(last=False)
        self._clients.move_to_end(key)
        return client


class _Authentication(ConfigurationBotFrameworkAuthentication):  # type: ignore[misc]
    """botbuilder's authentication, reusing its clients (see ``_ReusedConnectors``)."""

    def __init__(self, configuration: Any, credentials_factory: Any) -> None:
        super().__init__(configuration, credentials_factory=credentials_factory)
        self._clients: OrderedDict[tuple[str, str, str], Any] = OrderedDict()
        self._token_clients: dict[str, Any] = {}

    def reusing(self, factory: Any) -> Any:
        """``factory``, making each client once."""
        return _ReusedConnectors(factory, self._clients) if factory is not None else None

    def create_connector_factory(self, claims_identity: Any) -> Any:
        """The connector factory of proactive sends, reusing clients."""
        return self.reusing(super().create_connector_factory(claims_identity))

    async def create_user_token_client(self, claims_identity: Any) -> Any:
        """One user-token client per app (the bot never uses it, botbuilder makes it anyway)."""
        app_id = str(claims_identity.get_claim_value("aud") or "")
        client = self._token_clients.get(app_id)
        if client is None:
            client = await super().create_user_token_client(claims_identity)
            self._token_clients[app_id] = client
        return client


@dataclass
class _Configuration:
    """botbuilder reads its settings as attributes by these names."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str
    TO_CHANNEL_FROM_BOT_LOGIN_URL: str
    TO_CHANNEL_FROM_BOT_OAUTH_SCOPE: str
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str
    VALIDATE_AUTHORITY: bool = False


def _verify(settings: BotSettings) -> Any:
    return _ssl(settings) or True


def _ssl(settings: BotSettings) -> ssl.SSLContext | None:
    """The configured CAs (the sandbox's, locally); ``None``: the system's."""
    return (
        ssl.create_default_context(cafile=str(settings.ca_bundle)) if settings.ca_bundle else None
    )


def _text(activity: Activity) -> str:
    """The message without the bot's @mention (channels) and without stray markup."""
    text = TurnContext.remove_recipient_mention(activity) or activity.text or ""
    return " ".join(text.replace("&nbsp;", " ").split())


def _tenant(activity: Activity) -> str:
    """Teams' tenant: ``channelData.tenant.id`` (botbuilder drops ``conversation.tenantId``)."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant") if isinstance(data.get("tenant"), dict) else {}
    return str((tenant or {}).get("id") or "")


def _account(account: Any) -> dict[str, str]:
    if account is None:
        return {}
    found = {
        "id": getattr(account, "id", None),
        "name": getattr(account, "name", None),
        "aadObjectId": getattr(account, "aad_object_id", None),
    }
    return {key: str(value) for key, value in found.items() if value}


def _reference(activity: Activity) -> dict[str, Any]:
    """Where to send to this conversation later: a ConversationReference as the Bot Framework
    serializes it (built by hand: msrest's serializer costs a millisecond an activity)."""
    conversation = activity.conversation
    found = {
        "id": conversation.id,
        "conversationType": conversation.conversation_type,
        "tenantId": getattr(conversation, "tenant_id", None),
        "name": conversation.name,
    }
    return {
        "activityId": activity.id,
        "user": _account(activity.from_property),
        "bot": _account(activity.recipient),
        "conversation": {key: str(value) for key, value in found.items() if value},
        "channelId": activity.channel_id,
        "locale": activity.locale,
        "serviceUrl": activity.service_url,
    }


def _turn(activity: Activity, kind: str) -> Turn:
    reference = _reference(activity)
    conversation = activity.conversation
    tenant = _tenant(activity)
    value = activity.value if isinstance(activity.value, dict) else {}
    verb, data = "", {}
    if kind == "action":
        action: dict[str, Any] = value["action"] if isinstance(value.get("action"), dict) else {}
        data = dict(action["data"]) if isinstance(action.get("data"), dict) else {}
        verb = str(action.get("verb") or data.get("verb") or "")
    elif value:
        data = dict(value)  # an Action.Submit fallback: a message carrying the button's data
        verb = str(data.get("verb") or "")
        kind = "action" if verb else kind
    sender = activity.from_property
    return Turn(
        kind=kind,  # type: ignore[arg-type]
        tenant_id=tenant,
        conversation_key=f"{tenant}|{_channel_of(str(conversation.id))}",
        conversation_kind=str(conversation.conversation_type or "personal"),
        reference=reference,
        user=Person(
            str(sender.id or "") if sender else "",
            str(getattr(sender, "aad_object_id", None) or "") if sender else "",
            str(sender.name or "") if sender else "",
        ),
        text=_text(activity) if activity.type == ActivityTypes.message else "",
        verb=verb,
        data=data,
        card_id=activity.reply_to_id,
        locale=str(activity.locale or "en-US"),
    )


def _channel_of(conversation_id: str) -> str:
    """The conversation itself, not one thread of it: in a channel, Teams names a reply chain
    ``<channel id>;messageid=<first message>``, and an admin's message and the press on the
    bot's answer may come from different chains of the same channel."""
    return conversation_id.split(";messageid=", 1)[0]


class _Handler(TeamsActivityHandler):  # type: ignore[misc]
    """Turns Teams' activities into our turns."""

    def __init__(self, surface: TeamsSurface) -> None:
        self.surface = surface

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """A message (or an Action.Submit fallback): acknowledged now, handled in order."""
        self.surface.enqueue(_turn(turn_context.activity, "message"))

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """The app was installed: the welcome card."""
        self.surface.enqueue(_turn(turn_context.activity, "installed"))

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        """The app was removed: nothing can be sent there any more."""
        self.surface.enqueue(_turn(turn_context.activity, "uninstalled"))

    async def on_invoke_activity(self, turn_context: TurnContext) -> Any:
        """A button (``adaptiveCard/action``) is answered here, with the card as plain JSON
        (botbuilder would serialize it node by node through msrest); other invokes as
        botbuilder does (501, which the surface turns into a 400)."""
        activity = turn_context.activity
        if activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        value = activity.value if isinstance(activity.value, dict) else {}
        action = value.get("action")
        if not isinstance(action, dict):
            return _invoke(400, ERROR, {"code": "BadRequest", "message": "No action to run."})
        if action.get("type") != "Action.Execute":
            message = f"The action '{action.get('type')}' is not supported."
            return _invoke(400, ERROR, {"code": "NotSupported", "message": message})
        turn = _turn(activity, "action")
        answer = await self.surface.answer(turn)
        for card in answer.cards:
            self.surface.spawn(self.surface.send_and_remember(turn, card, answer))
        if answer.replace is not None and answer.shared and turn.card_id:
            # Remembered in the background: the answer does not wait on a database write (a
            # notifier looking for the card waits a moment for it).
            self.surface.spawn(self.surface.remember_pressed(turn, answer, turn.card_id))
            # The answer replaces the card for the one who pressed; the update, for everyone.
            self.surface.spawn(
                self.surface.update_quietly(turn.reference, turn.card_id, answer.replace)
            )
        if answer.replace is None:
            # Every button of ours answers with a card; this is a last resort, not a path.
            _log.warning("a %r press was answered without a card", turn.verb[:40])
            return _invoke(200, "application/vnd.microsoft.activity.message", "OK")
        return _invoke(200, CARD, answer.replace)


def _invoke(status: int, kind: str, value: Any) -> InvokeResponse:
    """Universal Actions' answer: HTTP 200, the outcome in the body (botframework-teams §3.2)."""
    return InvokeResponse(status=200, body={"statusCode": status, "type": kind, "value": value})


class _TokenChecker:
    """botbuilder checks tokens with blocking calls now and then (fetching the signing keys):
    it does so on an event loop of its own, so neither the server's loop nor its thread pool
    (busy with the database) ever makes an acknowledgement wait."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="token-checker", daemon=True
        )
        self._thread.start()

    async def check(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the checker's loop; its result."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    def close(self) -> None:
        """Stop the loop and its thread."""
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()


class TeamsSurface:
    """Receives Teams' activities, and sends and updates the bot's messages."""

    def __init__(self, settings: BotSettings, on_turn: OnTurn, on_sent: OnSent) -> None:
        self._settings = settings
        self._on_turn = on_turn
        self._on_sent = on_sent
        self._http = httpx.Client(verify=_verify(settings), timeout=30)
        self._connector_http: aiohttp.ClientSession | None = None
        self._credentials: _AppCredentials | None = None
        self._authentication = _Authentication(
            _Configuration(
                APP_ID=settings.app_id,
                APP_PASSWORD=settings.app_password.get_secret_value(),
                APP_TYPE=settings.app_type,
                APP_TENANTID=settings.app_tenant_id,
                TO_CHANNEL_FROM_BOT_LOGIN_URL=settings.to_channel_login_url,
                TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=settings.to_channel_scope,
                TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=settings.token_issuer,
                TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=settings.openid_metadata_url,
            ),
            credentials_factory=_CredentialsFactory(settings, self._http),
        )
        self._checker = _TokenChecker()
        self._adapter = CloudAdapter(self._authentication)
        self._adapter.on_turn_error = self._turn_error
        self._handler = _Handler(self)
        self._queues: dict[str, asyncio.Queue[Turn]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._rng = random.Random()

    # ------------------------------------------------------------------------ inbound

    async def messages(self, request: web.Request) -> web.Response:
        """``POST /api/messages``: 401 for any token that is not the channel's, 400 for what is
        not an activity, 200 (with the card for a button) for everything else."""
        if request.content_type != "application/json":
            return web.json_response({"error": "expected application/json"}, status=415)
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": "the body is not JSON"}, status=400)
        problem = _shape_problem(body)
        if problem is not None:
            return web.json_response(
                {"error": f"the body is not an activity: {problem}"}, status=400
            )
        try:
            activity = Activity().deserialize(body)
        except Exception:  # msrest raises many kinds on odd shapes
            return web.json_response({"error": "the body is not an activity"}, status=400)
        header = request.headers.get("Authorization", "")
        try:
            auth = await self._checker.check(
                self._authentication.authenticate_request(activity, header)
            )
            auth.connector_factory = self._authentication.reusing(auth.connector_factory)
        except Exception as exc:
            _log.info("refused an activity: %s", type(exc).__name__)
            return web.json_response({"error": "unauthorized"}, status=401)
        if not activity.conversation or not activity.conversation.id or not activity.service_url:
            return web.json_response({"error": "the activity has no conversation"}, status=400)
        try:
            invoke = await self._adapter.process_activity(auth, activity, self._handler.on_turn)
        except Exception:
            _log.exception("an activity could not be handled")
            return web.json_response({"error": "the activity could not be handled"}, status=400)
        if invoke is not None and invoke.status >= 500:
            # botbuilder's 501 for an invoke nobody handles: the sender's mistake, not ours.
            name = str(activity.name or "")[:60]
            return web.json_response(
                {"code": "NotSupported", "message": f"This bot does not handle {name!r} invokes."},
                status=400,
            )
        if invoke is not None:
            return web.json_response(_invoke_body(invoke.body), status=invoke.status)
        return web.Response(status=200)

    async def _turn_error(self, turn_context: TurnContext, error: Exception) -> None:
        _log.error("turn failed", exc_info=error)

    def enqueue(self, turn: Turn) -> None:
        """Handle ``turn`` after the ones of its conversation already waiting."""
        queue = self._queues.setdefault(turn.conversation_key, asyncio.Queue())
        queue.put_nowait(turn)
        worker = self._workers.get(turn.conversation_key)
        if worker is None or worker.done():
            self._workers[turn.conversation_key] = asyncio.create_task(
                self._drain(turn.conversation_key)
            )

    async def _drain(self, key: str) -> None:
        queue = self._queues[key]
        while not queue.empty():
            turn = queue.get_nowait()
            try:
                answer = await self.answer(turn)
                if turn.kind == "action" and answer.replace is not None:
                    await self._submitted(turn, answer, answer.replace)
                for card in answer.cards:
                    await self.send_and_remember(turn, card, answer)
            except Exception:
                _log.exception("handling a %s turn failed", turn.kind)

    async def answer(self, turn: Turn) -> Answer:
        """What the logic says to ``turn`` (its log lines name the tenant and conversation), in
        the language of the admin's Teams client where the bot speaks it."""
        with (
            about(tenant_id=turn.tenant_id, conversation=turn.conversation_key),
            speaking(turn.locale),
        ):
            return await self._on_turn(turn)

    def spawn(self, coroutine: Awaitable[None]) -> None:
        """Run in the background (kept referenced until done)."""
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _submitted(self, turn: Turn, answer: Answer, card: dict[str, Any]) -> None:
        """A button pressed in a client without Universal Actions comes as its Action.Submit
        fallback, a message with no invoke to answer: the pressed card is updated for everyone,
        as Execute's answer would have; what was for the presser alone comes as a card below."""
        if answer.shared and turn.card_id:
            await self.update(turn.reference, turn.card_id, card)
            await self.remember_pressed(turn, answer, turn.card_id)
            return
        activity_id = await self.send(turn.reference, card)
        await self.remember_pressed(turn, answer, activity_id)

    async def remember_pressed(self, turn: Turn, answer: Answer, activity_id: str) -> None:
        """Tell the logic which card now shows ``answer.remember_pressed``, if it asked."""
        if answer.remember_pressed and activity_id:
            await self._on_sent(turn, answer.remember_pressed, activity_id)

    async def send_and_remember(self, turn: Turn, card: dict[str, Any], answer: Answer) -> None:
        """Send one card of ``answer``; tell the logic its id if it asked to remember it."""
        activity_id = await self.send(turn.reference, card)
        index = answer.cards.index(card)
        for subject, position in answer.remember:
            if position == index:
                await self._on_sent(turn, subject, activity_id)

    async def close(self) -> None:
        """Wait for background work, then release the HTTP client."""
        pending = [*self._workers.values(), *self._tasks]
        await asyncio.gather(*pending, return_exceptions=True)
        self._checker.close()
        if self._connector_http is not None:
            await self._connector_http.close()
        self._http.close()

    # ----------------------------------------------------------------------- outbound

    async def send(self, reference: dict[str, Any], card: dict[str, Any]) -> str:
        """Post a card to a conversation; its activity id."""
        answer = await self._connector("POST", reference, "", _message(card))
        return str(answer.get("id") or "")

    async def update(
        self, reference: dict[str, Any], activity_id: str, card: dict[str, Any]
    ) -> None:
        """Replace a card the bot sent earlier, for everyone in the conversation."""
        activity = {**_message(card), "id": activity_id}
        await self._connector("PUT", reference, "/" + quote(activity_id, safe=""), activity)

    async def update_quietly(
        self, reference: dict[str, Any], activity_id: str, card: dict[str, Any]
    ) -> None:
        """``update``, where a refusal only costs the others a stale card (logged)."""
        try:
            await self.update(reference, activity_id, card)
        except SendFailed as exc:
            _log.warning("could not update a card for everyone: %s", exc.status)

    async def _connector(
        self, method: str, reference: dict[str, Any], suffix: str, activity: dict[str, Any]
    ) -> dict[str, Any]:
        """One call of the Bot Connector REST API, with backoff on 429 and Teams' other
        "try again" answers. Called directly rather than through botbuilder's clients: msrest
        serializes a card node by node, milliseconds of CPU for every send."""
        service_url = str(reference.get("serviceUrl") or reference.get("service_url") or "")
        conversation = str((reference.get("conversation") or {}).get("id") or "")
        url = (
            f"{service_url.rstrip('/')}/v3/conversations/{quote(conversation, safe='')}"
            f"/activities{suffix}"
        )
        for attempt in range(1, _MAX_SEND_ATTEMPTS + 1):
            token = await asyncio.to_thread(self._outbound_credentials().get_access_token)
            try:
                async with self._session().request(
                    method, url, json=activity, headers={"Authorization": f"Bearer {token}"}
                ) as response:
                    text = await response.text()
                    if 200 <= response.status < 300:
                        body = json.loads(text) if text.strip() else {}
                        return body if isinstance(body, dict) else {}
                    failure = _failure(response.status, response.headers, text)
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                failure = SendFailed(0, f"{type(exc).__name__}: {exc}", None, False)
            if failure.status not in _RETRY_STATUSES or attempt == _MAX_SEND_ATTEMPTS:
                raise failure
            delay = failure.retry_after or min(30.0, 0.5 * 2**attempt)
            await asyncio.sleep(delay * self._rng.uniform(1.0, 1.2))
        raise AssertionError("unreachable")  # pragma: no cover

    def _session(self) -> aiohttp.ClientSession:
        # aiohttp rather than httpx here: httpx's pool spends milliseconds per request once
        # many conversations are sent to at once.
        if self._connector_http is None:
            self._connector_http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=_ssl(self._settings) or True, limit=100),
                timeout=aiohttp.ClientTimeout(total=30),
            )
        return self._connector_http

    def _outbound_credentials(self) -> _AppCredentials:
        if self._credentials is None:
            self._credentials = _AppCredentials(
                self._settings.app_id,
                self._settings.app_password.get_secret_value(),
                self._settings.to_channel_login_url,
                self._settings.to_channel_scope,
                self._http,
            )
        return self._credentials


def _message(card: dict[str, Any]) -> dict[str, Any]:
    return {"type": "message", "attachments": [{"contentType": CARD, "content": card}]}


def _shape_problem(body: Any) -> str | None:
    """What keeps ``body`` from being an activity botbuilder can authenticate and route."""
    if not isinstance(body, dict):
        return "not a JSON object"
    for field in ("type", "serviceUrl", "channelId"):
        if not isinstance(body.get(field), str) or not body[field]:
            return f"{field} is missing"
    conversation = body.get("conversation")
    if not isinstance(conversation, dict) or not isinstance(conversation.get("id"), str):
        return "conversation.id is missing"
    # A message's value may be anything (a Submit fallback's data); an invoke's is an object.
    invoke = body["type"] == "invoke"
    for field in ("from", "recipient", "channelData", *(("value",) if invoke else ())):
        if body.get(field) is not None and not isinstance(body[field], dict):
            return f"{field} is not an object"
    return None


def _invoke_body(body: Any) -> Any:
    """An invoke answer as JSON. botbuilder puts an ``Exception`` in the value of the errors it
    answers itself (an action that is not Action.Execute…), which msrest cannot serialize:
    those become the ``{code, message}`` Microsoft's error type carries."""
    if isinstance(getattr(body, "value", None), Exception):
        error: Exception = body.value
        code, message = [*map(str, error.args), "BadRequest", str(error)][:2]
        return {
            "statusCode": int(body.status_code or 400),
            "type": body.type or "application/vnd.microsoft.error",
            "value": {"code": code, "message": message},
        }
    return body.serialize() if hasattr(body, "serialize") else body


def _retry_after(raw: str | None, now: float) -> float | None:
    """``Retry-After`` in seconds: given as seconds or as an HTTP date (RFC 9110 §10.2.3)."""
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(raw).timestamp() - now)
    except (TypeError, ValueError):
        return None


def _failure(status: int, headers: Mapping[str, str], body: str) -> SendFailed:
    retry_after = _retry_after(headers.get("Retry-After"), time.time())
    text = body[:300]
    # The app was removed from the conversation (Teams' 403 MessageWritesBlocked), or the
    # conversation is gone: never worth another try.
    gone = status == 404 or (status == 403 and "MessageWritesBlocked" in text)
    return SendFailed(status, text, retry_after, gone or status == 403)
