"""Creating, changing and removing the five Direct Routing object types, with Microsoft's rules.

Sources: teams-voice-api.md §3 (parameters, defaults, constraints) and §1.3 (identities:
custom policies are ``Tag:<name>``; gateways are identified by FQDN; routes by plain name).
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.directory.tenant import Tenant, valid_domain_name
from sandbox.voice import errors
from sandbox.voice.activation import require_activated
from sandbox.voice.fields import flag, number, pick, strings, text
from sandbox.voice.model import (
    GLOBAL,
    DialPlan,
    NormalizationRule,
    PstnGateway,
    VoiceRoute,
    VoiceRoutingPolicy,
    tag,
    untag,
)
from sandbox.voice.state import VoiceState

MAX_RULES = 25
MAX_FQDN = 63
_DIAL_PLAN_NAME = re.compile(r"^[A-Za-z0-9\-][A-Za-z0-9.\-]{0,48}$")
TYPES = (
    "TenantDialPlan",
    "OnlineVoiceRoutingPolicy",
    "OnlinePstnUsages",
    "OnlinePSTNGateway",
    "OnlineVoiceRoute",
)


def _regex(value: Any, name: str) -> str:
    pattern = text(value, name)
    try:
        re.compile(pattern)
    except re.error as exc:
        raise errors.bad_request(
            f"{name} '{pattern}' is not a valid regular expression: {exc}"
        ) from exc
    return pattern


def _usages_exist(voice: VoiceState, usages: list[str]) -> None:
    known = {u.lower() for u in voice.usages}
    for usage in usages:
        if usage.lower() not in known:
            raise errors.bad_request(
                f"The PSTN usage '{usage}' does not exist. Add it to the Global "
                "OnlinePstnUsages list first (Set-CsOnlinePstnUsage)."
            )


# ------------------------------------------------------------------------------- dial plans


def _rules(value: Any) -> list[NormalizationRule]:
    if not isinstance(value, list):
        raise errors.bad_request("NormalizationRules must be a list.")
    if len(value) > MAX_RULES:
        raise errors.bad_request(
            f"A tenant dial plan cannot have more than {MAX_RULES} normalization rules."
        )
    rules: list[NormalizationRule] = []
    names: set[str] = set()
    for index, item in enumerate(value):
        f = pick(
            item,
            "NormalizationRule",
            ("Name", "Pattern", "Translation", "Description", "IsInternalExtension", "Priority"),
        )
        if "Name" not in f:
            raise errors.bad_request("Every normalization rule needs a Name.")
        rule = NormalizationRule(name=text(f["Name"], "Name", 128))
        if rule.name.lower() in names:
            raise errors.bad_request(f"The normalization rule name '{rule.name}' is used twice.")
        names.add(rule.name.lower())
        if "Pattern" in f:
            rule.pattern = _regex(f["Pattern"], "Pattern")
        if "Translation" in f:
            rule.translation = text(f["Translation"], "Translation", 512)
        if "Description" in f:
            rule.description = text(f["Description"], "Description", 512)
        if "IsInternalExtension" in f:
            rule.is_internal_extension = flag(f["IsInternalExtension"], "IsInternalExtension")
        rule.priority = number(f.get("Priority", index), "Priority", 0, 1000)
        rules.append(rule)
    return rules


def _apply_dial_plan(plan: DialPlan, f: dict[str, Any]) -> None:
    if "Description" in f:
        plan.description = text(f["Description"], "Description", 1040)
    if "SimpleName" in f:
        plan.simple_name = text(f["SimpleName"], "SimpleName", 49)
    if "NormalizationRules" in f:
        plan.normalization_rules = _rules(f["NormalizationRules"])
    if "OptimizeDeviceDialing" in f:
        plan.optimize_device_dialing = flag(f["OptimizeDeviceDialing"], "OptimizeDeviceDialing")
    if "ExternalAccessPrefix" in f:
        plan.external_access_prefix = f["ExternalAccessPrefix"] and text(
            f["ExternalAccessPrefix"], "ExternalAccessPrefix", 4
        )


_DIAL_PLAN_FIELDS = (
    "Identity",
    "Description",
    "SimpleName",
    "NormalizationRules",
    "OptimizeDeviceDialing",
    "ExternalAccessPrefix",
)


def create_dial_plan(voice: VoiceState, body: Any) -> DialPlan:
    """``New-CsTenantDialPlan``."""
    f = pick(body, "TenantDialPlan", _DIAL_PLAN_FIELDS)
    name = text(f.get("Identity", ""), "Identity")
    if name.lower().startswith("tag:"):
        name = name[4:]
    if not _DIAL_PLAN_NAME.match(name) or name.lower() == "global":
        raise errors.bad_request(
            "Identity must be 1 to 49 letters, digits, '-' or '.', and not start with '.'."
        )
    identity = tag(name)
    if identity.lower() in voice.dial_plans:
        raise errors.conflict("TenantDialPlan", identity)
    plan = DialPlan(identity)
    _apply_dial_plan(plan, f)
    if plan.simple_name and any(
        p.simple_name.lower() == plan.simple_name.lower() for p in voice.dial_plans.values()
    ):
        raise errors.bad_request(f"SimpleName '{plan.simple_name}' is already in use.")
    voice.dial_plans[identity.lower()] = plan
    return plan


def update_dial_plan(voice: VoiceState, identity: str, body: Any) -> DialPlan:
    """``Set-CsTenantDialPlan``: the given properties replace the stored ones."""
    plan = get(voice, "TenantDialPlan", identity)
    assert isinstance(plan, DialPlan)
    f = pick(body, "TenantDialPlan", _DIAL_PLAN_FIELDS)
    f.pop("Identity", None)
    draft = DialPlan(
        plan.identity,
        plan.description,
        plan.simple_name,
        list(plan.normalization_rules),
        plan.optimize_device_dialing,
        plan.external_access_prefix,
    )
    _apply_dial_plan(draft, f)
    voice.dial_plans[plan.identity.lower()] = draft
    return draft


# ------------------------------------------------------------------- voice routing policies

_POLICY_FIELDS = ("Identity", "OnlinePstnUsages", "Description", "RouteType")


def create_policy(voice: VoiceState, body: Any) -> VoiceRoutingPolicy:
    """``New-CsOnlineVoiceRoutingPolicy``; its usages must be in the Global list."""
    f = pick(body, "OnlineVoiceRoutingPolicy", _POLICY_FIELDS)
    name = text(f.get("Identity", ""), "Identity", 256)
    if not name or name.lower() in ("global", "tag:global"):
        raise errors.bad_request("Identity must name a new policy (Global exists already).")
    identity = tag(name)
    if identity.lower() in voice.policies:
        raise errors.conflict("OnlineVoiceRoutingPolicy", identity)
    usages = strings(f.get("OnlinePstnUsages", []), "OnlinePstnUsages")
    _usages_exist(voice, usages)
    policy = VoiceRoutingPolicy(
        identity, usages, text(f.get("Description", ""), "Description", 1024)
    )
    voice.policies[identity.lower()] = policy
    return policy


def update_policy(voice: VoiceState, identity: str, body: Any) -> VoiceRoutingPolicy:
    """``Set-CsOnlineVoiceRoutingPolicy``."""
    policy = get(voice, "OnlineVoiceRoutingPolicy", identity)
    assert isinstance(policy, VoiceRoutingPolicy)
    f = pick(body, "OnlineVoiceRoutingPolicy", _POLICY_FIELDS)
    usages = policy.online_pstn_usages
    if "OnlinePstnUsages" in f:
        usages = strings(f["OnlinePstnUsages"], "OnlinePstnUsages")
        _usages_exist(voice, usages)
    description = (
        text(f["Description"], "Description", 1024) if "Description" in f else policy.description
    )
    updated = VoiceRoutingPolicy(policy.identity, usages, description)
    voice.policies[policy.identity.lower()] = updated
    return updated


# ------------------------------------------------------------------------------ PSTN usages


def set_usages(voice: VoiceState, body: Any) -> list[str]:
    """``Set-CsOnlinePstnUsage -Identity Global``: replace the tenant-wide list.

    A usage still named by a route or a policy cannot leave the list.
    """
    f = pick(body, "OnlinePstnUsages", ("Identity", "Usage"))
    if f.get("Identity", GLOBAL) != GLOBAL:
        raise errors.bad_request("OnlinePstnUsages has only the Identity 'Global'.")
    usages = strings(f.get("Usage", []), "Usage")
    remaining = {u.lower() for u in usages}
    for removed in [u for u in voice.usages if u.lower() not in remaining]:
        for route in voice.routes.values():
            if removed.lower() in (u.lower() for u in route.online_pstn_usages):
                raise errors.linked("OnlinePstnUsage", "OnlineVoiceRoute", "Set-CsOnlineVoiceRoute")
        for policy in voice.policies.values():
            if removed.lower() in (u.lower() for u in policy.online_pstn_usages):
                raise errors.linked(
                    "OnlinePstnUsage", "OnlineVoiceRoutingPolicy", "Set-CsOnlineVoiceRoutingPolicy"
                )
    voice.usages = usages
    return usages


# -------------------------------------------------------------------------------- gateways

_GATEWAY_FIELDS = (
    "Identity",
    "Fqdn",
    "SipSignalingPort",
    "Enabled",
    "MaxConcurrentSessions",
    "ForwardPai",
    "ForwardCallHistory",
    "SendSipOptions",
    "MediaBypass",
    "FailoverTimeSeconds",
    "FailoverResponseCodes",
    "Description",
)


def _apply_gateway(gateway: PstnGateway, f: dict[str, Any]) -> None:
    if "SipSignalingPort" in f:
        gateway.sip_signaling_port = number(f["SipSignalingPort"], "SipSignalingPort", 1, 65535)
    for prop, attr in (
        ("Enabled", "enabled"),
        ("ForwardPai", "forward_pai"),
        ("ForwardCallHistory", "forward_call_history"),
        ("SendSipOptions", "send_sip_options"),
        ("MediaBypass", "media_bypass"),
    ):
        if prop in f:
            setattr(gateway, attr, flag(f[prop], prop))
    if "MaxConcurrentSessions" in f:
        value = f["MaxConcurrentSessions"]
        gateway.max_concurrent_sessions = (
            None if value is None else number(value, "MaxConcurrentSessions", 1, 100_000)
        )
    if "FailoverTimeSeconds" in f:
        gateway.failover_time_seconds = number(
            f["FailoverTimeSeconds"], "FailoverTimeSeconds", 1, 600
        )
    if "FailoverResponseCodes" in f:
        gateway.failover_response_codes = text(
            f["FailoverResponseCodes"], "FailoverResponseCodes", 100
        )
    if "Description" in f:
        gateway.description = text(f["Description"], "Description", 1024)


def create_gateway(tenant: Tenant, body: Any, now: float) -> PstnGateway:
    """``New-CsOnlinePSTNGateway``: FQDN ≤ 63, its domain active for Direct Routing."""
    voice = tenant.voice
    f = pick(body, "OnlinePSTNGateway", _GATEWAY_FIELDS)
    fqdn = text(f.get("Fqdn") or f.get("Identity") or "", "Fqdn").lower().rstrip(".")
    if "Identity" in f and str(f["Identity"]).lower().rstrip(".") != fqdn:
        raise errors.bad_request("Identity must be the same as Fqdn.")
    if len(fqdn) > MAX_FQDN:
        raise errors.bad_request(
            f"The Fqdn '{fqdn}' is {len(fqdn)} characters long; it cannot exceed {MAX_FQDN}."
        )
    if not valid_domain_name(fqdn):
        raise errors.bad_request(f"The Fqdn '{fqdn}' is not a valid host name.")
    if "SipSignalingPort" not in f:
        raise errors.bad_request("SipSignalingPort is required.")
    if fqdn in voice.gateways:
        raise errors.conflict("OnlinePSTNGateway", fqdn)
    require_activated(tenant, fqdn, now)
    gateway = PstnGateway(fqdn=fqdn, sip_signaling_port=0)
    _apply_gateway(gateway, f)
    voice.gateways[fqdn] = gateway
    return gateway


def update_gateway(tenant: Tenant, identity: str, body: Any, now: float) -> PstnGateway:
    """``Set-CsOnlinePSTNGateway``."""
    gateway = get(tenant.voice, "OnlinePSTNGateway", identity)
    assert isinstance(gateway, PstnGateway)
    f = pick(body, "OnlinePSTNGateway", _GATEWAY_FIELDS)
    for key in ("Identity", "Fqdn"):
        if key in f and str(f.pop(key)).lower().rstrip(".") != gateway.fqdn:
            raise errors.bad_request("The Fqdn of a gateway cannot be changed.")
    require_activated(tenant, gateway.fqdn, now)
    draft = PstnGateway(**{k: getattr(gateway, k) for k in gateway.__dataclass_fields__})
    _apply_gateway(draft, f)
    tenant.voice.gateways[gateway.fqdn] = draft
    return draft


# ---------------------------------------------------------------------------------- routes

_ROUTE_FIELDS = (
    "Identity",
    "Name",
    "NumberPattern",
    "OnlinePstnGatewayList",
    "OnlinePstnUsages",
    "Priority",
    "Description",
    "BridgeSourcePhoneNumber",
)


def _route_fields(voice: VoiceState, route: VoiceRoute, f: dict[str, Any]) -> VoiceRoute:
    draft = VoiceRoute(
        route.identity,
        route.number_pattern,
        list(route.online_pstn_gateway_list),
        list(route.online_pstn_usages),
        route.priority,
        route.description,
    )
    if f.get("BridgeSourcePhoneNumber"):
        raise errors.bad_request("BridgeSourcePhoneNumber is not supported by the sandbox.")
    if "NumberPattern" in f:
        draft.number_pattern = _regex(f["NumberPattern"], "NumberPattern")
    if "OnlinePstnUsages" in f:
        draft.online_pstn_usages = strings(f["OnlinePstnUsages"], "OnlinePstnUsages")
        _usages_exist(voice, draft.online_pstn_usages)
    if "OnlinePstnGatewayList" in f:
        gateways = [
            g.lower().rstrip(".")
            for g in strings(f["OnlinePstnGatewayList"], "OnlinePstnGatewayList")
        ]
        for fqdn in gateways:
            if fqdn not in voice.gateways:
                raise errors.bad_request(f'Cannot find specified Gateway "{fqdn}".')
        draft.online_pstn_gateway_list = gateways
    if "Priority" in f:
        draft.priority = number(f["Priority"], "Priority", 0, 10_000)
    if "Description" in f:
        draft.description = text(f["Description"], "Description", 1024)
    return draft


def create_route(voice: VoiceState, body: Any) -> tuple[VoiceRoute, list[str]]:
    """``New-CsOnlineVoiceRoute``; returns the route and any warnings."""
    f = pick(body, "OnlineVoiceRoute", _ROUTE_FIELDS)
    name = text(f.get("Identity") or f.get("Name") or "", "Identity", 256)
    if not name or name.lower().startswith("tag:"):
        raise errors.bad_request("Identity must be a plain route name (routes are Global scope).")
    if name.lower() in voice.routes:
        raise errors.conflict("OnlineVoiceRoute", name)
    if "Priority" not in f:
        f["Priority"] = max((r.priority for r in voice.routes.values()), default=-1) + 1
    route = _route_fields(voice, VoiceRoute(name), f)
    voice.routes[name.lower()] = route
    warnings = (
        []
        if route.online_pstn_gateway_list
        else ["The OnlinePstnGatewayList is empty: the route will not route any call."]
    )
    return route, warnings


def update_route(voice: VoiceState, identity: str, body: Any) -> VoiceRoute:
    """``Set-CsOnlineVoiceRoute``."""
    route = get(voice, "OnlineVoiceRoute", identity)
    assert isinstance(route, VoiceRoute)
    f = pick(body, "OnlineVoiceRoute", _ROUTE_FIELDS)
    for key in ("Identity", "Name"):
        if key in f and str(f.pop(key)).lower() != route.identity.lower():
            raise errors.bad_request("The Identity of a route cannot be changed.")
    updated = _route_fields(voice, route, f)
    voice.routes[route.identity.lower()] = updated
    return updated


# ----------------------------------------------------------------------------- read, remove


def _key(kind: str, identity: str) -> str:
    if kind in ("TenantDialPlan", "OnlineVoiceRoutingPolicy"):
        return tag(identity).lower()
    return identity.lower().rstrip(".")


def _table(voice: VoiceState, kind: str) -> dict[str, Any]:
    tables: dict[str, dict[str, Any]] = {
        "TenantDialPlan": voice.dial_plans,
        "OnlineVoiceRoutingPolicy": voice.policies,
        "OnlinePSTNGateway": voice.gateways,
        "OnlineVoiceRoute": voice.routes,
    }
    return tables[kind]


def find(voice: VoiceState, kind: str, identity: str) -> Any | None:
    """One object by identity (``Tag:`` optional for policies), if it exists."""
    return _table(voice, kind).get(_key(kind, identity))


def same_identity(kind: str, first: str, second: str) -> bool:
    """Whether two spellings name the same object (``Tag:`` and case do not matter)."""
    return _key(kind, first) == _key(kind, second)


def get(voice: VoiceState, kind: str, identity: str) -> Any:
    """One object by identity (``Tag:`` optional for policies), or 404."""
    found = find(voice, kind, identity)
    if found is None:
        raise errors.not_found(kind, identity)
    return found


def as_json(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """An instance as the API returns it: its properties plus the configuration envelope."""
    identity = str(data["Identity"])
    scope = "Tag" if identity.lower().startswith("tag:") else "Global"
    return {
        **data,
        "ConfigId": identity,
        "ConfigMetadata": {"Authority": "Tenant"},
        "Key": {
            "ScopeClass": scope,
            "SchemaId": {"XName": {"name": kind}},
            "AuthorityId": {"Class": "Tenant"},
            "DefaultXml": None,
        },
    }


def listing(voice: VoiceState, kind: str) -> list[dict[str, Any]]:
    """Every object of a type, as the API returns them (a bare array)."""
    if kind == "OnlinePstnUsages":
        return [as_json(kind, {"Identity": GLOBAL, "Usage": list(voice.usages)})]
    items = list(_table(voice, kind).values())
    if kind == "OnlineVoiceRoute":
        items.sort(key=lambda r: (r.priority, r.identity.lower()))
    return [as_json(kind, item.to_json()) for item in items]


def remove(voice: VoiceState, kind: str, identity: str, now: float) -> None:
    """``Remove-Cs…``; refused while other objects, or users it is in force for, depend on it."""
    obj = get(voice, kind, identity)
    key = _key(kind, identity)
    if kind == "OnlinePSTNGateway":
        if any(key in r.online_pstn_gateway_list for r in voice.routes.values()):
            raise errors.linked(
                "OnlinePSTNGateway", "OnlineVoiceRoute", "Remove-CsOnlineVoiceRoute"
            )
    elif kind in ("OnlineVoiceRoutingPolicy", "TenantDialPlan"):
        if obj.identity == GLOBAL:
            # Removing Global resets it to its defaults, as the cmdlets do.
            _table(voice, kind)[key] = type(obj)(GLOBAL)
            return
        if voice.holders(kind, obj.identity, now):
            raise errors.assigned(untag(obj.identity))
        voice.drop_pending(kind, obj.identity, now)
    del _table(voice, kind)[key]
