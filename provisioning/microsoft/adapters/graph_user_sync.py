"""The sync's reads over Graph: ``/users/delta`` for the directory (a full round first, then
changes) and ``/admin/teams/userConfigurations`` for voice (teams-voice-api.md §2), in pages as
large as each allows (graph-entra.md: delta takes ``Prefer: odata.maxpagesize``, lists ``$top``
up to 999)."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar, overload

import orjson

from provisioning.microsoft.adapters.http import JsonApi, json_field
from provisioning.microsoft.catalog import MCOEV_PLAN
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.ports.user_sync import DeltaExpiredError, DirectoryUser, Page, VoiceUser

T = TypeVar("T")
PAGE = 999
_USER_FIELDS = "id,userPrincipalName,displayName,mail,accountEnabled,assignedPlans"
_VOICE_FIELDS = (
    "id,userPrincipalName,isEnterpriseVoiceEnabled,telephoneNumbers,"
    "effectivePolicyAssignments,accountType"
)
# ineligibleUser only comes with this preference (teamsuserconfiguration resource doc).
_PREFER_ENUMS = "include-unknown-enum-members"
_ATTEMPTS = 6
_ODATA_TIME = "%Y-%m-%dT%H:%M:%SZ"
_log = logging.getLogger(__name__)


def _teams_phone(item: dict[str, Any]) -> bool | None:
    plans = item.get("assignedPlans")
    if not isinstance(plans, list):
        return None
    for plan in plans:
        if not isinstance(plan, dict):
            continue
        plan_id = plan.get("servicePlanId")
        # Graph writes ids in lower case; the comparison without .lower() is the fast path.
        ours = plan_id == MCOEV_PLAN or (isinstance(plan_id, str) and plan_id.lower() == MCOEV_PLAN)
        if ours and str(plan.get("capabilityStatus", "Enabled")).lower() == "enabled":
            return True
    return False


def _text(item: dict[str, Any], name: str) -> str | None:
    if name not in item:
        return None
    value = item[name]
    return "" if value is None else str(value)


def directory_user(item: dict[str, Any]) -> DirectoryUser:
    """A user of ``/users`` or ``/users/delta`` (fields left out stay unknown)."""
    enabled = item.get("accountEnabled")
    return DirectoryUser(
        id=str(item["id"]),
        upn=_text(item, "userPrincipalName"),
        display_name=_text(item, "displayName"),
        mail=_text(item, "mail"),
        account_enabled=enabled if isinstance(enabled, bool) else None,
        teams_phone=_teams_phone(item),
        removed="@removed" in item,
    )


def _policy(assignments: Any, kind: str) -> str:
    """The effective policy of ``kind`` by name (policy types are undocumented: matched
    without regard to case or the ``Online`` / ``Tenant`` prefix)."""
    if not isinstance(assignments, list):
        return ""
    for entry in assignments:
        if not isinstance(entry, dict):
            continue
        policy_type = str(json_field(entry, "policyType", "")).lower()
        if not policy_type.endswith(kind):
            continue
        assignment = json_field(entry, "policyAssignment", {}) or {}
        name = json_field(assignment, "displayName", "") if isinstance(assignment, dict) else ""
        return str(name or "")
    return ""


def voice_user(item: dict[str, Any]) -> VoiceUser:
    """A ``teamsUserConfiguration``."""
    numbers = json_field(item, "telephoneNumbers", []) or []
    return VoiceUser(
        id=str(json_field(item, "id", "")),
        upn=str(json_field(item, "userPrincipalName", "") or ""),
        enterprise_voice=bool(json_field(item, "isEnterpriseVoiceEnabled", False)),
        numbers=tuple(
            str(json_field(n, "telephoneNumber", ""))
            for n in numbers
            if isinstance(n, dict) and json_field(n, "telephoneNumber")
        ),
        routing_policy=_policy(
            json_field(item, "effectivePolicyAssignments"), "voiceroutingpolicy"
        ),
        dial_plan=_policy(json_field(item, "effectivePolicyAssignments"), "dialplan"),
        account_type=str(json_field(item, "accountType", "") or ""),
    )


def _json(content: bytes) -> Any:
    """A page's JSON (orjson: a 1,000-user page parses in a third of the time)."""
    if not content:
        return None
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        # A byte-order mark or another encoding (F14): the standard library copes.
        return json.loads(content.decode("utf-8-sig"))


class _Converted(Sequence[T]):
    """A page's items, each converted when first read: the caller reads them while saving,
    in a thread, after it has asked for the next page (10,000 users' plans take tens of
    milliseconds to look through)."""

    def __init__(self, raw: list[dict[str, Any]], convert: Callable[[dict[str, Any]], T]) -> None:
        self._raw = raw
        self._convert = convert

    def __len__(self) -> int:
        return len(self._raw)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return [self._convert(item) for item in self._raw[index]]
        return self._convert(self._raw[index])

    def __iter__(self) -> Iterator[T]:
        return (self._convert(item) for item in self._raw)


def _quoted(text: str) -> str:
    return text.replace("'", "''")


class GraphUserSync:
    """The sync's reads of one tenant."""

    def __init__(self, graph: JsonApi, rng: random.Random | None = None) -> None:
        self._graph = graph
        self._rng = rng or random.Random()

    async def _get(
        self, path: str, params: dict[str, str] | None = None, prefer: str | None = None
    ) -> Any:
        """GET with retries of what is worth retrying (429 with ``Retry-After``, 5xx, resets):
        a sync of 100 pages must not fail on one throttled page."""
        headers = {"Prefer": prefer} if prefer else None
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                response = await self._graph.request("GET", path, params=params, headers=headers)
                return _json(response.content)
            except ServiceError as exc:
                if exc.kind != ErrorKind.TRANSIENT or attempt == _ATTEMPTS:
                    raise
                delay = exc.retry_after or min(30.0, 0.5 * 2**attempt)
                await asyncio.sleep(delay * self._rng.uniform(1.0, 1.2))
        raise AssertionError("unreachable")  # pragma: no cover

    async def directory_page(self, link: str | None) -> Page[DirectoryUser]:
        """A page of a ``/users/delta`` round."""
        prefer = f"odata.maxpagesize={PAGE}"
        try:
            if link is None:
                body = await self._get("/users/delta", {"$select": _USER_FIELDS}, prefer)
            else:
                body = await self._get(link, prefer=prefer)
        except ServiceError as exc:
            # A delta link Microsoft has forgotten: 410 syncStateNotFound or resyncRequired
            # (graph-entra.md R15); judged by the status of a refusal, not its words.
            if link is not None and exc.status in (400, 404, 410) and "deltatoken" in link:
                raise DeltaExpiredError(exc.message) from exc
            raise
        items = body.get("value", []) if isinstance(body, dict) else []
        return Page(
            _Converted([i for i in items if isinstance(i, dict) and i.get("id")], directory_user),
            body.get("@odata.nextLink"),
            body.get("@odata.deltaLink"),
        )

    async def voice_page(
        self, link: str | None, changed_since: float | None = None
    ) -> Page[VoiceUser]:
        """A page of ``/admin/teams/userConfigurations``."""
        if link is None:
            params = {"$select": _VOICE_FIELDS, "$top": str(PAGE)}
            if changed_since is not None:
                # A policy granted alone (no number, no Enterprise Voice) is only seen by
                # when Teams changed the user: modifiedDateTime (teamsUserConfiguration).
                since = datetime.fromtimestamp(changed_since, tz=UTC).strftime(_ODATA_TIME)
                params["$filter"] = (
                    "isEnterpriseVoiceEnabled eq true or "
                    "telephoneNumbers/any(t:t/assignmentCategory eq 'primary') or "
                    f"modifiedDateTime ge {since}"
                )
            try:
                body = await self._get("/admin/teams/userConfigurations", params, _PREFER_ENUMS)
            except ServiceError as exc:
                # The list documents $filter without naming its properties: a filter it
                # refuses costs speed, never a missed change (every user is read instead).
                if "$filter" not in params or exc.kind != ErrorKind.INVALID:
                    raise
                _log.warning("Teams refused the filter of a delta's voice pass; reading all")
                del params["$filter"]
                body = await self._get("/admin/teams/userConfigurations", params, _PREFER_ENUMS)
        else:
            body = await self._get(link, prefer=_PREFER_ENUMS)
        items = body.get("value", []) if isinstance(body, dict) else []
        return Page(
            _Converted(
                [i for i in items if isinstance(i, dict) and json_field(i, "id")], voice_user
            ),
            body.get("@odata.nextLink"),
        )

    async def find(self, query: str) -> list[DirectoryUser]:
        """Users by UPN, mail or the start of their name or UPN (one round trip)."""
        text = _quoted(query.strip())
        found = await self._get(
            "/users",
            {
                "$filter": (
                    f"userPrincipalName eq '{text}' or mail eq '{text}' or "
                    f"startswith(displayName,'{text}') or startswith(userPrincipalName,'{text}')"
                ),
                "$select": _USER_FIELDS,
                "$top": "10",
            },
        )
        items = found.get("value", []) if isinstance(found, dict) else []
        return [directory_user(i) for i in items if isinstance(i, dict) and i.get("id")]

    async def voice_of(self, user_id: str) -> VoiceUser | None:
        """One user's configuration (Teams does not list resource accounts)."""
        try:
            body = await self._get(
                f"/admin/teams/userConfigurations/{user_id}", prefer=_PREFER_ENUMS
            )
        except ServiceError as exc:
            if exc.kind == ErrorKind.NOT_FOUND:
                return None
            raise
        return voice_user(body) if isinstance(body, dict) else None
