"""Teams voice objects, with the property names of the cmdlets (teams-voice-api.md §1.3, §3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GLOBAL = "Global"


def tag(name: str) -> str:
    """The stored identity of a custom (per-user) policy: ``Tag:<name>``."""
    if name == GLOBAL or name.lower().startswith("tag:"):
        return name if name == GLOBAL else "Tag:" + name[4:]
    return "Tag:" + name


def untag(identity: str) -> str:
    """The policy name as grants and user views show it (``Tag:`` removed)."""
    return identity[4:] if identity.lower().startswith("tag:") else identity


@dataclass
class NormalizationRule:
    """One rule of a tenant dial plan (``New-CsVoiceNormalizationRule``)."""

    name: str
    pattern: str = r"^(\d{11})$"
    translation: str = "+$1"
    description: str = ""
    is_internal_extension: bool = False
    priority: int = 0

    def to_json(self) -> dict[str, Any]:
        """The rule as the API returns it."""
        return {
            "Name": self.name,
            "Pattern": self.pattern,
            "Translation": self.translation,
            "Description": self.description,
            "IsInternalExtension": self.is_internal_extension,
            "Priority": self.priority,
        }


@dataclass
class DialPlan:
    """A tenant dial plan (``TenantDialPlan``)."""

    identity: str
    description: str = ""
    simple_name: str = ""
    normalization_rules: list[NormalizationRule] = field(default_factory=list)
    optimize_device_dialing: bool = False
    external_access_prefix: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The dial plan as the API returns it."""
        return {
            "Identity": self.identity,
            "Description": self.description,
            "SimpleName": self.simple_name or untag(self.identity),
            "NormalizationRules": [r.to_json() for r in self.normalization_rules],
            "OptimizeDeviceDialing": self.optimize_device_dialing,
            "ExternalAccessPrefix": self.external_access_prefix,
        }


@dataclass
class VoiceRoutingPolicy:
    """An online voice routing policy (``OnlineVoiceRoutingPolicy``)."""

    identity: str
    online_pstn_usages: list[str] = field(default_factory=list)
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        """The policy as the API returns it."""
        return {
            "Identity": self.identity,
            "OnlinePstnUsages": list(self.online_pstn_usages),
            "Description": self.description,
            "RouteType": "BYOT",
        }


@dataclass
class PstnGateway:
    """An online PSTN gateway (``OnlinePSTNGateway``); Identity equals Fqdn."""

    fqdn: str
    sip_signaling_port: int
    enabled: bool = False
    max_concurrent_sessions: int | None = None
    forward_pai: bool = False
    forward_call_history: bool = False
    send_sip_options: bool = True
    media_bypass: bool = False
    failover_time_seconds: int = 10
    failover_response_codes: str = "408,503,504"
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        """The gateway as the API returns it."""
        return {
            "Identity": self.fqdn,
            "Fqdn": self.fqdn,
            "SipSignalingPort": self.sip_signaling_port,
            "Enabled": self.enabled,
            "MaxConcurrentSessions": self.max_concurrent_sessions,
            "ForwardPai": self.forward_pai,
            "ForwardCallHistory": self.forward_call_history,
            "SendSipOptions": self.send_sip_options,
            "MediaBypass": self.media_bypass,
            "FailoverTimeSeconds": self.failover_time_seconds,
            "FailoverResponseCodes": self.failover_response_codes,
            "IPAddressVersion": "IPv4",
            "Description": self.description,
        }


@dataclass
class VoiceRoute:
    """An online voice route (``OnlineVoiceRoute``)."""

    identity: str
    number_pattern: str = "[0-9]{10}"
    online_pstn_gateway_list: list[str] = field(default_factory=list)
    online_pstn_usages: list[str] = field(default_factory=list)
    priority: int = 0
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        """The route as the API returns it."""
        return {
            "Identity": self.identity,
            "Name": self.identity,
            "NumberPattern": self.number_pattern,
            "OnlinePstnGatewayList": list(self.online_pstn_gateway_list),
            "OnlinePstnUsages": list(self.online_pstn_usages),
            "Priority": self.priority,
            "Description": self.description,
            "BridgeSourcePhoneNumber": None,
        }


@dataclass
class Grant:
    """A per-user policy grant, effective from ``effective_at`` (grants apply asynchronously)."""

    policy: str | None  # policy identity ("Tag:X"), or None for "back to Global"
    effective_at: float


@dataclass
class NumberAssignment:
    """A telephone number assigned to a user or resource account."""

    telephone_number: str
    user_id: str
    number_type: str
    assignment_category: str = "primary"
    location_id: str | None = None


@dataclass
class NumberOperation:
    """An asynchronous number assignment or removal (Graph's ``operations/{id}``)."""

    id: str
    kind: str  # "assign" or "unassign"
    telephone_number: str
    number_type: str
    user_id: str | None
    assignment_category: str
    location_id: str | None
    created_at: float
    complete_at: float
    status: str = "notStarted"
    status_detail: str | None = None
