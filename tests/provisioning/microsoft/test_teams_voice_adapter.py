"""The Teams admin adapter against answers the sandbox's defaults do not give: dependency
refusals with status 400 and Microsoft's wording (fidelity review F4: only the PowerShell text
is public, not the status), and soft-deleted users in Get-CsOnlineUser (F3: Get-CsOnlineUser.md
lists them with ``SoftDeletionTimestamp`` set)."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from provisioning.microsoft.adapters.http import JsonApi
from provisioning.microsoft.adapters.teams_voice import TeamsVoiceConfig, TeamsVoiceUsers
from provisioning.microsoft.errors import TEAMS_ADMIN, ErrorKind, ServiceError
from provisioning.microsoft.ports.voice import Gateway, PolicyKind, RoutingPolicy

Handler = Callable[[httpx.Request], httpx.Response]
GATEWAY = "sbc.contoso.callroute.test"
GATEWAY_PATH = f"/Skype.Policy/configurations/OnlinePSTNGateway/configuration/{GATEWAY}"
# OfficeDocs-SkypeForBusiness issues #2881/#2882 quote Remove-CsOnlinePSTNGateway's refusal.
LINKED = (
    "Can not remove 'OnlinePSTNGateway', linked 'OnlineVoiceRoute' exists. "
    "Use 'Set-CsOnlineVoiceRoute'"
)
USAGE_LINKED = (
    "Can not remove 'OnlinePstnUsage', linked 'OnlineVoiceRoutingPolicy' exists. "
    "Use 'Set-CsOnlineVoiceRoutingPolicy'"
)


async def _token() -> str:
    return "token"


def _api(handler: Handler) -> tuple[JsonApi, httpx.AsyncClient]:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return JsonApi(TEAMS_ADMIN, client, "https://api.interfaces.records.teams.test", _token), client


def _refusal(message: str) -> httpx.Response:
    return httpx.Response(400, json={"error": {"code": "BadRequest", "message": message}})


def _gateway_api(still_there: bool) -> Handler:
    """DELETE of the gateway is refused with 400; a GET then finds it, or not."""

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == GATEWAY_PATH
        if request.method == "DELETE":
            return _refusal(LINKED)
        if still_there:
            return httpx.Response(200, json={"Identity": GATEWAY, "Fqdn": GATEWAY})
        return httpx.Response(404, json={"error": {"code": "NotFound", "message": "Not found."}})

    return handler


async def test_a_delete_refused_with_400_while_the_object_is_still_there_means_in_use() -> None:
    """The refusal is decided by the gateway's state after it, not by 409 alone."""
    api, client = _api(_gateway_api(still_there=True))
    async with client:
        with pytest.raises(ServiceError) as refused:
            await TeamsVoiceConfig(api).delete(Gateway, GATEWAY)
    assert refused.value.kind == ErrorKind.IN_USE
    assert refused.value.message == LINKED


async def test_a_delete_refused_with_400_of_an_object_that_is_gone_is_done() -> None:
    """Gone after the refusal (deleted meanwhile): nothing is left to remove."""
    api, client = _api(_gateway_api(still_there=False))
    async with client:
        await TeamsVoiceConfig(api).delete(Gateway, GATEWAY)


async def test_removing_a_usage_refused_with_400_while_it_is_listed_means_in_use() -> None:
    """The Global list is written back without the usage, refused with 400; re-read, the usage
    is still listed: in use."""
    writes: list[list[str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            writes.append(json.loads(request.content)["Usage"])
            return _refusal(USAGE_LINKED)
        usages = {"Identity": "Global", "Usage": ["Fabrikam", "Callroute-E164"]}
        return httpx.Response(200, json=[usages])

    api, client = _api(handler)
    async with client:
        with pytest.raises(ServiceError) as refused:
            await TeamsVoiceConfig(api).remove_usage("Callroute-E164")
    assert refused.value.kind == ErrorKind.IN_USE
    assert writes == [["Fabrikam"]]


def _holder(object_id: str, upn: str, **extra: object) -> dict[str, object]:
    """A Get-CsOnlineUser entry holding our voice routing policy and a Direct Routing number,
    in the cmdlet's PascalCase."""
    assignment = {
        "PolicyType": "OnlineVoiceRoutingPolicy",
        "PolicyAssignment": {"AssignmentType": "Direct", "DisplayName": "Callroute-E164"},
    }
    return {
        "Identity": object_id,
        "UserPrincipalName": upn,
        "AccountType": "User",
        "LineURI": "tel:+442070000001",
        "EffectivePolicyAssignments": [assignment],
        **extra,
    }


async def test_soft_deleted_holders_of_our_policy_are_left_out() -> None:
    """A user in the recycle bin can be granted nothing: Get-CsOnlineUser shows it with
    ``SoftDeletionTimestamp`` set, and the adapter does not hand it on."""
    live = _holder("1a", "ada@contoso.test", SoftDeletionTimestamp=None)
    deleted = _holder("2b", "bob@contoso.test", SoftDeletionTimestamp="2026-11-02T09:14:00Z")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"users": [deleted, live]})

    api, client = _api(handler)
    async with client:
        users = [u async for u in TeamsVoiceUsers(api).users()]
    assert [u.user_principal_name for u in users] == ["ada@contoso.test"]
    assert users[0].holds(PolicyKind.VOICE_ROUTING, "Callroute-E164")


async def test_a_policy_refused_deletion_with_400_is_in_use_while_it_exists() -> None:
    """Deleting an assigned policy, refused with 400 in the wording Microsoft documents for
    Teams policies that refuse it: in use, as the policy is still there."""
    message = (
        'The policy "Callroute-E164" is currently assigned to one or more users. Assign a '
        "different policy to the users before removing this one. Please refer to documentation."
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return _refusal(message)
        return httpx.Response(200, json={"Identity": "Tag:Callroute-E164"})

    api, client = _api(handler)
    async with client:
        with pytest.raises(ServiceError) as refused:
            await TeamsVoiceConfig(api).delete(RoutingPolicy, "Callroute-E164")
    assert refused.value.kind == ErrorKind.IN_USE
