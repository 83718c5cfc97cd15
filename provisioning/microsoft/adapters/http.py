"""A small JSON client per API, turning HTTP answers and transport failures into ServiceErrors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from provisioning import metrics
from provisioning.microsoft.errors import GRAPH, TEAMS_ADMIN, ErrorKind, ServiceError

TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# The services as metrics name them (a few fixed values, never a URL).
_METRIC_SERVICE = {GRAPH: "graph", TEAMS_ADMIN: "teams_admin"}


def retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (it may also be an HTTP date)."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        date = response.headers.get("Date")
        now = parsedate_to_datetime(date) if date else None
        return max(0.0, (when - now).total_seconds()) if now else None


def _message(body: Any, fallback: str) -> tuple[str, str]:
    """(code, message) from Graph's OData error or the Teams admin API's error bodies."""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return str(error.get("code", "")), str(error.get("message", fallback))
        for key in ("Message", "message"):
            if isinstance(body.get(key), str):
                return str(body.get("Code", body.get("code", ""))), str(body[key])
    return "", fallback


def json_field(item: dict[str, Any], name: str, default: Any = None) -> Any:
    """A field in whatever casing the API used (``lineUri``, ``LineUri``, ``LineURI``)."""
    for key in (name, name[:1].upper() + name[1:], name[:1].lower() + name[1:]):
        if key in item:
            return item[key]
    wanted = name.lower()
    return next((v for k, v in item.items() if k.lower() == wanted), default)


def error_from_response(service: str, response: httpx.Response) -> ServiceError:
    """The error an unsuccessful answer stands for (refusals are refined by the caller)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    code, message = _message(body, response.text[:600] or response.reason_phrase)
    status = response.status_code
    if status in TRANSIENT_STATUSES:
        kind = ErrorKind.TRANSIENT
    elif status == 401:
        kind = ErrorKind.UNAUTHENTICATED
    elif status == 403:
        kind = ErrorKind.DENIED
    elif status == 404:
        kind = ErrorKind.NOT_FOUND
    else:
        # 400, 409, 422…: what the refusal means depends on the call and the object's state,
        # which the adapter method looks at (never the words alone).
        kind = ErrorKind.INVALID
    return ServiceError(
        service, kind, message, status=status, code=code, retry_after=retry_after(response)
    )


def error_from_transport(service: str, exc: httpx.HTTPError) -> ServiceError:
    """Resets, timeouts and refused connections are worth retrying."""
    return ServiceError(service, ErrorKind.TRANSIENT, f"{type(exc).__name__}: {exc}")


def refused(error: ServiceError) -> bool:
    """A refusal of the request as it stands (not a fault, not a missing token or right)."""
    return error.kind == ErrorKind.INVALID


def as_kind(error: ServiceError, kind: ErrorKind) -> ServiceError:
    """The same failure, understood as ``kind``."""
    return ServiceError(
        error.service,
        kind,
        error.message,
        status=error.status,
        code=error.code,
        retry_after=error.retry_after,
    )


class JsonApi:
    """One API: bearer token per request, errors as ServiceError."""

    def __init__(
        self,
        service: str,
        client: httpx.AsyncClient,
        base_url: str,
        token: Callable[[], Awaitable[str]],
    ) -> None:
        self.service = service
        self._metric = _METRIC_SERVICE.get(service, "other")
        self._client = client
        self._base = base_url.rstrip("/")
        self._token = token

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Send a request; raise ServiceError for anything but a 2xx answer."""
        absolute = path.startswith(("https://", "http://"))
        url = path if absolute else self._base + path
        all_headers = {"Authorization": f"Bearer {await self._token()}", **(headers or {})}
        try:
            with metrics.microsoft_call(self._metric) as call:
                response = await self._client.request(
                    method, url, json=json, params=params, headers=all_headers
                )
                call.answered(response.status_code)
        except httpx.HTTPError as exc:
            raise error_from_transport(self.service, exc) from exc
        if response.status_code >= 400:
            raise error_from_response(self.service, response)
        return response

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request and read its JSON answer (``None`` when empty)."""
        response = await self.request(method, path, **kwargs)
        return response.json() if response.content else None

    async def get_or_none(self, path: str, **kwargs: Any) -> Any:
        """GET, with 404 meaning ``None``."""
        try:
            return await self.json("GET", path, **kwargs)
        except ServiceError as exc:
            if exc.kind == ErrorKind.NOT_FOUND:
                return None
            raise

    async def pages(self, path: str, params: dict[str, str] | None = None) -> list[Any]:
        """Every item of a Graph collection, following ``@odata.nextLink``."""
        items: list[Any] = []
        link: str | None = path
        while link:
            body = await self.json("GET", link, params=params)
            items.extend(body.get("value", []))
            link, params = body.get("@odata.nextLink"), None  # the next link carries the query
        return items
