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

from provisioning.microsoft.adapters.http import JsonApi, as_kind, refused
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


def _get(item: dict[str, Any], name: str, default: Any = None) -> Any:
    """A field in either casing the API has been seen to use (``lineUri`` / ``LineUri``)."""
    for key in (name, name[:1].upper() + name[1:], name[:1].lower() + name[1:]):
        if key in item:
            return item[key]
    return default


def _dial_plan(name: str, body: dict[str, Any]) -> DialPlan:
    rules = tuple(
        NormalizationRule(
            _get(r, "Name"), _get(r, "Pattern"), _get(r, "Translation"), _get(r, "Description", "")
        )
        for r in _get(body, "NormalizationRules", [])
    )
    return DialPlan(name, _get(body, "Description", "") or "", rules)


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
        name, tuple(_get(body, "OnlinePstnUsages", [])), _get(body, "Description", "") or ""
    )


def _policy_body(policy: RoutingPolicy) -> dict[str, Any]:
    return {"OnlinePstnUsages": list(policy.usages), "Description": policy.description}


def _gateway(fqdn: str, body: dict[str, Any]) -> Gateway:
    return Gateway(
        _get(body, "Fqdn", fqdn),
        int(_get(body, "SipSignalingPort", 0)),
        bool(_get(body, "Enabled", False)),
        _get(body, "MaxConcurrentSessions"),
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
        _get(body, "NumberPattern", ""),
        tuple(_get(body, "OnlinePstnGatewayList", [])),
        tuple(_get(body, "OnlinePstnUsages", [])),
        _get(body, "Priority"),
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
    """Tenant-wide voice configuration."""

    def __init__(self, api: JsonApi) -> None:
        self._api = api

    async def get(self, kind: type[VoiceObject], identity: str) -> VoiceObject | None:
        """``Get-Cs<Type> -Identity …``."""
        codec = _CODECS[kind]
        body = await self._api.get_or_none(codec.path(identity))
        if body is None:
            return None
        found: VoiceObject = codec.read(identity, body)
        return found

    async def create(self, obj: VoiceObject) -> None:
        """``New-Cs<Type>``."""
        codec = _CODECS[type(obj)]
        body = {codec.identity_field: obj.identity, **codec.write(obj)}
        try:
            await self._api.request("POST", f"{_CONFIG}/{codec.config}", json=body)
        except ServiceError as exc:
            if not (refused(exc) or exc.status == 409):
                raise
            if await self.get(type(obj), obj.identity) is not None:
                raise as_kind(exc, ErrorKind.ALREADY_EXISTS) from exc
            if isinstance(obj, Gateway) and "not configured for this tenant" in exc.message:
                # R29: the domain is verified, but Direct Routing has not taken it up yet.
                raise as_kind(exc, ErrorKind.DOMAIN_NOT_ACTIVATED) from exc
            raise

    async def update(self, obj: VoiceObject) -> None:
        """``Set-Cs<Type>``."""
        codec = _CODECS[type(obj)]
        await self._api.request("PUT", codec.path(obj.identity), json=codec.write(obj))

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

    async def usages(self) -> list[str]:
        """``Get-CsOnlinePstnUsage``: the Global list."""
        body = await self._api.json("GET", f"{_CONFIG}/OnlinePstnUsages")
        instances = body if isinstance(body, list) else [body]
        glob: dict[str, Any] = next(
            (i for i in instances if str(_get(i, "Identity", "")) in ("Global", "Tag:Global")), {}
        )
        return list(_get(glob, "Usage", []))

    async def _write_usages(self, usages: list[str]) -> None:
        await self._api.request(
            "PUT", f"{_CONFIG}/OnlinePstnUsages/configuration/Global", json={"Usage": usages}
        )

    async def add_usage(self, usage: str) -> bool:
        """``Set-CsOnlinePstnUsage -Usage @{Add=…}``. The API only replaces the whole list, so
        the list is read and written back with ours added (the race with another writer lives
        here); whatever needs the usage next is refused by Teams if it did not stick."""
        seen = await self.usages()
        if usage in seen:
            return False
        await self._write_usages([*seen, usage])
        return True

    async def remove_usage(self, usage: str) -> None:
        """``Set-CsOnlinePstnUsage -Usage @{Remove=…}`` (IN_USE while a policy or route has it)."""
        for _ in range(_USAGE_WRITE_TRIES):
            seen = await self.usages()
            if usage not in seen:
                return
            try:
                await self._write_usages([u for u in seen if u != usage])
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

    async def grant(self, user_id: str, kind: PolicyKind, name: str | None) -> None:
        """``Grant-Cs<Type> -Identity <user> -PolicyName <name>`` (empty: back to Global)."""
        await self._api.request(
            "PATCH",
            f"/Skype.Policy/users/{quote(user_id, safe='@')}/policies/{kind.value}",
            json={"PolicyName": name or ""},
        )

    async def users(self) -> AsyncIterator[TeamsUser]:
        """``Get-CsOnlineUser``, following whatever next link each page carries."""
        link: str | None = "/Teams.User/users"
        params: dict[str, str] | None = {"top": _USERS_PAGE}
        while link:
            body = await self._api.json("GET", link, params=params)
            for item in _get(body, "users", []) or _get(body, "value", []):
                yield TeamsUser(
                    str(_get(item, "objectId") or _get(item, "identity")),
                    str(_get(item, "userPrincipalName", "")),
                    str(_get(item, "accountType", "User") or "User"),
                    _get(item, "lineUri"),
                    _get(item, "onlineVoiceRoutingPolicy"),
                    _get(item, "tenantDialPlan"),
                )
            link = _get(body, "nextLink") or _get(body, "@odata.nextLink")
            params = None
