"""``DirectoryPort`` over Microsoft Graph v1.0 (research/graph-entra.md §3.1–3.3)."""

from __future__ import annotations

from typing import Any

from provisioning.microsoft.adapters.http import JsonApi
from provisioning.microsoft.ports.directory import DirectoryRole, Organization, SubscribedSku


class GraphDirectory:
    """The tenant, the signed-in account's roles, subscriptions."""

    def __init__(self, api: JsonApi) -> None:
        self._api = api

    async def organization(self) -> Organization:
        """The tenant and its initial domain."""
        org = (await self._api.json("GET", "/organization"))["value"][0]
        initial = next(
            (d["name"] for d in org.get("verifiedDomains", []) if d.get("isInitial")), ""
        )
        return Organization(
            org["id"], org.get("displayName") or "", initial, org.get("countryLetterCode")
        )

    async def my_roles(self) -> list[DirectoryRole]:
        """Active directory roles of the signed-in account (entries without a template skipped)."""
        return self._roles(await self._api.pages("/me/transitiveMemberOf"))

    async def roles_of(self, user_id: str) -> list[DirectoryRole]:
        """Active directory roles of a user of the tenant."""
        return self._roles(await self._api.pages(f"/users/{user_id}/transitiveMemberOf"))

    @staticmethod
    def _roles(members: list[Any]) -> list[DirectoryRole]:
        return [
            DirectoryRole(str(m["roleTemplateId"]), str(m.get("displayName") or ""))
            for m in members
            if m.get("@odata.type") == "#microsoft.graph.directoryRole" and m.get("roleTemplateId")
        ]

    async def subscribed_skus(self) -> list[SubscribedSku]:
        """The tenant's subscriptions that are in use."""
        skus = await self._api.pages("/subscribedSkus")
        return [
            SubscribedSku(
                s["skuId"],
                s.get("skuPartNumber", ""),
                int(s["prepaidUnits"]["enabled"]) + int(s["prepaidUnits"].get("warning", 0)),
                int(s["consumedUnits"]),
                frozenset(p["servicePlanId"] for p in s.get("servicePlans", [])),
            )
            for s in skus
            if s.get("capabilityStatus", "Enabled") in ("Enabled", "Warning")
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
        # The count is plain text, which may start with a byte-order mark.
        return int(response.content.decode("utf-8-sig").strip() or 0)
