"""Activities as Teams sends them to a bot (research/botframework-teams.md §3.1, §3.2)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sandbox.channel.model import CHANNEL_ID, Conversation, Member, activity_id


def _timestamp(now: float) -> str:
    return (
        datetime.fromtimestamp(now, tz=UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def envelope(
    conversation: Conversation,
    sender: Member | None,
    kind: str,
    service_url: str,
    now: float,
    thread: str | None = None,
) -> dict[str, Any]:
    """What every activity to the bot carries: ids, addressing, tenant."""
    bot = conversation.bot
    activity: dict[str, Any] = {
        "type": kind,
        "id": activity_id(),
        "timestamp": _timestamp(now),
        "localTimestamp": _timestamp(now),
        "serviceUrl": service_url,
        "channelId": CHANNEL_ID,
        "from": sender.account() if sender else {"id": bot.mri},
        "conversation": conversation.conversation_json(thread),
        "recipient": {"id": bot.mri, "name": bot.name},
        "channelData": conversation.channel_data(),
        "locale": sender.locale if sender else "en-US",
    }
    if sender is not None:
        country = sender.locale.rpartition("-")[2].upper() if "-" in sender.locale else ""
        activity["entities"] = [
            {"type": "clientInfo", "locale": sender.locale, "country": country, "platform": "Web"}
        ]
    return activity


def message(
    conversation: Conversation,
    sender: Member,
    text: str,
    service_url: str,
    now: float,
    value: dict[str, Any] | None = None,
    card_activity_id: str | None = None,
    thread: str | None = None,
) -> dict[str, Any]:
    """A message the user typed; in a channel the bot only hears it @mentioned. A channel
    message starts a thread of its own, unless it is sent from within ``thread`` (a card's
    Action.Submit)."""
    activity = envelope(conversation, sender, "message", service_url, now)
    activity["textFormat"] = "plain"
    if conversation.kind == "channel":
        activity["conversation"] = conversation.conversation_json(thread or activity["id"])
        at = f"<at>{conversation.bot.name}</at>"
        text = f"{at} {text}".strip()
        activity["entities"].append(
            {
                "type": "mention",
                "mentioned": {"id": conversation.bot.mri, "name": conversation.bot.name},
                "text": at,
            }
        )
    activity["text"] = text
    if value is not None:
        # Action.Submit: the card's data merged with its inputs, and no text.
        activity["value"] = value
        activity["text"] = ""
        if card_activity_id:
            # The card's message, so the bot can update it: Microsoft Learn, "Update and delete
            # messages sent from your bot" (update a card on a button press with the incoming
            # activity's ReplyToId as the id of the activity to update).
            activity["replyToId"] = card_activity_id
    return activity


def card_action(
    conversation: Conversation,
    sender: Member,
    card_activity_id: str,
    action: dict[str, Any],
    trigger: str,
    service_url: str,
    now: float,
    thread: str | None = None,
) -> dict[str, Any]:
    """An ``Action.Execute`` click (or an automatic refresh) as an ``adaptiveCard/action``; in a
    channel, from within the card's ``thread``."""
    activity = envelope(conversation, sender, "invoke", service_url, now, thread)
    activity["name"] = "adaptiveCard/action"
    activity["replyToId"] = card_activity_id
    activity["value"] = {"action": {"type": "Action.Execute", **action}, "trigger": trigger}
    return activity


def installation_update(
    conversation: Conversation, sender: Member, action: str, service_url: str, now: float
) -> dict[str, Any]:
    """The app was installed (``add``) or removed (``remove``) for a user or a team."""
    activity = envelope(conversation, sender, "installationUpdate", service_url, now)
    activity["action"] = action
    activity.pop("entities", None)
    return activity


def members_added(
    conversation: Conversation, sender: Member, service_url: str, now: float
) -> dict[str, Any]:
    """``conversationUpdate`` with the bot among ``membersAdded``, sent on install."""
    activity = envelope(conversation, sender, "conversationUpdate", service_url, now)
    activity["membersAdded"] = [{"id": conversation.bot.mri}]
    activity.pop("entities", None)
    if conversation.kind == "channel":
        activity["channelData"]["eventType"] = "teamMemberAdded"
    return activity
