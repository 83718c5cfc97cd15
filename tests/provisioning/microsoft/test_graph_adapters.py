"""The Graph adapters read Microsoft's answers tolerantly and decide by state: roles shown with
limited information (F1), a ``$count`` with a byte-order mark (F14), a duplicate domain told by
reading it rather than by Microsoft's words (F10)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from provisioning.microsoft.adapters.graph_directory import GraphDirectory
from provisioning.microsoft.adapters.graph_domains import GraphDomains
from provisioning.microsoft.adapters.http import JsonApi
from provisioning.microsoft.errors import ErrorKind, ServiceError

Handler = Callable[[httpx.Request], httpx.Response]


async def _token() -> str:
    return "token"


def _api(handler: Handler) -> tuple[JsonApi, httpx.AsyncClient]:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return JsonApi("Microsoft Graph", client, "https://graph.test/v1.0", _token), client


async def test_roles_with_limited_information_are_left_out_not_a_crash() -> None:
    """Without a role-reading permission Graph nulls every property but the id and type."""

    def handler(request: httpx.Request) -> httpx.Response:
        limited = {"@odata.type": "#microsoft.graph.directoryRole", "id": "r1"}
        full = {
            "@odata.type": "#microsoft.graph.directoryRole",
            "id": "r2",
            "roleTemplateId": "62e90394-69f5-4237-9190-012177145e10",
            "displayName": None,
        }
        group = {"@odata.type": "#microsoft.graph.group", "id": "g1"}
        return httpx.Response(200, json={"value": [limited, full, group]})

    api, client = _api(handler)
    async with client:
        roles = await GraphDirectory(api).my_roles()
    assert [(r.template_id, r.name) for r in roles] == [
        ("62e90394-69f5-4237-9190-012177145e10", "")
    ]


async def test_a_count_with_a_byte_order_mark_is_read() -> None:
    """Some OData services put a BOM before ``$count``'s number."""
    api, client = _api(lambda request: httpx.Response(200, content=b"\xef\xbb\xbf42"))
    async with client:
        assert await GraphDirectory(api).count_users_with_plan("plan") == 42


def _refusing_graph(existing: set[str]) -> Handler:
    """Every POST /domains is refused with words that say nothing; GETs find ``existing``."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            error = {"code": "Request_BadRequest", "message": "One or more errors occurred."}
            return httpx.Response(400, json={"error": error})
        name = request.url.path.rsplit("/", 1)[-1]
        if name in existing:
            return httpx.Response(200, json={"id": name, "isVerified": False})
        missing = {"code": "Request_ResourceNotFound", "message": "Not found."}
        return httpx.Response(404, json={"error": missing})

    return handler


async def test_a_refused_add_of_a_domain_that_is_there_means_it_exists() -> None:
    """F10: decided by reading the domain, not by the words "already exists"."""
    api, client = _api(_refusing_graph({"contoso.callroute.test"}))
    async with client:
        with pytest.raises(ServiceError) as clash:
            await GraphDomains(api).add("contoso.callroute.test")
    assert clash.value.kind == ErrorKind.ALREADY_EXISTS


async def test_a_refused_add_of_a_domain_that_is_not_there_stays_a_refusal() -> None:
    """Without the domain to read, the refusal is what it is."""
    api, client = _api(_refusing_graph(set()))
    async with client:
        with pytest.raises(ServiceError) as refused:
            await GraphDomains(api).add("new.callroute.test")
    assert refused.value.kind == ErrorKind.INVALID
    assert refused.value.message == "One or more errors occurred."
