"""Behaviour knobs the control API turns: latency, throttling, eventual consistency, and the
alternatives Microsoft leaves undocumented."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

SERVICES = ("entra", "graph", "teams_admin")


@dataclass
class Throttling:
    """Graph's identity-API throttling for one tenant (research/graph-entra.md §3.8).

    ``resource_units_per_10s`` of ``None`` means Microsoft's limit for the tenant's size.
    """

    enabled: bool = True
    resource_units_per_10s: int | None = None
    writes_per_150s: int = 3000


@dataclass
class TeamsThrottling:
    """Throttling of the Teams admin API per application and tenant (429 + ``Retry-After``)."""

    enabled: bool = True
    requests_per_10s: int = 500


def _choice(default: Any, *choices: Any) -> Any:
    """A knob that takes one of ``choices`` (anything else is the control API's 400)."""
    return field(default=default, metadata={"choices": (default, *choices)})


@dataclass
class TeamsAdminModes:
    """How the Teams admin API answers where Microsoft does not document it.

    Defaults follow the best public evidence (research/fidelity-review-2.md F3, F4, F5, F11);
    the alternatives are there so a client can be tested against each.
    """

    # F5: create by POST to the collection (go-teams ``teamsapi/invoke.go``) or by PUT to
    # ``…/configuration/{Identity}`` (CIPP ``New-TeamsRequestV2.ps1``, "best-effort").
    create: str = _choice("post", "put")
    # F5: whether an update must send back the ``Key`` envelope a GET returned (CIPP's
    # read-modify-write sends it "for max compatibility"; go-teams sends bare properties).
    key: str = _choice("optional", "required")
    # F11: which PolicyName unassigns a grant: Grant-Cs* documents $null, terraform-provider-teams
    # sends "", New-CsBatchPolicyAssignmentOperation.md accepts "$null or an empty string".
    unassign: str = _choice("both", "empty", "null")
    # F4: the status of a dependency refusal (linked gateway, used usage, assigned policy);
    # only the PowerShell wording is public.
    refusal_status: int = _choice(409, 400)
    # F3: Get-CsOnlineUser over REST. go-teams ``cs/users.go`` reads only the ``users``
    # envelope and ``effectivePolicyAssignments``; "flat" adds the cmdlet's flat policy fields.
    users_shape: str = _choice("assignments", "flat")
    # F3: go-teams' live sample is camelCase; the cmdlet's output objects are PascalCase.
    users_casing: str = _choice("camel", "pascal")
    # F3: go-teams' live sample is one envelope without a link; the alternatives page.
    users_paging: str = _choice("none", "nextLink", "@odata.nextLink")


@dataclass
class TenantKnobs:
    """Knobs of one tenant."""

    consistency_seconds: float = 0.0
    throttling: Throttling = field(default_factory=Throttling)
    teams_throttling: TeamsThrottling = field(default_factory=TeamsThrottling)
    # Direct Routing activation of a domain after its licensed user exists ("up to 24 hours").
    activation_seconds: float = 0.0
    # Per-user policy grants apply asynchronously ("typically ~30-45 s").
    grant_delay_seconds: float = 0.0
    # How long Graph's assignNumber/unassignNumber operations run before they finish.
    number_operation_seconds: float = 0.0
    # F8: Microsoft names E1/E3/E5 ("a Teams license") for activating a Direct Routing domain;
    # when true, the activating user's licences must carry TEAMS1 as well as MCOSTANDARD.
    activation_requires_teams_licence: bool = False
    # [INF] Graph's userConfigurations list documents $filter without naming its properties:
    # whether modifiedDateTime may be filtered on (false: refused as an unsupported clause).
    filter_on_modified: bool = True
    # F14: whether Graph's ``/$count`` answers start with a UTF-8 byte-order mark. The OData TC
    # warns that "Clients SHOULD be aware that [a BOM] is returned by some services" for
    # ``/$count`` (oasis-tcs/odata-specs#325, research/fidelity-review-2.md F14); unverified for
    # Graph, so off by default.
    count_byte_order_mark: str = _choice("none", "utf-8")
    teams_admin: TeamsAdminModes = field(default_factory=TeamsAdminModes)

    def to_json(self) -> dict[str, Any]:
        """The knobs as the control API shows them."""
        return asdict(self)

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a partial update from the control API; unknown keys are an error."""
        _apply(self, changes)


@dataclass
class GlobalKnobs:
    """Knobs that apply to the whole sandbox."""

    # How long each service takes to answer a call (the sandbox's own work happens within it).
    latency_ms: dict[str, float] = field(default_factory=dict)
    jitter_ms: float = 0.0
    # How long a request hit by a "timeout" fault hangs before the connection is dropped.
    timeout_seconds: float = 30.0
    # How long the provider zone's secondaries lag behind its primary.
    dns_propagation_seconds: float = 0.0
    # How long the channel waits for a bot's invoke answer before Teams' 504 GatewayTimeout.
    invoke_timeout_seconds: float = 15.0

    def to_json(self) -> dict[str, Any]:
        """The knobs as the control API shows them."""
        return asdict(self)

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a partial update from the control API; unknown keys are an error."""
        _apply(self, changes)


def _apply(target: Any, changes: dict[str, Any]) -> None:
    known = {f.name: f for f in fields(target)}
    for key, value in changes.items():
        if key not in known:
            raise ValueError(f"unknown knob {key!r}; known: {', '.join(sorted(known))}")
        current = getattr(target, key)
        choices = known[key].metadata.get("choices")
        if choices is not None:
            # bool is an int: true must not pass for 1, nor 1 for a status.
            if isinstance(value, bool) or value not in choices:
                raise ValueError(f"{key} takes one of {', '.join(map(json.dumps, choices))}")
            setattr(target, key, value)
        elif key == "latency_ms":
            if not isinstance(value, dict) or any(s not in SERVICES for s in value):
                raise ValueError(f"latency_ms takes a map of {', '.join(SERVICES)} to milliseconds")
            current.update({s: float(v) for s, v in value.items()})
        elif hasattr(current, "__dataclass_fields__"):
            if not isinstance(value, dict):
                raise ValueError(f"{key} takes an object")
            _apply(current, value)
        elif isinstance(current, bool):
            if not isinstance(value, bool):
                raise ValueError(f"{key} takes true or false")
            setattr(target, key, value)
        elif value is None or isinstance(value, int | float):
            setattr(target, key, value)
        else:
            raise ValueError(f"{key} takes a number")
