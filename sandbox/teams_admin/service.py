"""The Teams admin API's pipeline: bearer, directory-role check, throttle, route, handle."""

from __future__ import annotations

import math
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sandbox.api_call import ApiCall
from sandbox.bearer import BearerError, BearerValidator, Caller
from sandbox.catalog.resources import TEAMS_ADMIN
from sandbox.catalog.roles import GLOBAL_READER, VOICE_ADMIN_ROLES
from sandbox.clock import Clock
from sandbox.replies import Reply
from sandbox.routing import NoRouteError, WrongMethodError, find, path_pattern
from sandbox.state import Sandbox
from sandbox.teams_admin import configurations, errors, grants, handlers, users
from sandbox.teams_admin.errors import AdminError
from sandbox.voice.errors import VoiceError

Handler = Callable[[ApiCall], Awaitable[Reply]]
_READ_ROLES = VOICE_ADMIN_ROLES | {GLOBAL_READER}


@dataclass(frozen=True)
class Route:
    """A method and path, the operation's name, whether it writes, and its handler."""

    method: str
    pattern: Any
    operation: str
    writes: bool
    handler: Handler


def _r(method: str, path: str, operation: str, handler: Handler) -> Route:
    return Route(method, path_pattern(path), operation, method != "GET", handler)


_CONFIG = "/Skype.Policy/configurations/{type}"
ROUTES: tuple[Route, ...] = (
    _r("GET", "/Teams.Tenant/serviceDiscovery", "serviceDiscovery", handlers.service_discovery),
    _r("GET", _CONFIG, "configurations.list", configurations.list_configurations),
    _r("POST", _CONFIG, "configurations.create", configurations.create_configuration),
    _r(
        "GET",
        _CONFIG + "/configuration/{identity}",
        "configurations.get",
        configurations.get_configuration,
    ),
    _r(
        "PUT",
        _CONFIG + "/configuration/{identity}",
        "configurations.update",
        configurations.put_configuration,
    ),
    _r(
        "DELETE",
        _CONFIG + "/configuration/{identity}",
        "configurations.delete",
        configurations.delete_configuration,
    ),
    _r(
        "GET",
        "/Skype.Policy/users/{user}/policies/{type}",
        "users.policies.get",
        grants.get_user_policy,
    ),
    _r(
        "PATCH",
        "/Skype.Policy/users/{user}/policies/{type}",
        "users.policies.grant",
        grants.grant_user_policy,
    ),
    _r("GET", "/Teams.User/users", "users.list", users.list_users),
    _r("GET", "/Teams.User/users/{user}", "users.get", users.get_user),
)


def operation_of(method: str, path: str) -> str:
    """The operation name of a request, for fault rules."""
    try:
        return find(ROUTES, method, path)[0].operation
    except (NoRouteError, WrongMethodError):
        return "unknown"


class _Buckets:
    """Requests per 10 s for each (application, tenant), refilled continuously."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._levels: dict[tuple[str, str], tuple[float, float]] = {}

    def take(self, caller: Caller) -> None:
        knobs = caller.tenant.knobs.teams_throttling
        if not knobs.enabled:
            return
        capacity = float(knobs.requests_per_10s)
        now = self._clock.now()
        key = (caller.app_id, caller.tenant.id)
        level, updated = self._levels.get(key, (capacity, now))
        level = min(capacity, level + (now - updated) * capacity / 10.0)
        if level < 1:
            wait = (1 - level) * 10.0 / capacity
            raise AdminError(
                429,
                "TooManyRequests",
                "The request was throttled. Retry after the time given.",
                {"Retry-After": str(max(1, math.ceil(wait)))},
            )
        self._levels[key] = (level - 1, now)

    def reset(self) -> None:
        self._levels.clear()


class TeamsAdminService:
    """Answers the Teams admin API for one sandbox."""

    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self.validator = BearerValidator(
            sb.key, sb.clock, sb.directory, (TEAMS_ADMIN.audience, TEAMS_ADMIN.app_id)
        )
        self.buckets = _Buckets(sb.clock)

    def _authorize(self, authorization: str | None, writes: bool) -> Caller:
        try:
            caller = self.validator.authenticate(authorization)
        except BearerError as exc:
            raise errors.unauthorized(str(exc)) from exc
        if caller.user is None:
            raise errors.forbidden(
                "App-only access needs a Teams administrator role on the application's service "
                "principal; use a delegated (user_impersonation) token."
            )
        if "user_impersonation" not in caller.scopes:
            raise errors.forbidden("The token lacks the user_impersonation scope.")
        allowed = VOICE_ADMIN_ROLES if writes else _READ_ROLES
        if not caller.wids & allowed:
            raise errors.forbidden(
                "The signed-in user holds no Teams administrator role (Teams Administrator, "
                "Teams Communications Administrator, Teams Telephony Administrator or Global "
                "Administrator)."
            )
        return caller

    async def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: Any,
    ) -> Reply:
        """Answer one request."""
        correlation = headers.get("x-ms-correlation-id") or str(uuid.uuid4())
        try:
            try:
                route, params = find(ROUTES, method, path)
            except NoRouteError:
                raise AdminError(404, "NotFound", f"No resource at '{path}'.") from None
            except WrongMethodError:
                raise AdminError(
                    405, "MethodNotAllowed", f"{method} is not allowed on '{path}'."
                ) from None
            caller = self._authorize(headers.get("Authorization"), route.writes)
            self.buckets.take(caller)
            call = ApiCall(self.sb, method, path, query, headers, body, caller, params)
            reply = await route.handler(call)
        except AdminError as exc:
            reply = Reply(exc.status, exc.body(correlation), dict(exc.headers))
        except VoiceError as exc:
            error = AdminError(exc.status, exc.code, exc.message)
            reply = Reply(error.status, error.body(correlation))
        reply.headers.setdefault("x-ms-correlation-id", correlation)
        return reply
