"""``UsersPort`` over Microsoft Graph v1.0 (research/graph-entra.md §3.5–3.6)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from provisioning.microsoft.adapters.http import JsonApi, as_kind, refused
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.ports.users import User

_USER_FIELDS = "id,userPrincipalName,usageLocation,assignedLicenses,assignedPlans"


def _user(body: dict[str, Any]) -> User:
    plans = frozenset(
        p["servicePlanId"]
        for p in body.get("assignedPlans", [])
        if p.get("capabilityStatus") == "Enabled"
    )
    skus = frozenset(lic["skuId"] for lic in body.get("assignedLicenses", []))
    return User(body["id"], body["userPrincipalName"], body.get("usageLocation"), skus, plans)


class GraphUsers:
    """Users of the tenant and their licences."""

    def __init__(self, api: JsonApi) -> None:
        self._api = api

    async def find(self, upn: str) -> User | None:
        """A user by UPN (with licences and plans)."""
        body = await self._api.get_or_none(
            f"/users/{quote(upn, safe='@')}", params={"$select": _USER_FIELDS}
        )
        return None if body is None else _user(body)

    async def create(self, upn: str, display_name: str, usage_location: str, password: str) -> User:
        """``POST /users`` (enabled); a refusal because the UPN is taken is told by reading it."""
        try:
            body = await self._api.json(
                "POST",
                "/users",
                json={
                    "accountEnabled": True,
                    "displayName": display_name,
                    "mailNickname": upn.split("@", 1)[0].replace(".", "-"),
                    "userPrincipalName": upn,
                    "usageLocation": usage_location,
                    "passwordProfile": {
                        "password": password,
                        "forceChangePasswordNextSignIn": False,
                    },
                },
            )
        except ServiceError as exc:
            if refused(exc) and await self.find(upn) is not None:
                raise as_kind(exc, ErrorKind.ALREADY_EXISTS) from exc
            raise
        return User(body["id"], body["userPrincipalName"], usage_location, frozenset(), frozenset())

    async def assign_licence(self, user_id: str, sku_id: str) -> None:
        """``assignLicense`` with ``removeLicenses: []`` given explicitly."""
        await self._api.request(
            "POST",
            f"/users/{user_id}/assignLicense",
            json={"addLicenses": [{"skuId": sku_id, "disabledPlans": []}], "removeLicenses": []},
        )

    async def delete(self, user_id: str) -> None:
        """``DELETE /users/{id}`` (the user goes to the recycle bin for 30 days)."""
        await self._api.request("DELETE", f"/users/{user_id}")

    async def purge(self, user_id: str) -> None:
        """``DELETE /directory/deletedItems/{id}`` (permanent; needs User.DeleteRestore.All)."""
        await self._api.request("DELETE", f"/directory/deletedItems/{user_id}")
