"""``/Teams.User/users``: Get-CsOnlineUser over REST.

Evidence (fidelity-review-2.md F3): go-teams ``cs/users.go`` and its live-validated sample
(``cs/users_test.go``) read a ``{"users": [...]}`` envelope of camelCase objects with
``objectId``, ``userPrincipalName`` and ``effectivePolicyAssignments[].policyAssignment
.displayName``, empty for a user on the defaults, and follow no link. Get-CsOnlineUser.md
(office-docs-powershell) lists unlicensed and soft-deleted users (``SoftDeletionTimestamp``) and
spells AccountType ``User``, ``ResourceAccount``, ``Guest``, ``SfbOnPremUser``,
``IneligibleUser``. The rest is undocumented; the tenant's ``teams_admin`` knobs switch it:
``users_shape`` (flat policy fields or not), ``users_casing`` and ``users_paging``.
"""

from __future__ import annotations

import base64
import heapq
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from sandbox.api_call import ApiCall
from sandbox.clock import iso
from sandbox.directory.model import User
from sandbox.directory.tenant import Tenant
from sandbox.knobs import TeamsAdminModes
from sandbox.replies import Reply
from sandbox.teams_admin.errors import AdminError
from sandbox.voice.numbers import settle
from sandbox.voice.users import user_voice

DEFAULT_PAGE = 100
MAX_PAGE = 1000
_ACCOUNT_TYPES = {
    "user": "User",
    "resourceAccount": "ResourceAccount",
    "guest": "Guest",
    "sfbOnPremUser": "SfbOnPremUser",
    "ineligibleUser": "IneligibleUser",
}
# Get-CsOnlineUser.md spells it so; every other key is its camelCase name capitalised.
_PASCAL = {"lineUri": "LineURI"}


def _pascal(value: Any) -> Any:
    if isinstance(value, dict):
        return {_PASCAL.get(k, k[:1].upper() + k[1:]): _pascal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_pascal(v) for v in value]
    return value


def _assignment(kind: str, name: str) -> dict[str, Any]:
    # The entry as go-teams' live sample shows it; "policyId isn't currently supported"
    # (Get-CsOnlineUser.md, 7.1.1 notes).
    return {
        "policyType": kind,
        "policyAssignment": {
            "assignmentType": "Direct",
            "authority": "Tenant",
            "displayName": name,
            "policyId": "Not Yet Supported.",
        },
    }


def user_json(tenant: Tenant, user: User, now: float, modes: TeamsAdminModes) -> dict[str, Any]:
    """A user as Get-CsOnlineUser describes it, in the tenant's chosen shape and casing."""
    view = user_voice(tenant, user, now)
    deleted_at = user.deleted_at
    body: dict[str, Any] = {
        "objectId": user.id,
        "userPrincipalName": user.user_principal_name,
        "sipAddress": f"sip:{user.user_principal_name}",
        "displayName": user.display_name,
        "accountEnabled": user.account_enabled,
        "usageLocation": user.usage_location,
        "accountType": _ACCOUNT_TYPES[view.account_type],
        "featureTypes": list(view.feature_types),
        "enterpriseVoiceEnabled": view.enterprise_voice_enabled,
        "lineUri": view.line_uri,
        # Get-CsOnlineUser.md (6.9.0 notes): categories 'Primary', 'Private', 'Alternate'.
        "telephoneNumbers": [
            {
                "telephoneNumber": n.telephone_number,
                "assignmentCategory": n.assignment_category.capitalize(),
            }
            for n in view.numbers
        ],
        "softDeletionTimestamp": iso(deleted_at) if deleted_at is not None else None,
        "effectivePolicyAssignments": [
            _assignment(kind, name) for kind, name in view.assignments.items()
        ],
    }
    if modes.users_shape == "flat":
        # The cmdlet's own columns; empty for a user on the Global default (issue
        # office-docs-powershell#8930 shows ``OnlineVoiceRoutingPolicy :`` blank).
        body["onlineVoiceRoutingPolicy"] = view.assignments.get("OnlineVoiceRoutingPolicy")
        body["tenantDialPlan"] = view.assignments.get("TenantDialPlan")
    return _pascal(body) if modes.users_casing == "pascal" else body


def _everyone_after(tenant: Tenant, seq: int, now: float) -> Iterator[User]:
    """Live and soft-deleted users created after ``seq``, in creation order."""
    deleted = sorted((u for u in tenant.deleted_users(now) if u.seq > seq), key=lambda u: u.seq)
    return heapq.merge(tenant.users_after(seq), deleted, key=lambda u: u.seq)


def _token(seq: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"s": seq}).encode()).decode().rstrip("=")


def _untoken(token: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        return int(data["s"])
    except (ValueError, KeyError, TypeError) as exc:
        raise AdminError(400, "BadRequest", "The skipToken is not valid.") from exc


def _top(call: ApiCall) -> int:
    raw = call.query.get("top", str(DEFAULT_PAGE))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise AdminError(400, "BadRequest", f"top must be between 1 and {MAX_PAGE}.")
    return int(raw)


async def list_users(call: ApiCall) -> Reply:
    """Get-CsOnlineUser: every user in one envelope, or pages with the tenant's link key."""
    tenant = call.tenant
    settle(tenant, call.now())
    modes = tenant.knobs.teams_admin
    if modes.users_paging == "none":
        # One envelope, whatever paging the client asks for (go-teams follows no link).
        everyone = [
            user_json(tenant, u, call.now(), modes) for u in _everyone_after(tenant, 0, call.now())
        ]
        return Reply(body={"users": everyone})
    top = _top(call)
    after = _untoken(call.query["skipToken"]) if call.query.get("skipToken") else 0
    page: list[User] = []
    more = False
    for user in _everyone_after(tenant, after, call.now()):
        if len(page) == top:
            more = True
            break
        page.append(user)
    body: dict[str, Any] = {"users": [user_json(tenant, u, call.now(), modes) for u in page]}
    if more:
        query = urlencode({"top": str(top), "skipToken": _token(page[-1].seq)})
        body[modes.users_paging] = f"{call.sb.endpoints.teams_admin}/Teams.User/users?{query}"
    return Reply(body=body)


async def get_user(call: ApiCall) -> Reply:
    """One user by object id, UPN or SIP address; soft-deleted ones too ("information for all
    users would be available using the -identity parameter until they are hard deleted",
    Get-CsOnlineUser.md)."""
    tenant = call.tenant
    settle(tenant, call.now())
    ref = call.params["user"]
    ref = ref[4:] if ref.lower().startswith("sip:") else ref
    user = tenant.find_user(ref) or next(
        (
            u
            for u in tenant.deleted_users(call.now())
            if ref.lower() in (u.id.lower(), u.user_principal_name.lower())
        ),
        None,
    )
    if user is None:
        raise AdminError(404, "NotFound", f"User '{call.params['user']}' does not exist.")
    return Reply(body=user_json(tenant, user, call.now(), tenant.knobs.teams_admin))
