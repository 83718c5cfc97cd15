"""What users and bots do in the channel: the operations behind the connector API and the chat
page, independent of HTTP."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sandbox.channel import activities
from sandbox.channel.delivery import Deliverer, Delivery
from sandbox.channel.hub import Hub
from sandbox.channel.limits import PER_CONVERSATION, PER_TENANT, SlidingWindows
from sandbox.channel.model import (
    Bot,
    ChannelStore,
    Conversation,
    Member,
    Posted,
    activity_id,
    thread_of,
)
from sandbox.directory.store import Directory
from sandbox.signing import SigningKey

CARD = "application/vnd.microsoft.card.adaptive"


class ChannelError(Exception):
    """A connector call Teams would refuse: HTTP status, error code and message."""

    def __init__(self, status: int, code: str, message: str, sub_code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.sub_code = status, code, message, sub_code

    def body(self) -> dict[str, Any]:
        """Teams' error body."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.sub_code:
            error["subCode"] = self.sub_code
        return {"error": error}


class ChannelService:
    """The channel's behaviour, shared by the connector API (bots) and the chat page (users)."""

    def __init__(
        self,
        store: ChannelStore,
        directory: Directory,
        key: SigningKey,
        now: Callable[[], float],
        service_url: Callable[[], str],
        invoke_timeout: Callable[[], float],
    ) -> None:
        self.store = store
        self.directory = directory
        self.hub = Hub()
        self.deliverer = Deliverer(key)
        self.per_conversation = SlidingWindows(PER_CONVERSATION)
        self.per_tenant = SlidingWindows(PER_TENANT)
        self._now = now
        self._service_url = service_url
        self._invoke_timeout = invoke_timeout
        # Each user's Teams client language, as the client last said it: (tenant, object id).
        self._locales: dict[tuple[str, str], str] = {}

    def reset(self) -> None:
        """Forget conversations and rate-limit counts."""
        self.per_conversation.clear()
        self.per_tenant.clear()

    # ------------------------------------------------------------------------------ people

    def member(self, tenant_id: str, user_ref: str) -> Member:
        """A user of the directory as a conversation member."""
        tenant = self.directory.get(tenant_id)
        user = tenant.find_user(user_ref) if tenant is not None else None
        if tenant is None or user is None:
            raise ChannelError(404, "NotFound", f"No user {user_ref} in tenant {tenant_id}.")
        return Member(
            tenant.id,
            user.id,
            user.display_name,
            user.user_principal_name,
            user.given_name,
            user.surname,
            self._locales.get((tenant.id, user.id), "en-US"),
        )

    def client_locale(self, tenant_id: str, user_ref: str, locale: str) -> None:
        """The user's Teams client runs in ``locale`` (a BCP 47 tag such as ``de-DE``) from now
        on: their activities carry it."""
        member = self.member(tenant_id, user_ref)
        self._locales[(member.tenant_id, member.object_id)] = locale

    def bot(self, app_id: str) -> Bot:
        """A registered bot."""
        bot = self.store.bots.get(app_id)
        if bot is None:
            raise ChannelError(404, "BotNotFound", f"No bot is registered with app id {app_id}.")
        return bot

    def conversation(self, conversation_id: str) -> Conversation:
        """A conversation by id (a channel thread names its channel)."""
        conversation = self.store.get(conversation_id)
        if conversation is None:
            raise ChannelError(404, "ConversationNotFound", "Conversation not found.")
        return conversation

    def team(self, team_id: str) -> Conversation:
        """A team by id (its General channel's id)."""
        team = self.store.team(team_id)
        if team is None:
            raise ChannelError(404, "NotFound", "Team not found.")
        return team

    # --------------------------------------------------------------------------- the user

    async def _deliver(self, conversation: Conversation, activity: dict[str, Any]) -> Delivery:
        timeout = self._invoke_timeout() if activity["type"] == "invoke" else 30.0
        return await self.deliverer.send(conversation.bot, activity, self._now(), timeout)

    async def open(
        self, bot_id: str, tenant_id: str, user_ref: str, kind: str = "personal", team: str = ""
    ) -> tuple[Conversation, list[Delivery]]:
        """The user opens the bot's chat (or a team channel); the app is installed if needed."""
        bot, member = self.bot(bot_id), self.member(tenant_id, user_ref)
        if kind == "channel":
            conversation, fresh = self.store.open_channel(
                bot, tenant_id, team or "Voice Team", [member]
            )
        else:
            conversation, fresh = self.store.open_personal(bot, member)
        deliveries: list[Delivery] = []
        if fresh:
            url, now = self._service_url(), self._now()
            for activity in (
                activities.installation_update(conversation, member, "add", url, now),
                activities.members_added(conversation, member, url, now),
            ):
                deliveries.append(await self._deliver(conversation, activity))
        return conversation, deliveries

    def _post_user(self, conversation: Conversation, activity: dict[str, Any]) -> None:
        shown = copy.deepcopy(activity)
        self._store(conversation, shown, thread_of(activity["conversation"]["id"]))

    async def say(
        self,
        conversation: Conversation,
        user_ref: str,
        text: str,
        value: dict[str, Any] | None = None,
        card_activity_id: str | None = None,
    ) -> tuple[dict[str, Any], Delivery]:
        """The user sends a message (or submits a card, with ``value``, from the card
        ``card_activity_id``)."""
        member = self._member_of(conversation, user_ref)
        card = conversation.posted.get(card_activity_id or "") if value is not None else None
        activity = activities.message(
            conversation,
            member,
            text,
            self._service_url(),
            self._now(),
            value,
            card_activity_id if value is not None else None,
            card.thread if card is not None else None,
        )
        if value is None:
            self._post_user(conversation, activity)
        return activity, await self._deliver(conversation, activity)

    async def click(
        self,
        conversation: Conversation,
        user_ref: str,
        card_activity_id: str,
        action: dict[str, Any],
        trigger: str = "manual",
    ) -> Delivery:
        """``Action.Execute``: the bot's answer replaces the card for the clicking user."""
        member = self._member_of(conversation, user_ref)
        posted = conversation.posted.get(card_activity_id)
        if posted is None or posted.deleted:
            raise ChannelError(404, "ActivityNotFound", "The card is no longer there.")
        activity = activities.card_action(
            conversation,
            member,
            card_activity_id,
            action,
            trigger,
            self._service_url(),
            self._now(),
            posted.thread,
        )
        delivery = await self._deliver(conversation, activity)
        body = delivery.body if isinstance(delivery.body, dict) else {}
        replaced = body.get("type") == CARD and body.get("statusCode", 200) == 200
        if delivery.status == 200 and replaced:
            posted.views[member.object_id] = body["value"]
            self.hub.publish(
                conversation.id,
                {"kind": "update", "activity": self.view(posted, member.object_id)},
                only=member.object_id,
            )
        return delivery

    async def uninstall(self, conversation: Conversation, user_ref: str) -> Delivery:
        """The user removes the app: the bot is told, and may no longer write here."""
        member = self._member_of(conversation, user_ref)
        conversation.installed = False
        activity = activities.installation_update(
            conversation, member, "remove", self._service_url(), self._now()
        )
        return await self._deliver(conversation, activity)

    def _member_of(self, conversation: Conversation, user_ref: str) -> Member:
        member = conversation.member(user_ref)
        if member is None:
            member = self.member(conversation.tenant_id, user_ref)
            if conversation.kind == "personal":
                raise ChannelError(403, "Forbidden", "Not a member of this conversation.")
            conversation.members.append(member)
        locale = self._locales.get((member.tenant_id, member.object_id), "en-US")
        return member if member.locale == locale else replace(member, locale=locale)

    # ---------------------------------------------------------------------------- the bot

    def check_writable(self, conversation: Conversation, app_id: str) -> None:
        """Refuse writes from a bot that is not (or no longer) installed here."""
        if conversation.bot.app_id != app_id:
            raise ChannelError(
                403, "BotNotInConversationRoster", "The bot is not part of the conversation roster."
            )
        if not conversation.installed:
            raise ChannelError(
                403,
                "Forbidden",
                "The app was uninstalled from this conversation; it can no longer send messages.",
                sub_code="MessageWritesBlocked",
            )

    def throttle(self, app_id: str, tenant_id: str, conversation_id: str | None) -> float | None:
        """Seconds to wait when a call goes over Teams' limits, else ``None`` (and counted)."""
        wait = self.per_tenant.take(f"{app_id}/{tenant_id}")
        if wait is None and conversation_id is not None:
            wait = self.per_conversation.take(f"{app_id}/{conversation_id}")
        if wait is not None:
            self.store.throttled[app_id] += 1
        return wait

    def _store(
        self, conversation: Conversation, activity: dict[str, Any], thread: str | None = None
    ) -> Posted:
        posted = Posted(activity)
        if conversation.kind == "channel":
            posted.thread = thread or str(activity["id"])
        conversation.posted[activity["id"]] = posted
        for listener in {m.object_id for m in conversation.members}:
            self.hub.publish(
                conversation.id,
                {"kind": "activity", "activity": self.view(posted, listener)},
                only=listener,
            )
        return posted

    def bot_sends(
        self,
        conversation: Conversation,
        activity: dict[str, Any],
        reply_to: str | None = None,
        thread: str | None = None,
    ) -> str:
        """A message from the bot appears in the conversation (in a channel: in ``thread``, or as
        a new post that starts its own); its new id."""
        stored = copy.deepcopy(activity)
        stored["id"] = activity_id()
        stored["from"] = {"id": conversation.bot.mri, "name": conversation.bot.name}
        if reply_to is not None:
            stored["replyToId"] = reply_to
        stored["timestamp"] = activities.envelope(
            conversation, None, "message", self._service_url(), self._now()
        )["timestamp"]
        self._store(conversation, stored, thread)
        return str(stored["id"])

    def bot_updates(
        self, conversation: Conversation, target: str, activity: dict[str, Any]
    ) -> None:
        """The bot edits one of its messages: everyone sees the new version."""
        posted = conversation.posted.get(target)
        if posted is None or posted.deleted:
            raise ChannelError(404, "ActivityNotFound", "Unknown activityId.")
        if posted.activity.get("from", {}).get("id") != conversation.bot.mri:
            raise ChannelError(403, "Forbidden", "A bot can only update its own messages.")
        updated = copy.deepcopy(activity)
        updated["id"] = target
        updated["from"] = posted.activity["from"]
        updated["timestamp"] = posted.activity.get("timestamp")
        posted.activity = updated
        posted.views.clear()
        for member in conversation.members:
            self.hub.publish(
                conversation.id,
                {"kind": "update", "activity": self.view(posted, member.object_id)},
                only=member.object_id,
            )

    def bot_deletes(self, conversation: Conversation, target: str) -> None:
        """The bot deletes one of its messages."""
        posted = conversation.posted.get(target)
        if posted is None or posted.deleted:
            raise ChannelError(404, "ActivityNotFound", "Unknown activityId.")
        posted.deleted = True
        self.hub.publish(conversation.id, {"kind": "delete", "id": target})

    # ---------------------------------------------------------------------------- views

    def view(self, posted: Posted, user_oid: str) -> dict[str, Any]:
        """An activity as ``user_oid`` sees it (with their Action.Execute result, if any)."""
        activity = posted.activity
        attachments = activity.get("attachments") or []
        override = posted.views.get(user_oid)
        if override is not None:
            attachments = [{"contentType": CARD, "content": override}]
        sender = activity.get("from", {})
        return {
            "id": activity["id"],
            "from": sender.get("id", ""),
            "fromBot": str(sender.get("id", "")).startswith("28:"),
            "name": sender.get("name", ""),
            "text": activity.get("text") or "",
            "textFormat": activity.get("textFormat", "markdown"),
            "attachments": attachments,
            "replyToId": activity.get("replyToId"),
            "timestamp": activity.get("timestamp"),
        }

    def history(self, conversation: Conversation, user_oid: str) -> list[dict[str, Any]]:
        """What the user sees in the conversation, oldest first."""
        return [self.view(p, user_oid) for p in conversation.posted.values() if not p.deleted]
