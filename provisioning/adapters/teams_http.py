"""``TeamsAdminPort`` over the Teams admin API with httpx (research/teams-voice-api.md §1).

Microsoft does not document this API: every path and body shape lives here and nowhere else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import quote

from provisioning.adapters.http_errors import JsonApi
from provisioning.ports.teams import (
    DialPlan,
    Gateway,
    NormalizationRule,
    RoutingPolicy,
    TeamsUser,
    VoiceRoute,
)

_CONFIG = "/Skype.Policy/configurations"
_USERS_PAGE = "500"


def _path(kind: str, identity: str) -> str:
    return f"{_CONFIG}/{kind}/configuration/{quote(identity, safe=':')}"


class TeamsAdminAdapter:
    """Teams voice administration for one tenant."""

    def __init__(self, api: JsonApi) -> None:
        self._api = api

    @classmethod
    def create(
        cls, client: Any, base_url: str, token: Callable[[], Awaitable[str]]
    ) -> TeamsAdminAdapter:
        """An adapter on an httpx client, with tokens from ``token``."""
        return cls(JsonApi("Teams admin API", client, base_url, token))

    async def _put(self, kind: str, identity: str, body: dict[str, Any], exists: bool) -> None:
        if exists:
            await self._api.request("PUT", _path(kind, identity), json=body)
        else:
            await self._api.request(
                "POST", f"{_CONFIG}/{kind}", json={"Identity": identity, **body}
            )

    # -------------------------------------------------------------------------- dial plans

    async def get_dial_plan(self, name: str) -> DialPlan | None:
        """``Get-CsTenantDialPlan -Identity Tag:<name>``."""
        body = await self._api.get_or_none(_path("TenantDialPlan", f"Tag:{name}"))
        if body is None:
            return None
        rules = tuple(
            NormalizationRule(r["Name"], r["Pattern"], r["Translation"], r.get("Description", ""))
            for r in body.get("NormalizationRules", [])
        )
        return DialPlan(name, body.get("Description", ""), rules)

    async def put_dial_plan(self, plan: DialPlan, exists: bool) -> None:
        """``New-``/``Set-CsTenantDialPlan`` with its normalisation rules."""
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
        body = {"Description": plan.description, "NormalizationRules": rules}
        await self._put("TenantDialPlan", f"Tag:{plan.name}" if exists else plan.name, body, exists)

    async def delete_dial_plan(self, name: str) -> None:
        """``Remove-CsTenantDialPlan``."""
        await self._api.request("DELETE", _path("TenantDialPlan", f"Tag:{name}"))

    # ------------------------------------------------------------------------------ usages

    async def usages(self) -> list[str]:
        """``Get-CsOnlinePstnUsage``: the Global list."""
        body = await self._api.json("GET", f"{_CONFIG}/OnlinePstnUsages")
        instances = body if isinstance(body, list) else [body]
        glob: dict[str, Any] = next((i for i in instances if i.get("Identity") == "Global"), {})
        return list(glob.get("Usage", []))

    async def set_usages(self, usages: list[str]) -> None:
        """``Set-CsOnlinePstnUsage -Identity Global -Usage …`` (the whole list)."""
        await self._api.request("PUT", _path("OnlinePstnUsages", "Global"), json={"Usage": usages})

    # ---------------------------------------------------------------------------- policies

    async def get_policy(self, name: str) -> RoutingPolicy | None:
        """``Get-CsOnlineVoiceRoutingPolicy -Identity Tag:<name>``."""
        body = await self._api.get_or_none(_path("OnlineVoiceRoutingPolicy", f"Tag:{name}"))
        if body is None:
            return None
        return RoutingPolicy(
            name, tuple(body.get("OnlinePstnUsages", [])), body.get("Description", "")
        )

    async def put_policy(self, policy: RoutingPolicy, exists: bool) -> None:
        """``New-``/``Set-CsOnlineVoiceRoutingPolicy``."""
        body = {"OnlinePstnUsages": list(policy.usages), "Description": policy.description}
        await self._put(
            "OnlineVoiceRoutingPolicy",
            f"Tag:{policy.name}" if exists else policy.name,
            body,
            exists,
        )

    async def delete_policy(self, name: str) -> None:
        """``Remove-CsOnlineVoiceRoutingPolicy``."""
        await self._api.request("DELETE", _path("OnlineVoiceRoutingPolicy", f"Tag:{name}"))

    # ---------------------------------------------------------------------------- gateways

    async def get_gateway(self, fqdn: str) -> Gateway | None:
        """``Get-CsOnlinePSTNGateway -Identity <fqdn>``."""
        body = await self._api.get_or_none(_path("OnlinePSTNGateway", fqdn))
        if body is None:
            return None
        return Gateway(
            body["Fqdn"],
            int(body["SipSignalingPort"]),
            bool(body["Enabled"]),
            body.get("MaxConcurrentSessions"),
        )

    async def put_gateway(self, gateway: Gateway, exists: bool) -> None:
        """``New-``/``Set-CsOnlinePSTNGateway``."""
        body: dict[str, Any] = {
            "SipSignalingPort": gateway.sip_port,
            "Enabled": gateway.enabled,
            "MaxConcurrentSessions": gateway.max_concurrent_sessions,
        }
        if exists:
            await self._api.request("PUT", _path("OnlinePSTNGateway", gateway.fqdn), json=body)
        else:
            await self._api.request(
                "POST", f"{_CONFIG}/OnlinePSTNGateway", json={"Fqdn": gateway.fqdn, **body}
            )

    async def delete_gateway(self, fqdn: str) -> None:
        """``Remove-CsOnlinePSTNGateway``."""
        await self._api.request("DELETE", _path("OnlinePSTNGateway", fqdn))

    # ------------------------------------------------------------------------------ routes

    async def get_route(self, name: str) -> VoiceRoute | None:
        """``Get-CsOnlineVoiceRoute -Identity <name>``."""
        body = await self._api.get_or_none(_path("OnlineVoiceRoute", name))
        if body is None:
            return None
        return VoiceRoute(
            name,
            body.get("NumberPattern", ""),
            tuple(body.get("OnlinePstnGatewayList", [])),
            tuple(body.get("OnlinePstnUsages", [])),
            body.get("Priority"),
        )

    async def put_route(self, route: VoiceRoute, exists: bool) -> None:
        """``New-``/``Set-CsOnlineVoiceRoute``."""
        body: dict[str, Any] = {
            "NumberPattern": route.number_pattern,
            "OnlinePstnGatewayList": list(route.gateways),
            "OnlinePstnUsages": list(route.usages),
        }
        if route.priority is not None:
            body["Priority"] = route.priority
        await self._put("OnlineVoiceRoute", route.name, body, exists)

    async def delete_route(self, name: str) -> None:
        """``Remove-CsOnlineVoiceRoute``."""
        await self._api.request("DELETE", _path("OnlineVoiceRoute", name))

    # ------------------------------------------------------------------------ users, grants

    async def grant(self, user: str, policy_type: str, policy_name: str | None) -> None:
        """``Grant-Cs<Type> -Identity <user> -PolicyName <name>`` (empty: back to Global)."""
        await self._api.request(
            "PATCH",
            f"/Skype.Policy/users/{quote(user, safe='@')}/policies/{policy_type}",
            json={"PolicyName": policy_name or ""},
        )

    async def users(self) -> AsyncIterator[TeamsUser]:
        """``Get-CsOnlineUser``, page by page."""
        link: str | None = "/Teams.User/users"
        params: dict[str, str] | None = {"top": _USERS_PAGE}
        while link:
            body = await self._api.json("GET", link, params=params)
            for item in body.get("users", []):
                yield TeamsUser(
                    item["objectId"],
                    item["userPrincipalName"],
                    item.get("accountType", "user"),
                    item.get("lineUri"),
                    item.get("onlineVoiceRoutingPolicy"),
                    item.get("tenantDialPlan"),
                )
            link, params = body.get("nextLink"), None
