"""``GET /users/delta``: a full first pass, then only changes and removals (research §3.6, R19).

Tokens carry their state (opaque to callers): the first pass pages by creation order, later
rounds by change version. Removed users come back as ``@removed``: reason ``changed`` while they
sit in the recycle bin (restorable), ``deleted`` once purged ("changed indicates the item was
deleted and can be restored from deletedItems. deleted indicates the item is deleted and can't
be restored", Graph delta-query-overview). Like Graph, delta may list a user before it can be
read by id.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.graph import errors
from sandbox.graph.call import Call
from sandbox.graph.odata import decode_token, encode_token
from sandbox.graph.shapes import USER_DEFAULT, USER_PROPS, resolve_select, user_json
from sandbox.replies import Reply

DEFAULT_PAGE = 200
TOKEN_DAYS = 7
_MAXPAGESIZE = re.compile(r"odata\.maxpagesize=(\d+)")


def _page_size(call: Call) -> int:
    match = _MAXPAGESIZE.search(call.headers.get("Prefer", ""))
    return max(1, min(int(match.group(1)), 999)) if match else DEFAULT_PAGE


def _link(call: Call, kind: str, state: dict[str, Any]) -> str:
    return call.url("/users/delta", {kind: encode_token(state)})


async def users_delta(call: Call) -> Reply:
    """One page of the delta round the request's token points into."""
    for option in ("$top", "$orderby", "$expand", "$filter"):
        if option in call.query:
            raise errors.unsupported_query(f"'{option}' is not supported with delta queries.")
    tenant = call.tenant
    size = _page_size(call)
    skip, delta = call.query.get("$skiptoken"), call.query.get("$deltatoken")
    if skip:
        state = decode_token(skip)
    elif delta == "latest":
        state = {"p": "latest"}
    elif delta:
        state = decode_token(delta)
        if state.get("tid") != tenant.id:
            raise errors.bad_request("The specified delta token is not valid for this tenant.")
        if call.now() - float(state.get("t", 0)) > TOKEN_DAYS * 86400:
            raise errors.GraphError(
                410,
                "syncStateNotFound",
                "The sync state generation is not found. The delta token is expired and data "
                "must be synchronized again.",
            )
        state = {
            "p": "c",
            "v": state["v"],
            "u": tenant.version,
            "o": state["v"],
            "sel": state.get("sel"),
        }
    else:
        select = resolve_select(
            [s for s in call.query.get("$select", "").split(",") if s] or None,
            USER_PROPS,
            "user",
            USER_DEFAULT,
        )
        state = {"p": "i", "s": 0, "v": tenant.version, "sel": list(select)}
    if state.get("tid", tenant.id) != tenant.id:
        raise errors.bad_request("The specified page token value has expired or is invalid.")
    select = tuple(state.get("sel") or USER_DEFAULT)
    body: dict[str, Any] = {"@odata.context": call.context(f"users({','.join(select)})")}
    value: list[dict[str, Any]] = []
    next_state: dict[str, Any] | None = None
    final_version = tenant.version
    last_seq, last_version = 0, 0
    if state["p"] == "i":
        for user in tenant.users_after(int(state["s"])):
            if len(value) == size:
                next_state = {**state, "s": last_seq}
                break
            value.append(user_json(user, select))
            last_seq = user.seq
        final_version = int(state["v"])
    elif state["p"] == "c":
        upto = int(state["u"])
        changes = [c for c in tenant.changes_since(int(state["o"])) if c.version <= upto]
        for change in changes:
            if len(value) == size:
                next_state = {**state, "o": last_version}
                break
            if change.user is None:
                value.append(
                    {
                        "@odata.type": "#microsoft.graph.user",
                        "id": change.user_id,
                        "@removed": {"reason": change.removed},
                    }
                )
            else:
                value.append(user_json(change.user, select))
            last_version = change.version
        final_version = upto
    if next_state is not None:
        body["@odata.nextLink"] = _link(call, "$skiptoken", {**next_state, "tid": tenant.id})
    else:
        body["@odata.deltaLink"] = _link(
            call,
            "$deltatoken",
            {"v": final_version, "t": call.now(), "tid": tenant.id, "sel": list(select)},
        )
    body["value"] = value
    return Reply(body=body)
