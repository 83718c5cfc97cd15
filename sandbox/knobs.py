"""Behaviour knobs the control API turns: latency, throttling and eventual consistency."""

from __future__ import annotations

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

    def to_json(self) -> dict[str, Any]:
        """The knobs as the control API shows them."""
        return asdict(self)

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a partial update from the control API; unknown keys are an error."""
        _apply(self, changes)


@dataclass
class GlobalKnobs:
    """Knobs that apply to the whole sandbox."""

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
    known = {f.name for f in fields(target)}
    for key, value in changes.items():
        if key not in known:
            raise ValueError(f"unknown knob {key!r}; known: {', '.join(sorted(known))}")
        current = getattr(target, key)
        if key == "latency_ms":
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
