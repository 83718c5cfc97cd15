"""``GraphPort`` over Microsoft Graph v1.0 with httpx (research/graph-entra.md §3)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from provisioning.adapters.http_errors import JsonApi
from provisioning.errors import ErrorKind, ServiceError
from provisioning.ports.graph import (
    DirectoryRole,
    Domain,
    NumberOperation,
    Organization,
    SubscribedSku,
    User,
)

_NUMBERS = "/admin/teams/telephoneNumberManagement"
_OPERATION = re.compile(r"operations(?:\('|/)([^')/]+)")
_USER_FIELDS = "id,userPrincipalName,usageLocation,assignedLicenses,assignedPlans"


def _user(body: dict[str, Any]) -> User:
    plans = frozenset(
        p["servicePlanId"]
        for p in body.get("assignedPlans", [])
        if p.get("capabilityStatus") == "Enabled"
    )
    skus = frozenset(lic["skuId"] for lic in body.get("assignedLicenses", []))
    return User(body["id"], body["userPrincipalName"], body.get("usageLocation"), skus, plans)


class GraphAdapter:
    """Graph calls of the engine for one tenant."""

    def __init__(self, api: JsonApi) -> None:
        self._api = api

    @classmethod
    def create(
        cls, client: Any, base_url: str, token: Callable[[], Awaitable[str]]
    ) -> GraphAdapter:
        """An adapter on an httpx client, with tokens from ``token``."""
        return cls(JsonApi("Microsoft Graph", client, base_url, token))

    async def _pages(self, path: str, **kwargs: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        link: str | None = path
        while link:
            body = await self._api.json("GET", link, **kwargs)
            items.extend(body.get("value", []))
            link = body.get("@odata.nextLink")
            kwargs.pop("params", None)  # the next link carries the query
        return items

    async def organization(self) -> Organization:
        """The tenant and its initial domain."""
        org = (await self._api.json("GET", "/organization"))["value"][0]
        initial = next(
            (d["name"] for d in org.get("verifiedDomains", []) if d.get("isInitial")), ""
        )
        return Organization(org["id"], org.get("displayName", ""), initial)

    async def my_roles(self) -> list[DirectoryRole]:
        """Active directory roles of the signed-in account."""
        members = await self._pages("/me/transitiveMemberOf")
        return [
            DirectoryRole(m["roleTemplateId"], m.get("displayName", ""))
            for m in members
            if m.get("@odata.type") == "#microsoft.graph.directoryRole"
        ]

    async def subscribed_skus(self) -> list[SubscribedSku]:
        """The tenant's subscriptions."""
        body = await self._api.json("GET", "/subscribedSkus")
        return [
            SubscribedSku(
                s["skuId"],
                s["skuPartNumber"],
                int(s["prepaidUnits"]["enabled"]) + int(s["prepaidUnits"].get("warning", 0)),
                int(s["consumedUnits"]),
                frozenset(p["servicePlanId"] for p in s.get("servicePlans", [])),
            )
            for s in body["value"]
            if s.get("capabilityStatus", "Enabled") == "Enabled"
        ]

    async def count_users_with_plan(self, service_plan_id: str) -> int:
        """``/users/$count`` with the plan enabled in ``assignedPlans`` (advanced query)."""
        query = (
            f"assignedPlans/any(a:a/servicePlanId eq {service_plan_id} and "
            "a/capabilityStatus eq 'Enabled')"
        )
        response = await self._api.request(
            "GET",
            "/users/$count",
            params={"$filter": query},
            headers={"ConsistencyLevel": "eventual"},
        )
        return int(response.text.strip() or 0)

    async def get_domain(self, name: str) -> Domain | None:
        """A domain, or ``None``."""
        body = await self._api.get_or_none(f"/domains/{quote(name)}")
        return None if body is None else Domain(body["id"], bool(body["isVerified"]))

    async def add_domain(self, name: str) -> Domain:
        """``POST /domains``."""
        body = await self._api.json("POST", "/domains", json={"id": name})
        return Domain(body["id"], bool(body["isVerified"]))

    async def verification_txt(self, name: str) -> str:
        """The ``MS=ms…`` text of the TXT verification record."""
        body = await self._api.json("GET", f"/domains/{quote(name)}/verificationDnsRecords")
        for record in body.get("value", []):
            if record.get("recordType") == "Txt":
                return str(record["text"])
        raise ServiceError(
            "Microsoft Graph",
            ErrorKind.NOT_FOUND,
            f"Microsoft offers no TXT verification record for {name}.",
        )

    async def verify_domain(self, name: str) -> Domain:
        """``POST /domains/{name}/verify``."""
        body = await self._api.json("POST", f"/domains/{quote(name)}/verify")
        return Domain(body["id"], bool(body["isVerified"]))

    async def delete_domain(self, name: str) -> None:
        """``DELETE /domains/{name}``."""
        await self._api.request("DELETE", f"/domains/{quote(name)}")

    async def find_user(self, upn: str) -> User | None:
        """A user by UPN (with licences and plans)."""
        body = await self._api.get_or_none(
            f"/users/{quote(upn, safe='@')}", params={"$select": _USER_FIELDS}
        )
        return None if body is None else _user(body)

    async def create_user(
        self, upn: str, display_name: str, usage_location: str, password: str
    ) -> User:
        """``POST /users`` (enabled; nobody will sign in with the random password)."""
        body = await self._api.json(
            "POST",
            "/users",
            json={
                "accountEnabled": True,
                "displayName": display_name,
                "mailNickname": upn.split("@", 1)[0].replace(".", "-"),
                "userPrincipalName": upn,
                "usageLocation": usage_location,
                "passwordProfile": {"password": password, "forceChangePasswordNextSignIn": False},
            },
        )
        return User(body["id"], body["userPrincipalName"], usage_location, frozenset(), frozenset())

    async def assign_licence(self, user_id: str, sku_id: str) -> None:
        """``assignLicense`` with ``removeLicenses: []`` given explicitly."""
        await self._api.request(
            "POST",
            f"/users/{user_id}/assignLicense",
            json={"addLicenses": [{"skuId": sku_id, "disabledPlans": []}], "removeLicenses": []},
        )

    async def delete_user(self, user_id: str) -> None:
        """``DELETE /users/{id}``."""
        await self._api.request("DELETE", f"/users/{user_id}")

    async def _operation(self, path: str, body: dict[str, Any]) -> str:
        response = await self._api.request("POST", path, json=body)
        match = _OPERATION.search(response.headers.get("Location", ""))
        return match.group(1) if match else str(uuid.uuid4())

    async def assign_number(self, user_id: str, number: str) -> str:
        """``assignNumber`` (Direct Routing, primary); the operation id."""
        return await self._operation(
            f"{_NUMBERS}/numberAssignments/assignNumber",
            {
                "telephoneNumber": number,
                "assignmentTargetId": user_id,
                "numberType": "directRouting",
                "assignmentCategory": "primary",
            },
        )

    async def unassign_number(self, number: str) -> str:
        """``unassignNumber``; the operation id."""
        return await self._operation(
            f"{_NUMBERS}/numberAssignments/unassignNumber",
            {"telephoneNumber": number, "numberType": "directRouting"},
        )

    async def number_operation(self, operation_id: str) -> NumberOperation:
        """An operation's status."""
        body = await self._api.json("GET", f"{_NUMBERS}/operations('{operation_id}')")
        details = [n.get("statusDetail") for n in body.get("numbers", []) if n.get("statusDetail")]
        return NumberOperation(body["id"], body["status"], details[0] if details else None)

    async def numbers_of(self, user_id: str) -> list[str]:
        """A user's numbers, from its Teams user configuration."""
        body = await self._api.get_or_none(f"/admin/teams/userConfigurations/{user_id}")
        if body is None:
            return []
        return [n["telephoneNumber"] for n in body.get("telephoneNumbers", [])]
