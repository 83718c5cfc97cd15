"""``/directory/deletedItems`` for users: list, read, restore, purge (the recycle bin).

Graph directory-deleteditems-list, -get, -restore and -delete (v1.0). Only users are kept in the
sandbox's recycle bin; the cast segment (``microsoft.graph.user``, or ``graph.user`` as
msgraph-sdk writes it) is required on the list, as Graph requires it.
"""

from __future__ import annotations

from typing import Any

from sandbox.catalog.roles import GLOBAL_ADMIN
from sandbox.directory.errors import not_found
from sandbox.directory.model import User
from sandbox.graph import errors
from sandbox.graph.call import Call
from sandbox.graph.odata import compile_filter, decode_token, encode_token, parse_options
from sandbox.graph.shapes import USER_DEFAULT, USER_PROPS, resolve_select, user_json
from sandbox.graph.users import USER_SCHEMA
from sandbox.replies import Reply

# A deleted user is listed with the user defaults and the time it was deleted.
DELETED_DEFAULT = (*USER_DEFAULT, "deletedDateTime")


def _deleted_user(call: Call) -> User:
    ref = call.params["item"]
    user = call.tenant.find_deleted_user(ref)
    if user is None:
        raise not_found(ref)
    return user


async def list_deleted_users(call: Call) -> Reply:
    """A page of deleted users (default 100, ``$top`` up to 999), oldest deletion first."""
    options = parse_options(call.query, call.headers)
    select = resolve_select(options.select, USER_PROPS, "user", DELETED_DEFAULT)
    predicate = (
        compile_filter(options.filter, USER_SCHEMA, options.advanced) if options.filter else None
    )
    users = [u for u in call.tenant.deleted_users() if predicate is None or predicate(u)]
    start = int(decode_token(options.skiptoken).get("i", 0)) if options.skiptoken else 0
    page = users[start : start + options.top]
    context = call.context("users" if not options.select else f"users({','.join(select)})")
    body: dict[str, Any] = {"@odata.context": context}
    if options.count and not options.skiptoken:
        body["@odata.count"] = len(users)
    if start + options.top < len(users):
        query = {k: v for k, v in call.query.items() if k != "$skiptoken"}
        query["$skiptoken"] = encode_token({"i": start + options.top})
        body["@odata.nextLink"] = call.url(call.path, query)
    body["value"] = [user_json(u, select) for u in page]
    return Reply(body=body)


def _directory_object(call: Call, user: User, select: tuple[str, ...]) -> dict[str, Any]:
    # A directoryObject answer names its type, so clients can tell what they got back.
    return {
        "@odata.context": call.context("directoryObjects/$entity"),
        "@odata.type": "#microsoft.graph.user",
        **user_json(user, select),
    }


async def get_deleted_item(call: Call) -> Reply:
    """One deleted user, as a directoryObject."""
    options = parse_options(call.query, call.headers)
    select = resolve_select(options.select, USER_PROPS, "user", DELETED_DEFAULT)
    return Reply(body=_directory_object(call, _deleted_user(call), select))


def _check_privileged(call: Call, user: User) -> None:
    # "To restore users with administrator roles in delegated scenarios, the calling user must
    # also be assigned a higher privileged administrator role"; app-only, User.ReadWrite.All
    # "isn't enough privilege to restore deleted users with administrator roles"
    # (directory-deleteditems-restore).
    caller = call.caller.user
    if user.roles and (caller is None or GLOBAL_ADMIN not in caller.roles):
        raise errors.denied()


async def restore_deleted_item(call: Call) -> Reply:
    """Bring a deleted user back; 200 with the user as a directoryObject.

    The body is optional (msgraph-sdk sends none); ``newUserPrincipalName`` restores under
    another UPN when the old one was taken meanwhile (directory-deleteditems-restore).
    """
    user = _deleted_user(call)
    body = call.body if isinstance(call.body, dict) else {}
    new_upn = body.get("newUserPrincipalName")
    if new_upn is not None and not isinstance(new_upn, str):
        raise errors.bad_request(
            "Invalid value specified for property 'newUserPrincipalName' of resource 'User'."
        )
    _check_privileged(call, user)
    call.tenant.restore_user(user, new_upn)
    return Reply(body=_directory_object(call, user, USER_DEFAULT))


async def purge_deleted_item(call: Call) -> Reply:
    """Delete a user from the recycle bin for good; 204."""
    call.tenant.purge_user(_deleted_user(call))
    return Reply(204)
