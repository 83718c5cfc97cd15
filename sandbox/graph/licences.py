"""``GET /subscribedSkus`` and ``POST /users/{id}/assignLicense`` (research/graph-entra.md §3.5)."""

from __future__ import annotations

from typing import Any

from sandbox.directory.errors import not_found
from sandbox.graph import errors
from sandbox.graph.call import Call
from sandbox.graph.shapes import USER_DEFAULT, sku_json, user_json
from sandbox.replies import Reply


async def list_subscribed_skus(call: Call) -> Reply:
    """The tenant's subscriptions with seat counts and service plans."""
    value = [sku_json(call.tenant, sub) for sub in call.tenant.subscriptions.values()]
    return Reply(body={"@odata.context": call.context("subscribedSkus"), "value": value})


def _guid_list(value: Any, field: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise errors.bad_request(f"Invalid value specified for property '{field}'.")
    return [v.lower() for v in value]


async def assign_license(call: Call) -> Reply:
    """Add and remove licences in one atomic change; usage location and seats are enforced."""
    body = call.json_body()
    missing = [p for p in ("addLicenses", "removeLicenses") if p not in body]
    if missing:
        raise errors.bad_request(
            "One or more parameters of the operation 'assignLicense' are missing from the "
            f"request payload. The missing parameters are: {', '.join(missing)}."
        )
    adds = body["addLicenses"]
    if not isinstance(adds, list):
        raise errors.bad_request("Invalid value specified for property 'addLicenses'.")
    parsed: list[tuple[str, frozenset[str]]] = []
    for item in adds:
        if not isinstance(item, dict) or not isinstance(item.get("skuId"), str):
            raise errors.bad_request("Invalid value specified for property 'addLicenses'.")
        disabled = _guid_list(item.get("disabledPlans") or [], "disabledPlans")
        parsed.append((item["skuId"].lower(), frozenset(disabled)))
    removes = _guid_list(body["removeLicenses"], "removeLicenses")
    tenant = call.tenant
    user = tenant.find_user(call.params["user"])
    if user is None or not tenant.is_replicated(user.created_at, call.now()):
        raise not_found(call.params["user"])
    tenant.assign_licences(user, parsed, removes, call.now())
    body_out = {"@odata.context": call.context("users/$entity"), **user_json(user, USER_DEFAULT)}
    return Reply(body=body_out)
