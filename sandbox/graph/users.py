"""``/users``: list with $select/$filter/$top/$count and paging, create, read, update, delete.

Research/graph-entra.md §3.4 (create rules and messages) and §3.6 (listing and paging).
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.directory.errors import not_found
from sandbox.directory.model import User, new_guid
from sandbox.directory.tenant import password_is_complex
from sandbox.graph import errors
from sandbox.graph.call import Call
from sandbox.graph.odata import (
    CollectionProp,
    Prop,
    Schema,
    compile_filter,
    decode_token,
    encode_token,
    parse_options,
)
from sandbox.graph.shapes import USER_DEFAULT, USER_PROPS, resolve_select, user_json
from sandbox.replies import Reply

_TEXT_OPS = frozenset({"eq", "ne", "in", "startswith", "endswith", "not"})
_EQ_OPS = frozenset({"eq", "ne", "in", "not"})

USER_SCHEMA: Schema[User] = Schema(
    entity="User",
    props={
        "id": Prop(lambda u: u.id, frozenset({"eq", "ne", "in", "not"})),
        "userPrincipalName": Prop(lambda u: u.user_principal_name, _TEXT_OPS),
        "displayName": Prop(lambda u: u.display_name, _TEXT_OPS),
        "givenName": Prop(lambda u: u.given_name, _TEXT_OPS),
        "surname": Prop(lambda u: u.surname, _TEXT_OPS),
        "mail": Prop(lambda u: u.mail, _TEXT_OPS),
        "mailNickname": Prop(lambda u: u.mail_nickname, _TEXT_OPS),
        "jobTitle": Prop(lambda u: u.job_title, _TEXT_OPS),
        "department": Prop(lambda u: u.department, _TEXT_OPS),
        "usageLocation": Prop(lambda u: u.usage_location, _EQ_OPS),
        "accountEnabled": Prop(lambda u: u.account_enabled, _EQ_OPS),
    },
    collections={
        "assignedLicenses": CollectionProp(lambda u: u.assigned_licenses(), frozenset({"skuId"})),
        "assignedPlans": CollectionProp(
            lambda u: u.assigned_plans(),
            frozenset({"servicePlanId", "capabilityStatus", "service"}),
        ),
    },
)

_REQUIRED = (
    "accountEnabled",
    "displayName",
    "mailNickname",
    "passwordProfile",
    "userPrincipalName",
)
_WRITABLE: dict[str, str] = {
    "displayName": "display_name",
    "givenName": "given_name",
    "surname": "surname",
    "jobTitle": "job_title",
    "department": "department",
    "mobilePhone": "mobile_phone",
    "officeLocation": "office_location",
    "preferredLanguage": "preferred_language",
    "mail": "mail",
    "mailNickname": "mail_nickname",
}
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_NICKNAME = re.compile(r"^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]{1,64}$")


def _visible_user(call: Call) -> User:
    ref = call.params["user"]
    user = call.tenant.find_user(ref)
    if user is None or not call.tenant.is_replicated(user.created_at, call.now()):
        raise not_found(ref)
    return user


async def list_users(call: Call) -> Reply:
    """A page of users, with ``@odata.nextLink`` while more remain."""
    options = parse_options(call.query, call.headers)
    select = resolve_select(options.select, USER_PROPS, "user", USER_DEFAULT)
    predicate = (
        compile_filter(options.filter, USER_SCHEMA, options.advanced) if options.filter else None
    )
    after = 0
    if options.skiptoken:
        after = int(decode_token(options.skiptoken).get("s", 0))
    tenant, now = call.tenant, call.now()
    page: list[User] = []
    more = False
    for user in tenant.users_after(after):
        if not tenant.is_replicated(user.created_at, now):
            continue
        if predicate is not None and not predicate(user):
            continue
        if len(page) == options.top:
            more = True
            break
        page.append(user)
    context = call.context("users" if not options.select else f"users({','.join(select)})")
    body: dict[str, Any] = {"@odata.context": context}
    if options.count and not options.skiptoken:
        body["@odata.count"] = sum(
            1
            for u in tenant.users_after(0)
            if tenant.is_replicated(u.created_at, now) and (predicate is None or predicate(u))
        )
    if more:
        query = {k: v for k, v in call.query.items() if k != "$skiptoken"}
        query["$skiptoken"] = encode_token({"s": page[-1].seq})
        body["@odata.nextLink"] = call.url("/users", query)
    body["value"] = [user_json(u, select) for u in page]
    return Reply(body=body)


async def count_users(call: Call) -> Reply:
    """``GET /users/$count`` (needs ``ConsistencyLevel: eventual``), as plain text."""
    if call.headers.get("ConsistencyLevel", "").lower() != "eventual":
        raise errors.bad_request("$count is not currently supported.")
    predicate = (
        compile_filter(call.query["$filter"], USER_SCHEMA, True)
        if call.query.get("$filter")
        else None
    )
    now = call.now()
    n = sum(
        1
        for u in call.tenant.users_after(0)
        if call.tenant.is_replicated(u.created_at, now) and (predicate is None or predicate(u))
    )
    # F14 (oasis-tcs/odata-specs#325): some OData services put a BOM before the number.
    bom = "\ufeff" if call.tenant.knobs.count_byte_order_mark == "utf-8" else ""
    return Reply(body=f"{bom}{n}", headers={"Content-Type": "text/plain"})


def _validate_usage_location(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _COUNTRY.match(value):
        raise errors.bad_request(
            "Invalid value specified for property 'usageLocation' of resource 'User'."
        )
    return value


def _check_known(body: dict[str, Any], allowed: set[str]) -> None:
    for key in body:
        if key not in allowed and not key.startswith("@odata"):
            raise errors.bad_request(
                f"Property '{key}' does not exist as a declared property or extension property."
            )


async def create_user(call: Call) -> Reply:
    """Create a user; the UPN's domain must be a verified domain of the tenant."""
    body = call.json_body()
    _check_known(body, set(_REQUIRED) | set(_WRITABLE) | {"usageLocation", "businessPhones"})
    for prop in _REQUIRED:
        if body.get(prop) in (None, ""):
            raise errors.bad_request(
                f"A value is required for property '{prop}' of resource 'User'."
            )
    profile = body["passwordProfile"]
    password = profile.get("password") if isinstance(profile, dict) else None
    if not isinstance(password, str) or not password:
        raise errors.bad_request(
            "A value is required for property 'passwordProfile' of resource 'User'."
        )
    if not isinstance(body["accountEnabled"], bool):
        raise errors.bad_request(
            "Invalid value specified for property 'accountEnabled' of resource 'User'."
        )
    nickname = body["mailNickname"]
    if not isinstance(nickname, str) or not _NICKNAME.match(nickname):
        raise errors.bad_request(
            "Invalid value specified for property 'mailNickname' of resource 'User'."
        )
    upn = body["userPrincipalName"]
    if not isinstance(upn, str):
        raise errors.bad_request(
            "Invalid value specified for property 'userPrincipalName' of resource 'User'."
        )
    usage_location = _validate_usage_location(body.get("usageLocation"))
    tenant = call.tenant
    tenant.check_new_upn(upn)
    if not password_is_complex(password):
        raise errors.bad_request(
            "The specified password does not comply with password "
            "complexity requirements. Please provide a different password."
        )
    user = tenant.add_user(new_guid(), upn, str(body["displayName"]), nickname, call.now())
    user.account_enabled = body["accountEnabled"]
    user.password = password
    user.force_change_password = bool(profile.get("forceChangePasswordNextSignIn", True))
    user.usage_location = usage_location
    for key, attr in _WRITABLE.items():
        if key in body and key not in ("displayName", "mailNickname"):
            setattr(user, attr, body[key])
    if isinstance(body.get("businessPhones"), list):
        user.business_phones = [str(p) for p in body["businessPhones"]]
    out = {"@odata.context": call.context("users/$entity"), **user_json(user, USER_DEFAULT)}
    return Reply(201, out, {"Location": call.url(f"/users/{user.id}")})


async def get_user(call: Call) -> Reply:
    """One user, by object id or UPN."""
    options = parse_options(call.query, call.headers)
    select = resolve_select(options.select, USER_PROPS, "user", USER_DEFAULT)
    return Reply(
        body={
            "@odata.context": call.context("users/$entity"),
            **user_json(_visible_user(call), select),
        }
    )


async def update_user(call: Call) -> Reply:
    """PATCH writable properties; answers 204."""
    user = _visible_user(call)
    body = call.json_body()
    _check_known(
        body,
        set(_WRITABLE)
        | {
            "usageLocation",
            "accountEnabled",
            "businessPhones",
            "userPrincipalName",
            "passwordProfile",
        },
    )
    # Validate everything first, so a refused PATCH changes nothing.
    usage_location = (
        _validate_usage_location(body["usageLocation"])
        if "usageLocation" in body
        else user.usage_location
    )
    if "accountEnabled" in body and not isinstance(body["accountEnabled"], bool):
        raise errors.bad_request(
            "Invalid value specified for property 'accountEnabled' of resource 'User'."
        )
    password = (
        body["passwordProfile"].get("password")
        if isinstance(body.get("passwordProfile"), dict)
        else None
    )
    if password is not None and (
        not isinstance(password, str) or not password_is_complex(password)
    ):
        raise errors.bad_request(
            "The specified password does not comply with password "
            "complexity requirements. Please provide a different password."
        )
    tenant = call.tenant
    new_upn = body.get("userPrincipalName")
    if new_upn is not None and str(new_upn).lower() != user.user_principal_name.lower():
        tenant.rename_user(user, str(new_upn))
    user.usage_location = usage_location
    if "accountEnabled" in body:
        user.account_enabled = body["accountEnabled"]
    if password is not None:
        user.password = password
    if isinstance(body.get("businessPhones"), list):
        user.business_phones = [str(p) for p in body["businessPhones"]]
    for key, attr in _WRITABLE.items():
        if key in body:
            setattr(user, attr, body[key])
    tenant.touch(user)
    return Reply(204)


async def delete_user(call: Call) -> Reply:
    """Move a user to the recycle bin (its licences return to the pool); answers 204.

    Graph user-delete: deleted users go to "a temporary container" for 30 days, from which
    ``/directory/deletedItems`` restores or purges them.
    """
    call.tenant.delete_user(_visible_user(call), call.now())
    return Reply(204)
