"""``/admin/teams/userConfigurations`` (teams-voice-api.md §2): read-only voice view of users.

Per resources/teamsadministration-teamsuserconfiguration.md: ``accountType`` is an evolvable
enum whose ``ineligibleUser`` comes only with ``Prefer: include-unknown-enum-members`` (Graph
answers the sentinel ``unknownFutureValue`` otherwise); ``isEnterpriseVoiceEnabled`` is a flag
of its own (the list example shows it false beside a number). Resource accounts are not listed
(CIPP ``Invoke-CIPPStandardTeamsDisableResourceAccounts.ps1``: "admin/teams/userConfigurations
does not surface resource accounts at all"). fidelity-review-2.md F13.
"""

from __future__ import annotations

import base64
from typing import Any

from sandbox.clock import iso
from sandbox.directory.errors import not_found
from sandbox.directory.model import User
from sandbox.graph.call import Call
from sandbox.graph.odata import (
    CollectionProp,
    Prop,
    Schema,
    compile_filter,
    decode_token,
    encode_token,
    parse_options,
)
from sandbox.graph.shapes import resolve_select
from sandbox.replies import Reply
from sandbox.voice.numbers import settle
from sandbox.voice.users import UserVoice, user_voice

_CONFIG_PROPS = (
    "id",
    "tenantId",
    "userPrincipalName",
    "isEnterpriseVoiceEnabled",
    "accountType",
    "featureTypes",
    "telephoneNumbers",
    "effectivePolicyAssignments",
    "createdDateTime",
    "modifiedDateTime",
)


def policy_id(kind: str, name: str) -> str:
    """An opaque, stable id for a policy (``getPolicyId`` returns it)."""
    return base64.urlsafe_b64encode(f"{kind}|{name}".encode()).decode().rstrip("=")


def _unknown_enums(call: Call) -> bool:
    prefer = call.headers.get("Prefer", "")
    return "include-unknown-enum-members" in prefer.lower()


def _account_type(voice: UserVoice, unknown_enums: bool) -> str:
    if voice.account_type == "ineligibleUser" and not unknown_enums:
        return "unknownFutureValue"
    return voice.account_type


def configuration_json(
    voice: UserVoice, tenant_id: str, select: tuple[str, ...], unknown_enums: bool
) -> dict[str, Any]:
    """A ``teamsUserConfiguration``."""
    user = voice.user
    full = {
        "id": user.id,
        "tenantId": tenant_id,
        "userPrincipalName": user.user_principal_name,
        "isEnterpriseVoiceEnabled": voice.enterprise_voice_enabled,
        "accountType": _account_type(voice, unknown_enums),
        "featureTypes": list(voice.feature_types),
        "telephoneNumbers": [
            {"telephoneNumber": n.telephone_number, "assignmentCategory": n.assignment_category}
            for n in voice.numbers
        ],
        # Assignments only: policyAssignment's assignmentType is "direct" or "group", so a user
        # on a default has no entry (the list example; go-teams' live sample agrees).
        "effectivePolicyAssignments": [
            {
                "policyType": kind,
                "policyAssignment": {
                    "displayName": name,
                    "assignmentType": "direct",
                    "policyId": policy_id(kind, name),
                    "groupId": None,
                },
            }
            for kind, name in voice.assignments.items()
        ],
        "createdDateTime": iso(user.created_at),
        "modifiedDateTime": iso(voice.modified_at),
    }
    return {key: full[key] for key in select}


def _schema(call: Call) -> Schema[User]:
    def view(u: User) -> UserVoice:
        return user_voice(call.tenant, u, call.now())

    props: dict[str, Prop[User]] = {
        "id": Prop(lambda u: u.id),
        "userPrincipalName": Prop(
            lambda u: u.user_principal_name, frozenset({"eq", "in", "startswith"})
        ),
        "isEnterpriseVoiceEnabled": Prop(lambda u: view(u).enterprise_voice_enabled),
        "accountType": Prop(lambda u: view(u).account_type),
    }
    if call.tenant.knobs.filter_on_modified:
        # [INF] The list documents $filter without naming its properties; a date-time
        # compares as OData's date-time literals do (modifiedDateTime ge 2026-…Z).
        props["modifiedDateTime"] = Prop(
            lambda u: call.tenant.voice.modified_at(u.id, u.created_at, call.now()),
            frozenset({"eq", "ge", "gt", "le", "lt"}),
        )
    return Schema(
        entity="teamsUserConfiguration",
        props=props,
        collections={
            "featureTypes": CollectionProp(
                lambda u: [{"$it": f} for f in view(u).feature_types], frozenset({"$it"})
            ),
            "telephoneNumbers": CollectionProp(
                lambda u: [
                    {
                        "telephoneNumber": n.telephone_number,
                        "assignmentCategory": n.assignment_category,
                    }
                    for n in view(u).numbers
                ],
                frozenset({"telephoneNumber", "assignmentCategory"}),
            ),
        },
    )


async def list_user_configurations(call: Call) -> Reply:
    """A page of user configurations, with ``@odata.nextLink`` while more remain."""
    settle(call.tenant, call.now())
    options = parse_options(call.query, call.headers)
    props = {p: p for p in _CONFIG_PROPS}
    select = resolve_select(
        options.select, props, "teamsAdministration.teamsUserConfiguration", _CONFIG_PROPS
    )
    predicate = compile_filter(options.filter, _schema(call), True) if options.filter else None
    after = int(decode_token(options.skiptoken).get("s", 0)) if options.skiptoken else 0
    page: list[User] = []
    more = False
    for user in call.tenant.users_after(after):
        if user.resource_account or (predicate is not None and not predicate(user)):
            continue
        if len(page) == options.top:
            more = True
            break
        page.append(user)
    body: dict[str, Any] = {"@odata.context": call.context("admin/teams/userConfigurations")}
    if more:
        query = {k: v for k, v in call.query.items() if k != "$skiptoken"}
        query["$skiptoken"] = encode_token({"s": page[-1].seq})
        body["@odata.nextLink"] = call.url("/admin/teams/userConfigurations", query)
    unknown_enums = _unknown_enums(call)
    body["value"] = [
        configuration_json(
            user_voice(call.tenant, u, call.now()), call.tenant.id, select, unknown_enums
        )
        for u in page
    ]
    return Reply(body=body)


async def get_user_configuration(call: Call) -> Reply:
    """One user's configuration, by object id."""
    settle(call.tenant, call.now())
    user = call.tenant.find_user(call.params["user"])
    if user is None or user.resource_account:
        raise not_found(call.params["user"])
    body = configuration_json(
        user_voice(call.tenant, user, call.now()),
        call.tenant.id,
        _CONFIG_PROPS,
        _unknown_enums(call),
    )
    return Reply(
        body={"@odata.context": call.context("admin/teams/userConfigurations/$entity"), **body}
    )
