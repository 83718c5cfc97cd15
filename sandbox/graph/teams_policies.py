"""``/admin/teams/policy``: ``getPolicyId`` and per-user ``userAssignments`` (voice-api §2)."""

from __future__ import annotations

import base64
from typing import Any

from sandbox.graph import errors
from sandbox.graph.call import Call
from sandbox.graph.teams_users import policy_id
from sandbox.replies import Reply
from sandbox.voice import grants
from sandbox.voice.errors import VoiceError
from sandbox.voice.model import GLOBAL, tag, untag


def _table(call: Call, kind: str) -> dict[str, Any]:
    voice = call.tenant.voice
    return voice.policies if kind == "OnlineVoiceRoutingPolicy" else voice.dial_plans


async def get_policy_id(call: Call) -> Reply:
    """``getPolicyId(type='…',name='…')`` → ``{"value": [{"name", "policyId"}]}``."""
    try:
        kind = grants.policy_type(call.params["type"])
    except VoiceError as exc:
        raise errors.bad_request(exc.message) from exc
    name = call.params["name"]
    identity = GLOBAL if name.lower() == "global" else tag(name)
    found = _table(call, kind).get(identity.lower())
    if found is None:
        raise errors.GraphError(404, "NotFound", f"Policy '{name}' of type {kind} was not found.")
    return Reply(
        body={
            "value": [{"name": found.identity, "policyId": policy_id(kind, untag(found.identity))}]
        }
    )


def _decode_policy_id(value: str) -> tuple[str, str]:
    try:
        kind, _, name = (
            base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().partition("|")
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.bad_request(f"The policyId '{value}' is not valid.") from exc
    if not name:
        raise errors.bad_request(f"The policyId '{value}' is not valid.")
    return kind, name


def _entries(call: Call, need_policy: bool) -> list[tuple[Any, str, str | None]]:
    body = call.json_body()
    items = body.get("value")
    if not isinstance(items, list) or not items:
        raise errors.bad_request("The request needs a non-empty 'value' list.")
    out: list[tuple[Any, str, str | None]] = []
    for item in items:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("userId"), str)
            or not isinstance(item.get("policyType"), str)
        ):
            raise errors.bad_request("Each assignment needs a userId and a policyType.")
        user = call.tenant.find_user(item["userId"])
        if user is None:
            raise errors.GraphError(404, "NotFound", f"User '{item['userId']}' was not found.")
        try:
            kind = grants.policy_type(item["policyType"])
        except VoiceError as exc:
            raise errors.bad_request(exc.message) from exc
        name: str | None = None
        if need_policy:
            if not isinstance(item.get("policyId"), str):
                raise errors.bad_request("Each assignment needs a policyId.")
            id_kind, name = _decode_policy_id(item["policyId"])
            if id_kind != kind:
                raise errors.bad_request(f"The policyId is for a {id_kind}, not a {kind}.")
            if name == GLOBAL:
                name = None
        out.append((user, kind, name))
    return out


async def assign(call: Call) -> Reply:
    """Grant policies to users; every entry is checked before any is applied."""
    entries = _entries(call, need_policy=True)
    try:
        for _user, kind, name in entries:
            if name is not None and tag(name).lower() not in _table(call, kind):
                raise VoiceError(404, "NotFound", f"Policy '{name}' of type {kind} was not found.")
        for user, kind, name in entries:
            grants.grant(call.tenant, user, kind, name, call.now())
    except VoiceError as exc:
        raise errors.GraphError(exc.status, exc.code, exc.message) from exc
    return Reply(204)


async def unassign(call: Call) -> Reply:
    """Return users to the Global policy of each type."""
    for user, kind, _ in _entries(call, need_policy=False):
        grants.grant(call.tenant, user, kind, None, call.now())
    return Reply(204)
