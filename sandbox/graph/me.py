"""``/me`` and role memberships (research/graph-entra.md §3.2)."""

from __future__ import annotations

from sandbox.directory.errors import not_found
from sandbox.directory.model import User
from sandbox.graph.access import ROLE_READ
from sandbox.graph.call import Call
from sandbox.graph.odata import parse_options
from sandbox.graph.shapes import USER_DEFAULT, USER_PROPS, resolve_select, role_json, user_json
from sandbox.replies import Reply


def _me(call: Call) -> User:
    assert call.caller.user is not None  # Access.delegated_only guarantees a user.
    return call.caller.user


async def get_me(call: Call) -> Reply:
    """The signed-in user."""
    options = parse_options(call.query, call.headers)
    select = resolve_select(options.select, USER_PROPS, "user", USER_DEFAULT)
    body = {"@odata.context": call.context("users/$entity"), **user_json(_me(call), select)}
    return Reply(body=body)


def roles_of(call: Call, user: User) -> Reply:
    """Directory roles ``user`` is an active member of, as directoryRole objects.

    Without a permission that reads directory roles they come with limited information (F1).
    """
    readable = call.caller.has_any(ROLE_READ)
    value = [role_json(call.tenant, template, readable) for template in sorted(user.roles)]
    return Reply(body={"@odata.context": call.context("directoryObjects"), "value": value})


async def my_memberships(call: Call) -> Reply:
    """``/me/memberOf`` and ``/me/transitiveMemberOf``: only active role assignments appear."""
    return roles_of(call, _me(call))


async def user_memberships(call: Call) -> Reply:
    """``/users/{id}/memberOf`` and ``/users/{id}/transitiveMemberOf``."""
    user = call.tenant.find_user(call.params["user"])
    if user is None or not call.tenant.is_replicated(user.created_at, call.now()):
        raise not_found(call.params["user"])
    return roles_of(call, user)
