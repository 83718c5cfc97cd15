"""``POST /$batch``: up to 20 requests, ``dependsOn`` ordering, 424 for failed dependencies.

Research/graph-entra.md §3.7. Inner requests run through the same pipeline as top-level ones,
so each is authorized and throttled on its own (an inner 429 is possible).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from multidict import CIMultiDict

from sandbox.bearer import Caller
from sandbox.graph import errors
from sandbox.replies import Reply

MAX_REQUESTS = 20
Dispatch = Callable[
    [Caller, str, str, Mapping[str, str], Mapping[str, str], Any, str], Awaitable[Reply]
]


def _validate(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or not isinstance(body.get("requests"), list):
        raise errors.bad_request("Invalid batch payload format.")
    requests: list[dict[str, Any]] = body["requests"]
    if not requests:
        raise errors.bad_request("Invalid batch payload format: the requests array is empty.")
    if len(requests) > MAX_REQUESTS:
        raise errors.bad_request(f"Number of requests in a batch cannot exceed {MAX_REQUESTS}.")
    seen: set[str] = set()
    for item in requests:
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) and item.get(k) for k in ("id", "method", "url")
        ):
            raise errors.bad_request("Each batch request needs an id, a method and a url.")
        if item["id"] in seen:
            raise errors.bad_request(f"Batch request contains duplicate request id: {item['id']}.")
        seen.add(item["id"])
    for item in requests:
        depends = item.get("dependsOn", [])
        if not isinstance(depends, list) or any(d not in seen or d == item["id"] for d in depends):
            raise errors.bad_request(
                f"Request {item['id']} depends on a request that is not in the batch."
            )
    return requests


def _order(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Listed order, moved only as far as ``dependsOn`` requires; cycles are refused."""
    done: set[str] = set()
    ordered: list[dict[str, Any]] = []
    pending = list(requests)
    while pending:
        ready = [r for r in pending if set(r.get("dependsOn", [])) <= done]
        if not ready:
            raise errors.bad_request("The dependsOn relations of the batch form a cycle.")
        for item in ready:
            ordered.append(item)
            done.add(item["id"])
        pending = [r for r in pending if r["id"] not in done]
    return ordered


async def run_batch(dispatch: Dispatch, caller: Caller, body: Any, request_id: str) -> Reply:
    """Run every inner request and collect the answers."""
    requests = _order(_validate(body))
    statuses: dict[str, int] = {}
    responses: list[dict[str, Any]] = []
    for item in requests:
        failed = [d for d in item.get("dependsOn", []) if statuses.get(d, 500) >= 400]
        if failed:
            statuses[item["id"]] = 424
            responses.append(
                {
                    "id": item["id"],
                    "status": 424,
                    "headers": {"Content-Type": "application/json"},
                    "body": {
                        "error": {
                            "code": "FailedDependency",
                            "message": f"The request depends on request {failed[0]}, which failed.",
                        }
                    },
                }
            )
            continue
        headers = CIMultiDict({str(k): str(v) for k, v in (item.get("headers") or {}).items()})
        inner_body = item.get("body")
        method = item["method"].upper()
        if inner_body is not None and "Content-Type" not in headers:
            reply = Reply(
                400,
                errors.bad_request(
                    "Write request id : " + item["id"] + " does not contain Content-Type header "
                    "or body."
                ).body(request_id, None),
            )
        else:
            url = urlsplit(item["url"])
            path = "/" + unquote(url.path).lstrip("/")
            if path.lower().startswith("/v1.0/"):
                path = path[5:]
            query = dict(parse_qsl(url.query, keep_blank_values=True))
            reply = await dispatch(caller, method, path, query, headers, inner_body, request_id)
        statuses[item["id"]] = reply.status
        out: dict[str, Any] = {
            "id": item["id"],
            "status": reply.status,
            "headers": {"Content-Type": "application/json", **reply.headers},
        }
        if reply.body is not None:
            out["body"] = reply.body
        responses.append(out)
    return Reply(200, {"responses": responses})
