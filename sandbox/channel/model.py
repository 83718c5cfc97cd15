"""Bots registered with the channel, conversations and the activities in them."""

from __future__ import annotations

import hashlib
import itertools
import secrets
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

CHANNEL_ID = "msteams"


@dataclass(frozen=True)
class Bot:
    """A bot registration: its app id (``28:<app id>`` in Teams), name and messaging endpoint."""

    app_id: str
    name: str
    endpoint: str

    @property
    def mri(self) -> str:
        """The bot's id in conversations."""
        return f"28:{self.app_id}"

    def to_json(self) -> dict[str, Any]:
        """The registration as the control API shows it."""
        return {"app_id": self.app_id, "name": self.name, "endpoint": self.endpoint}


def user_mri(tenant_id: str, object_id: str) -> str:
    """A user's Teams id (``29:…``): opaque, stable per tenant and user."""
    digest = hashlib.sha256(f"{tenant_id}/{object_id}".encode()).hexdigest()
    return f"29:1{digest[:43]}"


@dataclass(frozen=True)
class Member:
    """A human member of a conversation, as the connector's members calls describe it."""

    tenant_id: str
    object_id: str
    name: str
    upn: str
    given_name: str | None = None
    surname: str | None = None
    # The language of the member's Teams client: Teams sends it as the activity's ``locale``
    # and in the ``clientInfo`` entity (Microsoft Learn, "Localize your app", handle localized
    # text submissions; research/botframework-teams.md §3.1 shows both fields).
    locale: str = "en-US"

    @property
    def mri(self) -> str:
        """The member's id in conversations."""
        return user_mri(self.tenant_id, self.object_id)

    def account(self) -> dict[str, Any]:
        """``from`` of the member's activities."""
        return {"id": self.mri, "name": self.name, "aadObjectId": self.object_id}

    def to_json(self) -> dict[str, Any]:
        """A ``TeamsChannelAccount``."""
        return {
            "id": self.mri,
            "name": self.name,
            "aadObjectId": self.object_id,
            "objectId": self.object_id,
            "givenName": self.given_name,
            "surname": self.surname,
            "email": self.upn,
            "userPrincipalName": self.upn,
            "tenantId": self.tenant_id,
            "userRole": "user",
        }


@dataclass
class Posted:
    """An activity shown in a conversation, with what each user sees of it."""

    activity: dict[str, Any]
    # A card an Action.Execute answer put in place of the original, for the clicking user only.
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: bool = False
    # In a channel: the id of the post that starts its thread (its own id for a new post).
    thread: str | None = None


THREAD_MARK = ";messageid="


def thread_of(conversation_id: str) -> str | None:
    """The thread root a channel conversation id names (``19:…@thread.tacv2;messageid=1``)."""
    _, mark, root = conversation_id.partition(THREAD_MARK)
    return root if mark and root else None


_ids = itertools.count(int(time.time() * 1000))


def activity_id() -> str:
    """Teams' activity ids are millisecond timestamps; unique within the process."""
    return str(next(_ids))


@dataclass
class Conversation:
    """A personal chat between one user and a bot, or a team channel the bot is installed in."""

    id: str
    kind: str  # "personal" | "channel"
    tenant_id: str
    bot: Bot
    members: list[Member]
    # In a team: the team's id, which is its General channel's (this conversation's) id, and the
    # id of the Microsoft 365 group behind the team.
    team_id: str | None = None
    group_id: str | None = None
    name: str | None = None
    installed: bool = True
    posted: dict[str, Posted] = field(default_factory=dict)

    def conversation_json(self, thread: str | None = None) -> dict[str, Any]:
        """``conversation`` of an activity in this conversation."""
        if self.kind == "personal":
            return {"conversationType": "personal", "tenantId": self.tenant_id, "id": self.id}
        # "This is the format the Teams service uses to route messages to a specific thread in a
        # channel" (Microsoft Teams SDK, ConversationExtensions.ToThreadedConversationId).
        conversation_id = f"{self.id}{THREAD_MARK}{thread}" if thread else self.id
        return {
            "isGroup": True,
            "conversationType": "channel",
            "tenantId": self.tenant_id,
            "id": conversation_id,
            "name": self.name,
        }

    def channel_data(self) -> dict[str, Any]:
        """``channelData`` Teams adds to every activity of this conversation."""
        data: dict[str, Any] = {"tenant": {"id": self.tenant_id}}
        if self.kind == "channel":
            # msteams-docs get-teams-context.md: "The channel ID for the General channel always
            # matches the team ID", and its name is null "to allow for localization".
            data |= {
                "teamsChannelId": self.id,
                "teamsTeamId": self.team_id,
                "channel": {"id": self.id},
                "team": {"id": self.team_id},
            }
        return data

    def member(self, ref: str) -> Member | None:
        """A member by Teams id, object id or UPN."""
        ref_lower = ref.lower()
        for member in self.members:
            if ref in (member.mri, member.object_id) or member.upn.lower() == ref_lower:
                return member
        return None


class ChannelStore:
    """Every bot and conversation of the channel."""

    def __init__(self) -> None:
        self.bots: dict[str, Bot] = {}
        self.conversations: dict[str, Conversation] = {}
        # How many calls of each bot were answered 429 (for tests and benchmarks to check).
        self.throttled: Counter[str] = Counter()

    def clear(self) -> None:
        """Forget everything (sandbox reset)."""
        self.bots.clear()
        self.conversations.clear()
        self.throttled.clear()

    def register(self, bot: Bot) -> None:
        """Add or replace a bot registration; conversations follow it to its new endpoint."""
        self.bots[bot.app_id] = bot
        # The messaging endpoint is a setting of the bot resource ("The endpoint to communicate
        # with your bot", learn.microsoft.com/azure/bot-service/bot-service-manage-settings), not
        # of a conversation: changing it applies to conversations that already exist.
        for conversation in self.conversations.values():
            if conversation.bot.app_id == bot.app_id:
                conversation.bot = bot

    def get(self, conversation_id: str) -> Conversation | None:
        """A conversation by id; a channel thread's id (``…;messageid=…``) names its channel."""
        return self.conversations.get(conversation_id.split(";", 1)[0])

    def team(self, team_id: str) -> Conversation | None:
        """A team by id: the General channel the bot is installed in."""
        conversation = self.get(team_id)
        if conversation is None or conversation.kind != "channel":
            return None
        return conversation

    def personal(self, app_id: str, tenant_id: str, member_ref: str) -> Conversation | None:
        """A user's personal chat with the bot, if the app was ever installed for them."""
        for conversation in self.conversations.values():
            if (
                conversation.kind == "personal"
                and conversation.bot.app_id == app_id
                and conversation.tenant_id == tenant_id
                and conversation.member(member_ref) is not None
            ):
                return conversation
        return None

    def open_personal(self, bot: Bot, member: Member) -> tuple[Conversation, bool]:
        """The personal chat, created (installed) if needed; whether it was newly installed."""
        existing = self.personal(bot.app_id, member.tenant_id, member.object_id)
        if existing is not None:
            fresh = not existing.installed
            existing.installed = True
            return existing, fresh
        conversation = Conversation(
            id=f"a:1{secrets.token_urlsafe(48)}",
            kind="personal",
            tenant_id=member.tenant_id,
            bot=bot,
            members=[member],
        )
        self.conversations[conversation.id] = conversation
        return conversation, True

    def open_channel(
        self, bot: Bot, tenant_id: str, team: str, members: list[Member]
    ) -> tuple[Conversation, bool]:
        """The General channel of ``team`` with the bot installed; whether newly installed."""
        for conversation in self.conversations.values():
            if (
                conversation.kind == "channel"
                and conversation.bot.app_id == bot.app_id
                and conversation.tenant_id == tenant_id
                and conversation.name == team
            ):
                known = {m.object_id for m in conversation.members}
                conversation.members += [m for m in members if m.object_id not in known]
                fresh = not conversation.installed
                conversation.installed = True
                return conversation, fresh
        general = f"19:{secrets.token_hex(16)}@thread.tacv2"
        conversation = Conversation(
            id=general,
            kind="channel",
            tenant_id=tenant_id,
            bot=bot,
            members=list(members),
            team_id=general,
            group_id=str(uuid.uuid4()),
            name=team,
        )
        self.conversations[conversation.id] = conversation
        return conversation, True
