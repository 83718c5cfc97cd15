"""``/admin/teams/policy``: ``getPolicyId`` and per-user ``userAssignments`` (voice-api §2).

Which policy types Graph accepts is undocumented; Microsoft's examples use TeamsMeetingPolicy
and teamsMeetingBroadcastPolicy (teamsadministration-teamspolicyuserassignment-assign.md), so
no type is refused (fidelity-review-2.md F12). The sandbox holds instances of the voice types
only: for those a policy must exist; for any other type every name is taken as existing.
"""

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


def _table(call: Call, kind: str) -> dict[str, Any] | None:
    """The instances the sandbox holds of ``kind``; ``None`` for types it does not model."""
    voice = call.tenant.voice
    tables: dict[str, dict[str, Any]] = {
        "OnlineVoiceRoutingPolicy": voice.policies,
        "TenantDialPlan": voice.dial_plans,
    }
    return tables.get(kind)


def _identity(name: str) -> str:
    return GLOBAL if name.lower() in ("global", "tag:global") else tag(name)


async def get_policy_id(call: Call) -> Reply:
    """``getPolicyId(type='…',name='…')`` → ``{"value": [{"name", "policyId"}]}``."""
    kind = grants.any_policy_type(call.params["type"])
    name = call.params["name"]
    identity = _identity(name)
    table = _table(call, kind)
    if table is not None:
        found = table.get(identity.lower())
        if found is None:
            raise errors.GraphError(
                404, "NotFound", f"Policy '{name}' of type {kind} was not found."
            )
        identity = found.identity
    return Reply(body={"value": [{"name": identity, "policyId": policy_id(kind, untag(identity))}]})


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
        kind = grants.any_policy_type(item["policyType"])
        name: str | None = None
        if need_policy:
            if not isinstance(item.get("policyId"), str):
                raise errors.bad_request("Each assignment needs a policyId.")
            id_kind, name = _decode_policy_id(item["policyId"])
            if grants.any_policy_type(id_kind) != kind:
                raise errors.bad_request(f"The policyId is for a {id_kind}, not a {kind}.")
            if name == GLOBAL:
                name = None
        out.append((user, kind, name))
    return out


def _grant(call: Call, user: Any, kind: str, name: str | None) -> None:
    if _table(call, kind) is not None:
        grants.grant(call.tenant, user, kind, name, call.now())
    else:
        grants.record(call.tenant, user, kind, tag(name) if name else None, call.now())


async def assign(call: Call) -> Reply:
    """Grant policies to users; every entry is checked before any is applied."""
    entries = _entries(call, need_policy=True)
    try:
        for _user, kind, name in entries:
            table = _table(call, kind)
            if name is not None and table is not None and tag(name).lower() not in table:
                raise VoiceError(404, "NotFound", f"Policy '{name}' of type {kind} was not found.")
        for user, kind, name in entries:
            _grant(call, user, kind, name)
    except VoiceError as exc:
        raise errors.GraphError(exc.status, exc.code, exc.message) from exc
    return Reply(204)


async def unassign(call: Call) -> Reply:
    """Return users to the default policy of each type."""
    for user, kind, _ in _entries(call, need_policy=False):
        _grant(call, user, kind, None)
    return Reply(204)
