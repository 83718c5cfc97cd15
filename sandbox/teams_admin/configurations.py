"""``/Skype.Policy/configurations/{Type}``: Get-, New-, Set- and Remove-Cs{Type} over REST.

Paths from research/teams-voice-api.md §1.3. Microsoft documents none of the write verbs, so
the tenant's knobs pick between the public callers (fidelity-review-2.md F4, F5):
``teams_admin.create`` is go-teams' ``POST …/{Type}`` or CIPP's ``PUT …/configuration/{Id}``,
``teams_admin.key`` whether an update must send back the ``Key`` its GET returned, and
``teams_admin.refusal_status`` the status of a dependency refusal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sandbox.api_call import ApiCall
from sandbox.knobs import TeamsAdminModes
from sandbox.replies import Reply
from sandbox.teams_admin.errors import AdminError
from sandbox.voice import configuration
from sandbox.voice.errors import DependencyError

WARNING_HEADER = "X-Ms-ConfigApi-PowerShell-WarningMessage"
_USAGES = "OnlinePstnUsages"
# Which body properties name the instance, per type; the first is set from the path on a PUT
# create that names none (CIPP sends ``Identity``; a gateway's identity is its FQDN, §3).
_IDENTITY_PROPS = {
    "TenantDialPlan": ("Identity",),
    "OnlineVoiceRoutingPolicy": ("Identity",),
    "OnlinePSTNGateway": ("Fqdn", "Identity"),
    "OnlineVoiceRoute": ("Identity", "Name"),
}
_MISSING = object()
# A 405 names the methods the resource takes (RFC 9110 §15.5.6).
_ONLY_GET = {"Allow": "GET"}


def _type(call: ApiCall) -> str:
    name = call.params["type"]
    for kind in configuration.TYPES:
        if kind.lower() == name.lower():
            return kind
    raise AdminError(404, "NotFound", f"Unknown configuration type '{name}'.")


def _modes(call: ApiCall) -> TeamsAdminModes:
    return call.tenant.knobs.teams_admin


def _prop(body: Any, name: str) -> Any:
    # Bodies are matched without regard to case, as ``fields.pick`` does.
    if isinstance(body, dict):
        for key, value in body.items():
            if key.lower() == name.lower():
                return value
    return _MISSING


@contextmanager
def _refusals(call: ApiCall) -> Iterator[None]:
    """Answer dependency refusals with the tenant's ``refusal_status`` (F4)."""
    try:
        yield
    except DependencyError as exc:
        status = _modes(call).refusal_status
        code = "Conflict" if status == 409 else "BadRequest"
        raise AdminError(status, code, exc.message) from exc


def _require_key(call: ApiCall, key: Any) -> None:
    """With ``key: required``, an update must carry the ``Key`` a GET returned (CIPP's
    read-modify-write, ``New-TeamsRequestV2.ps1``); the wording is the sandbox's."""
    if _modes(call).key != "required":
        return
    sent = _prop(call.body, "Key")
    if sent is _MISSING or sent is None:
        raise AdminError(
            400,
            "BadRequest",
            "The update needs the Key of the instance: read it (GET …/configuration/{Identity}) "
            "and send its Key back.",
        )
    if sent != key:
        raise AdminError(
            400, "BadRequest", "The Key does not match the instance's Key; send it back unchanged."
        )


def _with_identity(kind: str, identity: str, body: Any) -> Any:
    """A PUT create's body, named by the path; a body naming another instance is refused."""
    names = _IDENTITY_PROPS[kind]
    sent = {name: _prop(body, name) for name in names}
    for name, value in sent.items():
        if value is _MISSING:
            continue
        if not isinstance(value, str) or not configuration.same_identity(kind, value, identity):
            raise AdminError(
                400,
                "BadRequest",
                f"The {name} in the body ('{value}') is not the identity in the path "
                f"('{identity}').",
            )
    if isinstance(body, dict) and all(v is _MISSING for v in sent.values()):
        return {**body, names[0]: identity}
    return body


def _create(call: ApiCall, kind: str, body: Any) -> Reply:
    voice = call.tenant.voice
    headers: dict[str, str] = {}
    created: Any
    if kind == "TenantDialPlan":
        created = configuration.create_dial_plan(voice, body)
    elif kind == "OnlineVoiceRoutingPolicy":
        created = configuration.create_policy(voice, body)
    elif kind == "OnlinePSTNGateway":
        created = configuration.create_gateway(call.tenant, body, call.now())
    else:
        created, warnings = configuration.create_route(voice, body)
        if warnings:
            headers[WARNING_HEADER] = " ".join(warnings)
    return Reply(201, configuration.as_json(kind, created.to_json()), headers)


def _update(call: ApiCall, kind: str, identity: str) -> Any:
    voice = call.tenant.voice
    if kind == "TenantDialPlan":
        return configuration.update_dial_plan(voice, identity, call.body)
    if kind == "OnlineVoiceRoutingPolicy":
        return configuration.update_policy(voice, identity, call.body)
    if kind == "OnlinePSTNGateway":
        return configuration.update_gateway(call.tenant, identity, call.body, call.now())
    return configuration.update_route(voice, identity, call.body)


async def list_configurations(call: ApiCall) -> Reply:
    """``Get-Cs{Type}``: every instance, as a JSON array."""
    return Reply(body=configuration.listing(call.tenant.voice, _type(call)))


async def get_configuration(call: ApiCall) -> Reply:
    """One instance by identity."""
    kind = _type(call)
    if kind == _USAGES:
        if call.params["identity"].lower() != "global":
            raise AdminError(404, "NotFound", "OnlinePstnUsages has only the identity Global.")
        return Reply(body=configuration.listing(call.tenant.voice, kind)[0])
    found = configuration.get(call.tenant.voice, kind, call.params["identity"])
    return Reply(body=configuration.as_json(kind, found.to_json()))


async def create_configuration(call: ApiCall) -> Reply:
    """``New-Cs{Type}`` by ``POST …/{Type}`` (go-teams): 201 with the created instance.

    Where creation is by PUT, the collection takes GET only, so POST is a 405 (RFC 9110
    §15.5.6: the resource exists, the method is not allowed on it).
    """
    kind = _type(call)
    if kind == _USAGES:
        raise AdminError(
            405,
            "MethodNotAllowed",
            "OnlinePstnUsages cannot be created; update its Global instance.",
            _ONLY_GET,
        )
    if _modes(call).create == "put":
        raise AdminError(
            405, "MethodNotAllowed", f"POST is not allowed on '{call.path}'.", _ONLY_GET
        )
    return _create(call, kind, call.body)


async def put_configuration(call: ApiCall) -> Reply:
    """``Set-Cs{Type}``: the given properties replace the stored ones; lists are whole.

    Where creation is by PUT (CIPP), a PUT to a missing identity creates it: 201 (RFC 9110
    §9.3.4); otherwise it is a 404.
    """
    kind = _type(call)
    identity = call.params["identity"]
    voice = call.tenant.voice
    if kind == _USAGES:
        if identity.lower() != "global":
            raise AdminError(404, "NotFound", "OnlinePstnUsages has only the identity Global.")
        _require_key(call, configuration.listing(voice, kind)[0]["Key"])
        with _refusals(call):
            configuration.set_usages(voice, call.body)
        return Reply(body=configuration.listing(voice, kind)[0])
    current = configuration.find(voice, kind, identity)
    if current is None and _modes(call).create == "put":
        return _create(call, kind, _with_identity(kind, identity, call.body))
    current = configuration.get(voice, kind, identity)
    _require_key(call, configuration.as_json(kind, current.to_json())["Key"])
    updated = _update(call, kind, identity)
    return Reply(body=configuration.as_json(kind, updated.to_json()))


async def delete_configuration(call: ApiCall) -> Reply:
    """``Remove-Cs{Type}``: 204, or the tenant's refusal status while something depends on it."""
    kind = _type(call)
    if kind == _USAGES:
        raise AdminError(
            405,
            "MethodNotAllowed",
            "The Global OnlinePstnUsages list cannot be removed; empty it instead.",
        )
    with _refusals(call):
        configuration.remove(call.tenant.voice, kind, call.params["identity"], call.now())
    return Reply(204)
