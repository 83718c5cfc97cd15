"""Handlers of the Teams admin API: policy configurations, per-user grants, users."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

from sandbox.api_call import ApiCall
from sandbox.directory.model import User
from sandbox.replies import Reply
from sandbox.teams_admin.errors import AdminError
from sandbox.voice import configuration, grants
from sandbox.voice.fields import pick
from sandbox.voice.numbers import settle
from sandbox.voice.users import user_voice

WARNING_HEADER = "X-Ms-ConfigApi-PowerShell-WarningMessage"
DEFAULT_PAGE = 100
MAX_PAGE = 1000


def _type(call: ApiCall) -> str:
    name = call.params["type"]
    for kind in configuration.TYPES:
        if kind.lower() == name.lower():
            return kind
    raise AdminError(404, "NotFound", f"Unknown configuration type '{name}'.")


async def service_discovery(call: ApiCall) -> Reply:
    """``GET /Teams.Tenant/serviceDiscovery``: where the tenant's admin service lives."""
    base = call.sb.endpoints.teams_admin
    return Reply(
        body={
            "Endpoints": {"ConfigApiEndpoint": base, "AdminServiceEndpoint": base},
            "Headers": {"X-MS-Forest": "SANDBOX01"},
        }
    )


async def list_configurations(call: ApiCall) -> Reply:
    """``Get-Cs{Type}``: every instance, as a JSON array."""
    return Reply(body=configuration.listing(call.tenant.voice, _type(call)))


async def get_configuration(call: ApiCall) -> Reply:
    """One instance by identity."""
    kind = _type(call)
    if kind == "OnlinePstnUsages":
        if call.params["identity"].lower() != "global":
            raise AdminError(404, "NotFound", "OnlinePstnUsages has only the identity Global.")
        return Reply(body=configuration.listing(call.tenant.voice, kind)[0])
    found = configuration.get(call.tenant.voice, kind, call.params["identity"])
    return Reply(body=configuration.as_json(kind, found.to_json()))


async def create_configuration(call: ApiCall) -> Reply:
    """``New-Cs{Type}``: 201 with the created instance."""
    kind = _type(call)
    voice = call.tenant.voice
    headers: dict[str, str] = {}
    created: Any
    if kind == "TenantDialPlan":
        created = configuration.create_dial_plan(voice, call.body)
    elif kind == "OnlineVoiceRoutingPolicy":
        created = configuration.create_policy(voice, call.body)
    elif kind == "OnlinePSTNGateway":
        created = configuration.create_gateway(call.tenant, call.body, call.now())
    elif kind == "OnlineVoiceRoute":
        created, warnings = configuration.create_route(voice, call.body)
        if warnings:
            headers[WARNING_HEADER] = " ".join(warnings)
    else:
        raise AdminError(
            405,
            "MethodNotAllowed",
            "OnlinePstnUsages cannot be created; update its Global instance.",
        )
    return Reply(201, configuration.as_json(kind, created.to_json()), headers)


async def update_configuration(call: ApiCall) -> Reply:
    """``Set-Cs{Type}``: the given properties replace the stored ones; lists are whole."""
    kind = _type(call)
    identity = call.params["identity"]
    voice = call.tenant.voice
    updated: Any
    if kind == "OnlinePstnUsages":
        if identity.lower() != "global":
            raise AdminError(404, "NotFound", "OnlinePstnUsages has only the identity Global.")
        configuration.set_usages(voice, call.body)
        return Reply(body=configuration.listing(voice, kind)[0])
    if kind == "TenantDialPlan":
        updated = configuration.update_dial_plan(voice, identity, call.body)
    elif kind == "OnlineVoiceRoutingPolicy":
        updated = configuration.update_policy(voice, identity, call.body)
    elif kind == "OnlinePSTNGateway":
        updated = configuration.update_gateway(call.tenant, identity, call.body, call.now())
    else:
        updated = configuration.update_route(voice, identity, call.body)
    return Reply(body=configuration.as_json(kind, updated.to_json()))


async def delete_configuration(call: ApiCall) -> Reply:
    """``Remove-Cs{Type}``: 204, or 409 while something depends on it."""
    kind = _type(call)
    if kind == "OnlinePstnUsages":
        raise AdminError(
            405,
            "MethodNotAllowed",
            "The Global OnlinePstnUsages list cannot be removed; empty it instead.",
        )
    configuration.remove(call.tenant.voice, kind, call.params["identity"])
    return Reply(204)


def _user(call: ApiCall) -> User:
    ref = call.params["user"]
    if ref.lower().startswith("sip:"):
        ref = ref[4:]
    user = call.tenant.find_user(ref)
    if user is None:
        raise AdminError(404, "NotFound", f"User '{call.params['user']}' was not found.")
    return user


async def get_user_policy(call: ApiCall) -> Reply:
    """The policy of one type in force for a user (``Global`` when none is granted)."""
    kind = grants.policy_type(call.params["type"])
    view = user_voice(call.tenant, _user(call), call.now())
    return Reply(body={"PolicyName": view.policies[kind]})


async def grant_user_policy(call: ApiCall) -> Reply:
    """``Grant-Cs{Type} -Identity <user> -PolicyName <name>``; empty name unassigns."""
    fields = pick(call.body, "policy grant", ("PolicyName",))
    name = fields.get("PolicyName")
    if name is not None and not isinstance(name, str):
        raise AdminError(400, "BadRequest", "PolicyName must be a string or null.")
    grants.grant(call.tenant, _user(call), call.params["type"], name or None, call.now())
    return Reply(204)


def user_json(call: ApiCall, user: User) -> dict[str, Any]:
    """A user as ``Get-CsOnlineUser`` describes it."""
    view = user_voice(call.tenant, user, call.now())
    return {
        "objectId": user.id,
        "userPrincipalName": user.user_principal_name,
        "sipAddress": f"sip:{user.user_principal_name}",
        "displayName": user.display_name,
        "accountEnabled": user.account_enabled,
        "usageLocation": user.usage_location,
        "accountType": view.account_type,
        "featureTypes": list(view.feature_types),
        "enterpriseVoiceEnabled": view.enterprise_voice_enabled,
        "lineUri": view.line_uri,
        "onlineVoiceRoutingPolicy": _policy_name(view.policies["OnlineVoiceRoutingPolicy"]),
        "tenantDialPlan": _policy_name(view.policies["TenantDialPlan"]),
        "effectivePolicyAssignments": [
            {
                "policyType": kind,
                "policyAssignment": {
                    "assignmentType": "Direct",
                    "authority": "Tenant",
                    "displayName": name,
                    "policyId": "Not Yet Supported.",
                },
            }
            for kind, name in view.policies.items()
        ],
    }


def _policy_name(name: str) -> str | None:
    # Get-CsOnlineUser shows an empty value for users on the Global default.
    return None if name == "Global" else name


def _token(seq: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"s": seq}).encode()).decode().rstrip("=")


def _untoken(token: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        return int(data["s"])
    except (ValueError, KeyError, TypeError) as exc:
        raise AdminError(400, "BadRequest", "The skipToken is not valid.") from exc


async def list_users(call: ApiCall) -> Reply:
    """``Get-CsOnlineUser``: a page of users with ``nextLink`` while more remain."""
    settle(call.tenant, call.now())
    raw_top = call.query.get("top", str(DEFAULT_PAGE))
    if not raw_top.isdigit() or not 1 <= int(raw_top) <= MAX_PAGE:
        raise AdminError(400, "BadRequest", f"top must be between 1 and {MAX_PAGE}.")
    top = int(raw_top)
    after = _untoken(call.query["skipToken"]) if call.query.get("skipToken") else 0
    page: list[User] = []
    more = False
    for user in call.tenant.users_after(after):
        if len(page) == top:
            more = True
            break
        page.append(user)
    body: dict[str, Any] = {"users": [user_json(call, u) for u in page]}
    if more:
        query = {"top": str(top), "skipToken": _token(page[-1].seq)}
        body["nextLink"] = f"{call.sb.endpoints.teams_admin}/Teams.User/users?{urlencode(query)}"
    return Reply(body=body)


async def get_user(call: ApiCall) -> Reply:
    """One user by object id, UPN or SIP address."""
    settle(call.tenant, call.now())
    return Reply(body=user_json(call, _user(call)))
