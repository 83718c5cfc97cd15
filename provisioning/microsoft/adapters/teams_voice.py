"""``VoiceConfigPort`` and ``VoiceUsersPort`` over the Teams admin API
(research/teams-voice-api.md §1–§4).

Microsoft does not document this API: every path and body shape lives here and nowhere else.
Refusals are decided by the object's state after the refusal, not by status code alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from provisioning.microsoft.adapters.http import JsonApi, as_kind, json_field, refused
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.ports.voice import (
    DialPlan,
    Gateway,
    NormalizationRule,
    PolicyKind,
    RoutingPolicy,
    TeamsUser,
    VoiceObject,
    VoiceRoute,
)

_CONFIG = "/Skype.Policy/configurations"
_USERS_PAGE = "500"
_USAGE_WRITE_TRIES = 3  # removals: re-read, and write again if another writer interfered


def _dial_plan(name: str, body: dict[str, Any]) -> DialPlan:
    rules = tuple(
        NormalizationRule(
            json_field(r, "Name"),
            json_field(r, "Pattern"),
            json_field(r, "Translation"),
            json_field(r, "Description", ""),
        )
        for r in json_field(body, "NormalizationRules", [])
    )
    return DialPlan(name, json_field(body, "Description", "") or "", rules)


def _dial_plan_body(plan: DialPlan) -> dict[str, Any]:
    rules = [
        {
            "Name": r.name,
            "Pattern": r.pattern,
            "Translation": r.translation,
            "Description": r.description,
            "IsInternalExtension": False,
            "Priority": i,
        }
        for i, r in enumerate(plan.rules)
    ]
    return {"Description": plan.description, "NormalizationRules": rules}


def _policy(name: str, body: dict[str, Any]) -> RoutingPolicy:
    return RoutingPolicy(
        name,
        tuple(json_field(body, "OnlinePstnUsages", [])),
        json_field(body, "Description", "") or "",
    )


def _policy_body(policy: RoutingPolicy) -> dict[str, Any]:
    return {"OnlinePstnUsages": list(policy.usages), "Description": policy.description}


def _gateway(fqdn: str, body: dict[str, Any]) -> Gateway:
    return Gateway(
        json_field(body, "Fqdn", fqdn),
        int(json_field(body, "SipSignalingPort", 0)),
        bool(json_field(body, "Enabled", False)),
        json_field(body, "MaxConcurrentSessions"),
    )


def _gateway_body(gateway: Gateway) -> dict[str, Any]:
    return {
        "SipSignalingPort": gateway.sip_port,
        "Enabled": gateway.enabled,
        "MaxConcurrentSessions": gateway.max_concurrent_sessions,
    }


def _route(name: str, body: dict[str, Any]) -> VoiceRoute:
    return VoiceRoute(
        name,
        json_field(body, "NumberPattern", ""),
        tuple(json_field(body, "OnlinePstnGatewayList", [])),
        tuple(json_field(body, "OnlinePstnUsages", [])),
        json_field(body, "Priority"),
    )


def _route_body(route: VoiceRoute) -> dict[str, Any]:
    body: dict[str, Any] = {
        "NumberPattern": route.number_pattern,
        "OnlinePstnGatewayList": list(route.gateways),
        "OnlinePstnUsages": list(route.usages),
    }
    if route.priority is not None:
        body["Priority"] = route.priority
    return body


@dataclass(frozen=True)
class _Codec:
    """How one kind of object is addressed and written."""

    config: str  # the configuration type in the path
    tagged: bool  # custom instances are addressed as Tag:<name>
    identity_field: str  # what names a new instance in a create body
    read: Callable[[str, dict[str, Any]], Any]
    write: Callable[[Any], dict[str, Any]]

    def path(self, identity: str) -> str:
        name = f"Tag:{identity}" if self.tagged else identity
        return f"{_CONFIG}/{self.config}/configuration/{quote(name, safe=':')}"


_CODECS: dict[type, _Codec] = {
    DialPlan: _Codec("TenantDialPlan", True, "Identity", _dial_plan, _dial_plan_body),
    RoutingPolicy: _Codec("OnlineVoiceRoutingPolicy", True, "Identity", _policy, _policy_body),
    Gateway: _Codec("OnlinePSTNGateway", False, "Fqdn", _gateway, _gateway_body),
    VoiceRoute: _Codec("OnlineVoiceRoute", False, "Identity", _route, _route_body),
}


class TeamsVoiceConfig:
    """Tenant-wide voice configuration.

    How the API creates and updates is not documented; public callers differ (fidelity review
    F5): go-teams creates with ``POST …/configurations/{Type}``, CIPP with
    ``PUT …/configuration/{Identity}`` and updates by read-modify-write with the ``Key`` the
    read returned. This adapter does what works: POST first, PUT when POST is not a create here
    (remembered for the tenant), and updates that carry the ``Key`` of what it read.
    """

    def __init__(self, api: JsonApi) -> None:
        self._api = api
        self._create_by_put = False

    async def _read(self, kind: type[VoiceObject], identity: str) -> dict[str, Any] | None:
        body: dict[str, Any] | None = await self._api.get_or_none(_CODECS[kind].path(identity))
        return body

    async def get(self, kind: type[VoiceObject], identity: str) -> VoiceObject | None:
        """``Get-Cs<Type> -Identity …``."""
        body = await self._read(kind, identity)
        if body is None:
            return None
        found: VoiceObject = _CODECS[kind].read(identity, body)
        return found

    async def create(self, obj: VoiceObject) -> None:
        """``New-Cs<Type>``."""
        codec = _CODECS[type(obj)]
        body = {codec.identity_field: obj.identity, **codec.write(obj)}
        try:
            if self._create_by_put:
                await self._put_create(obj, body)
                return
            try:
                await self._api.request("POST", f"{_CONFIG}/{codec.config}", json=body)
            except ServiceError as exc:
                if exc.status not in (404, 405):
                    raise
                # POST is not how this tenant's API creates: PUT to the identity is.
                self._create_by_put = True
                await self._put_create(obj, body)
        except ServiceError as exc:
            await self._refused_create(obj, exc)

    async def _put_create(self, obj: VoiceObject, body: dict[str, Any]) -> None:
        # A PUT to an existing identity would overwrite it: look first, never take over.
        if await self._read(type(obj), obj.identity) is not None:
            raise ServiceError(
                self._api.service,
                ErrorKind.ALREADY_EXISTS,
                f"{obj.what} '{obj.identity}' already exists.",
            )
        await self._api.request("PUT", _CODECS[type(obj)].path(obj.identity), json=body)

    async def _refused_create(self, obj: VoiceObject, exc: ServiceError) -> None:
        """What a refused create means, decided by the object's state after it."""
        if exc.kind == ErrorKind.ALREADY_EXISTS or not (refused(exc) or exc.status == 409):
            raise exc
        if await self.get(type(obj), obj.identity) is not None:
            raise as_kind(exc, ErrorKind.ALREADY_EXISTS) from exc
        if isinstance(obj, Gateway) and "not configured for this tenant" in exc.message:
            # R29: the domain is verified, but Direct Routing has not taken it up yet.
            raise as_kind(exc, ErrorKind.DOMAIN_NOT_ACTIVATED) from exc
        raise exc

    async def update(self, obj: VoiceObject) -> None:
        """``Set-Cs<Type>``: read, then write back our fields with the ``Key`` that was read."""
        codec = _CODECS[type(obj)]
        current = await self._read(type(obj), obj.identity)
        if current is None:
            raise ServiceError(
                self._api.service, ErrorKind.NOT_FOUND, f"{obj.what} '{obj.identity}' is gone."
            )
        body = codec.write(obj)
        for envelope in ("Identity", "Key"):
            if json_field(current, envelope) is not None:
                body[envelope] = json_field(current, envelope)
        await self._api.request("PUT", codec.path(obj.identity), json=body)

    async def delete(self, kind: type[VoiceObject], identity: str) -> None:
        """``Remove-Cs<Type>``; a refusal while the object is still there means it is in use."""
        codec = _CODECS[kind]
        try:
            await self._api.request("DELETE", codec.path(identity))
        except ServiceError as exc:
            if not (refused(exc) or exc.status == 409):
                raise
            if await self.get(kind, identity) is None:
                return
            raise as_kind(exc, ErrorKind.IN_USE) from exc

    async def _global_usages(self) -> tuple[list[str], dict[str, Any]]:
        """The Global usage list and the instance it came in (whose ``Key`` a write needs)."""
        body = await self._api.json("GET", f"{_CONFIG}/OnlinePstnUsages")
        instances = body if isinstance(body, list) else [body]
        glob: dict[str, Any] = next(
            (
                i
                for i in instances
                if isinstance(i, dict)
                and str(json_field(i, "Identity", "")) in ("Global", "Tag:Global")
            ),
            {},
        )
        return list(json_field(glob, "Usage", []) or []), glob

    async def usages(self) -> list[str]:
        """``Get-CsOnlinePstnUsage``: the Global list."""
        return (await self._global_usages())[0]

    async def _write_usages(self, usages: list[str], instance: dict[str, Any]) -> None:
        body: dict[str, Any] = {"Usage": usages}
        for envelope in ("Identity", "Key"):
            if json_field(instance, envelope) is not None:
                body[envelope] = json_field(instance, envelope)
        await self._api.request(
            "PUT", f"{_CONFIG}/OnlinePstnUsages/configuration/Global", json=body
        )

    async def add_usage(self, usage: str) -> bool:
        """``Set-CsOnlinePstnUsage -Usage @{Add=…}``. The API only replaces the whole list, so
        the list is read and written back with ours added (the race with another writer lives
        here); whatever needs the usage next is refused by Teams if it did not stick."""
        seen, instance = await self._global_usages()
        if usage in seen:
            return False
        await self._write_usages([*seen, usage], instance)
        return True

    async def remove_usage(self, usage: str) -> None:
        """``Set-CsOnlinePstnUsage -Usage @{Remove=…}`` (IN_USE while a policy or route has it)."""
        for _ in range(_USAGE_WRITE_TRIES):
            seen, instance = await self._global_usages()
            if usage not in seen:
                return
            try:
                await self._write_usages([u for u in seen if u != usage], instance)
            except ServiceError as exc:
                if not (refused(exc) or exc.status == 409):
                    raise
                if usage in await self.usages():
                    raise as_kind(exc, ErrorKind.IN_USE) from exc
                return
            now = await self.usages()
            if usage not in now and set(seen) - {usage} <= set(now):
                return
        raise ServiceError(
            self._api.service,
            ErrorKind.TRANSIENT,
            "The PSTN usage list kept changing while we removed from it.",
        )


class TeamsVoiceUsers:
    """Teams users and their policy grants."""

    def __init__(self, api: JsonApi) -> None:
        self._api = api
        # The cmdlets unassign with $null, terraform sends "": which one the API takes is
        # unverified (fidelity review F11), so the other is tried when one is refused.
        self._unassign: list[str | None] = [None, ""]

    async def grant(self, user_id: str, kind: PolicyKind, name: str | None) -> None:
        """``Grant-Cs<Type> -Identity <user> -PolicyName <name>`` (``None``: back to Global)."""
        path = f"/Skype.Policy/users/{quote(user_id, safe='@')}/policies/{kind.value}"
        if name is not None:
            await self._api.request("PATCH", path, json={"PolicyName": name})
            return
        for attempt, value in enumerate(list(self._unassign)):
            try:
                await self._api.request("PATCH", path, json={"PolicyName": value})
            except ServiceError as exc:
                if not refused(exc) or attempt == len(self._unassign) - 1:
                    raise
                continue
            if attempt:
                self._unassign.remove(value)
                self._unassign.insert(0, value)  # this tenant's API wants this one: first
            return

    async def users(self) -> AsyncIterator[TeamsUser]:
        """``Get-CsOnlineUser``, read tolerantly (fidelity review F3): fields in either casing,
        policies from flat fields or ``EffectivePolicyAssignments``, soft-deleted users left
        out, whatever next link each page carries followed."""
        link: str | None = "/Teams.User/users"
        params: dict[str, str] | None = {"top": _USERS_PAGE}
        while link:
            body = await self._api.json("GET", link, params=params)
            items = (
                body
                if isinstance(body, list)
                else (json_field(body, "users") or json_field(body, "value") or [])
            )
            for item in items:
                if json_field(item, "SoftDeletionTimestamp"):
                    continue  # in the recycle bin: nothing to grant or take
                yield _teams_user(item)
            link = None
            if isinstance(body, dict):
                link = (
                    json_field(body, "nextLink")
                    or body.get("@odata.nextLink")
                    or body.get("NextLink")
                )
            params = None


def _effective(item: dict[str, Any], kind: PolicyKind) -> str | None:
    """A user's effective policy of ``kind``: a flat field, else its effective assignment."""
    flat = json_field(item, kind.value[:1].lower() + kind.value[1:])
    if flat:
        return str(flat)
    for assignment in json_field(item, "effectivePolicyAssignments", []) or []:
        if str(json_field(assignment, "policyType", "")).lower() != kind.value.lower():
            continue
        policy = json_field(assignment, "policyAssignment", {}) or {}
        name = json_field(policy, "displayName") or json_field(policy, "policyName")
        if name and str(name).lower() not in ("global", "tag:global"):
            return str(name)
    return None


def _teams_user(item: dict[str, Any]) -> TeamsUser:
    return TeamsUser(
        str(
            json_field(item, "objectId")
            or json_field(item, "identity")
            or json_field(item, "id")
            or ""
        ),
        str(json_field(item, "userPrincipalName", "")),
        str(json_field(item, "accountType", "User") or "User"),
        json_field(item, "lineUri"),
        _effective(item, PolicyKind.VOICE_ROUTING),
        _effective(item, PolicyKind.DIAL_PLAN),
    )
