"""Graph's request pipeline: authenticate, route, authorize, throttle, handle, shape errors.

The pipeline is independent of HTTP so ``$batch`` runs its inner requests through it too.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sandbox.bearer import BearerError, BearerValidator, Caller
from sandbox.directory.errors import DirectoryError
from sandbox.graph import (
    deleted_items,
    domains,
    errors,
    licences,
    me,
    organization,
    teams_numbers,
    teams_policies,
    teams_users,
    users,
)
from sandbox.graph.access import (
    DELETED_PURGE,
    DELETED_READ,
    DELETED_RESTORE,
    DOMAINS_READ,
    DOMAINS_WRITE,
    LICENCES_WRITE,
    ME_READ,
    NUMBERS_READ,
    NUMBERS_WRITE,
    ORGANIZATION_READ,
    POLICY_ASSIGN,
    SKUS_READ,
    TEAMS_CONFIG_READ,
    USERS_DELETE,
    USERS_READ,
    USERS_WRITE,
    Access,
)
from sandbox.graph.batch import run_batch
from sandbox.graph.call import Call
from sandbox.graph.delta import users_delta
from sandbox.graph.throttling import Throttle, request_cost
from sandbox.replies import Reply
from sandbox.routing import NoRouteError, WrongMethodError, find, path_pattern, raw_pattern
from sandbox.state import Sandbox
from sandbox.voice.errors import VoiceError

Handler = Callable[[Call], Awaitable[Reply]]
GRAPH_AUDIENCES = (
    "https://graph.microsoft.com",
    "00000003-0000-0000-c000-000000000000",
    "https://graph.microsoft.com/",
)


@dataclass(frozen=True)
class Route:
    """A method and path pattern, the operation's name, who may call it, and its handler."""

    method: str
    pattern: re.Pattern[str]
    operation: str
    access: Access | None
    handler: Handler | None

    @property
    def is_write(self) -> bool:
        """Whether the operation changes the directory."""
        return self.method in ("POST", "PATCH", "PUT", "DELETE") and self.operation != "batch"


def _r(
    method: str, path: str, operation: str, access: Access | None, handler: Handler | None
) -> Route:
    return Route(method, path_pattern(path), operation, access, handler)


def _raw(
    method: str, regex: str, operation: str, access: Access | None, handler: Handler | None
) -> Route:
    return Route(method, raw_pattern(regex), operation, access, handler)


_NUMBERS = "/admin/teams/telephoneNumberManagement"
# Graph accepts bound actions and functions with or without their namespace, and msgraph-sdk
# writes them qualified (its request builders, msgraph-sdk 1.65: "/users/delta()",
# ".../numberAssignments/microsoft.graph.teamsAdministration.assignNumber",
# ".../policy/microsoft.graph.teamsAdministration.getPolicyId(type='{type}',name='{name}')",
# "/directory/deletedItems/graph.user"). Each optional prefix below is such an alias.
_GRAPH_NS = r"(?:microsoft\.graph\.)?"
_TEAMS_NS = r"(?:microsoft\.graph\.teamsAdministration\.)?"
_USER_CAST = r"(?:microsoft\.)?graph\.user"


ROUTES: tuple[Route, ...] = (
    _r(
        "GET",
        "/organization",
        "organization.list",
        ORGANIZATION_READ,
        organization.list_organization,
    ),
    _r("GET", "/me", "me.get", ME_READ, me.get_me),
    _r("GET", "/me/memberOf", "me.memberOf", ME_READ, me.my_memberships),
    _r("GET", "/me/transitiveMemberOf", "me.memberOf", ME_READ, me.my_memberships),
    _r("GET", "/subscribedSkus", "subscribedSkus.list", SKUS_READ, licences.list_subscribed_skus),
    _r("GET", "/domains", "domains.list", DOMAINS_READ, domains.list_domains),
    _r("POST", "/domains", "domains.create", DOMAINS_WRITE, domains.create_domain),
    _r("GET", "/domains/{domain}", "domains.get", DOMAINS_READ, domains.get_domain),
    _r("PATCH", "/domains/{domain}", "domains.update", DOMAINS_WRITE, domains.update_domain),
    _r("DELETE", "/domains/{domain}", "domains.delete", DOMAINS_WRITE, domains.delete_domain),
    _r(
        "GET",
        "/domains/{domain}/verificationDnsRecords",
        "domains.verificationDnsRecords",
        DOMAINS_READ,
        domains.list_verification_records,
    ),
    _r(
        "GET",
        "/domains/{domain}/domainNameReferences",
        "domains.domainNameReferences",
        DOMAINS_READ,
        domains.list_name_references,
    ),
    _r(
        "GET",
        "/domains/{domain}/serviceConfigurationRecords",
        "domains.serviceConfigurationRecords",
        DOMAINS_READ,
        domains.list_service_records,
    ),
    _r("POST", "/domains/{domain}/verify", "domains.verify", DOMAINS_WRITE, domains.verify_domain),
    _raw(
        "GET",
        rf"/directory/deletedItems/{_USER_CAST}",
        "directory.deletedItems.list",
        DELETED_READ,
        deleted_items.list_deleted_users,
    ),
    _raw(
        "GET",
        rf"/directory/deletedItems/(?P<item>[^/]+)(?:/{_USER_CAST})?",
        "directory.deletedItems.get",
        DELETED_READ,
        deleted_items.get_deleted_item,
    ),
    _raw(
        "POST",
        rf"/directory/deletedItems/(?P<item>[^/]+)/{_GRAPH_NS}restore",
        "directory.deletedItems.restore",
        DELETED_RESTORE,
        deleted_items.restore_deleted_item,
    ),
    _r(
        "DELETE",
        "/directory/deletedItems/{item}",
        "directory.deletedItems.delete",
        DELETED_PURGE,
        deleted_items.purge_deleted_item,
    ),
    _raw("GET", rf"/users/{_GRAPH_NS}delta(?:\(\))?", "users.delta", USERS_READ, users_delta),
    _r("GET", "/users/\\$count", "users.count", USERS_READ, users.count_users),
    _r("GET", "/users", "users.list", USERS_READ, users.list_users),
    _r("POST", "/users", "users.create", USERS_WRITE, users.create_user),
    _r("GET", "/users/{user}", "users.get", USERS_READ, users.get_user),
    _r("PATCH", "/users/{user}", "users.update", USERS_WRITE, users.update_user),
    _r("DELETE", "/users/{user}", "users.delete", USERS_DELETE, users.delete_user),
    _r(
        "POST",
        "/users/{user}/assignLicense",
        "users.assignLicense",
        LICENCES_WRITE,
        licences.assign_license,
    ),
    _r("GET", "/users/{user}/memberOf", "users.memberOf", USERS_READ, me.user_memberships),
    _r(
        "GET", "/users/{user}/transitiveMemberOf", "users.memberOf", USERS_READ, me.user_memberships
    ),
    _r(
        "GET",
        "/admin/teams/userConfigurations",
        "teams.userConfigurations.list",
        TEAMS_CONFIG_READ,
        teams_users.list_user_configurations,
    ),
    _r(
        "GET",
        "/admin/teams/userConfigurations/{user}",
        "teams.userConfigurations.get",
        TEAMS_CONFIG_READ,
        teams_users.get_user_configuration,
    ),
    _raw(
        "POST",
        rf"{_NUMBERS}/numberAssignments/{_TEAMS_NS}assignNumber",
        "teams.assignNumber",
        NUMBERS_WRITE,
        teams_numbers.assign_number,
    ),
    _raw(
        "POST",
        rf"{_NUMBERS}/numberAssignments/{_TEAMS_NS}unassignNumber",
        "teams.unassignNumber",
        NUMBERS_WRITE,
        teams_numbers.unassign_number,
    ),
    _r(
        "GET",
        f"{_NUMBERS}/numberAssignments",
        "teams.numberAssignments.list",
        NUMBERS_READ,
        teams_numbers.list_assignments,
    ),
    _r(
        "GET",
        f"{_NUMBERS}/numberAssignments/{{number}}",
        "teams.numberAssignments.get",
        NUMBERS_READ,
        teams_numbers.get_assignment,
    ),
    _raw(
        "GET",
        rf"{_NUMBERS}/operations(?:/|\(')(?P<operation>[^/')]+)'?\)?",
        "teams.operations.get",
        NUMBERS_READ,
        teams_numbers.get_operation,
    ),
    _raw(
        "GET",
        rf"/admin/teams/policy/{_TEAMS_NS}getPolicyId"
        r"\(type='(?P<type>[^']+)',name='(?P<name>[^']+)'\)",
        "teams.getPolicyId",
        POLICY_ASSIGN,
        teams_policies.get_policy_id,
    ),
    _raw(
        "POST",
        rf"/admin/teams/policy/userAssignments/{_TEAMS_NS}assign",
        "teams.userAssignments.assign",
        POLICY_ASSIGN,
        teams_policies.assign,
    ),
    _raw(
        "POST",
        rf"/admin/teams/policy/userAssignments/{_TEAMS_NS}unassign",
        "teams.userAssignments.unassign",
        POLICY_ASSIGN,
        teams_policies.unassign,
    ),
    # $batch is answered by the service itself (it needs the pipeline).
    _r("POST", "/\\$batch", "batch", None, None),
)


# Graph treats empty path segments as absent: clients reach it with "/v1.0//servicePrincipals"
# (manicminer/hamilton #223), and msgraph-sdk 1.65 sends "/v1.0//organization" by default (its
# httpx base URL ends with "/" and its URL templates start with "/").
_EMPTY_SEGMENTS = re.compile(r"/{2,}")


def match_route(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route for a request, or Graph's 400 (unknown segment) / 405 (wrong verb)."""
    path = _EMPTY_SEGMENTS.sub("/", path)
    try:
        return find(ROUTES, method, path)
    except WrongMethodError:
        raise errors.method_not_allowed() from None
    except NoRouteError:
        raise errors.no_route(method, path) from None


def operation_of(method: str, path: str) -> str:
    """The operation name of a request (``unknown`` when no route matches), for fault rules."""
    try:
        return match_route(method, path)[0].operation
    except errors.GraphError:
        return "unknown"


def error_reply(exc: errors.GraphError, request_id: str, client_request_id: str | None) -> Reply:
    """An error as Graph returns it."""
    return Reply(exc.status, exc.body(request_id, client_request_id), dict(exc.headers))


class GraphService:
    """Answers Graph requests for one sandbox."""

    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self.validator = BearerValidator(sb.key, sb.clock, sb.directory, GRAPH_AUDIENCES)
        self.throttle = Throttle(sb.clock)

    async def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: Any,
    ) -> Reply:
        """Answer one top-level request (authentication included)."""
        request_id = str(uuid.uuid4())
        client_request_id = headers.get("client-request-id")
        try:
            caller = self.validator.authenticate(headers.get("Authorization"))
        except BearerError as exc:
            reply = error_reply(errors.unauthenticated(str(exc)), request_id, client_request_id)
        else:
            reply = await self.dispatch(caller, method, path, query, headers, body, request_id)
        reply.headers.setdefault("request-id", request_id)
        reply.headers.setdefault("client-request-id", client_request_id or request_id)
        return reply

    async def dispatch(
        self,
        caller: Caller,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: Any,
        request_id: str,
    ) -> Reply:
        """Route, authorize, throttle and run one request for an authenticated caller."""
        client_request_id = headers.get("client-request-id")
        # The recycle bin empties itself after 30 days of sandbox time.
        caller.tenant.purge_expired(self.sb.clock.now())
        try:
            route, params = match_route(method, path)
            if route.operation == "batch":
                return await run_batch(self.dispatch, caller, body, request_id)
            assert route.access is not None
            assert route.handler is not None
            route.access.check(caller)
            top = query.get("$top")
            cost = request_cost(
                route.operation,
                method,
                "$select" in query,
                int(top) if top and top.isdigit() else None,
            )
            extra = self.throttle.charge(caller.tenant, caller.app_id, cost, route.is_write)
            call = Call(self.sb, method, path, query, headers, body, caller, params)
            reply = await route.handler(call)
            reply.headers.update(extra)
            return reply
        except errors.GraphError as exc:
            return error_reply(exc, request_id, client_request_id)
        except DirectoryError as exc:
            return error_reply(errors.GraphError.from_directory(exc), request_id, client_request_id)
        except VoiceError as exc:
            error = errors.GraphError(exc.status, exc.code, exc.message)
            return error_reply(error, request_id, client_request_id)
