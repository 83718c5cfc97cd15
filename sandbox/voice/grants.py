"""Per-user policy grants (``Grant-CsOnlineVoiceRoutingPolicy``, ``Grant-CsTenantDialPlan``).

Grants apply asynchronously: a grant is recorded now and takes effect after the tenant's
``grant_delay_seconds`` (go-teams: "typically ~30-45s"). An empty policy name unassigns.
"""

from __future__ import annotations

from sandbox.directory.model import User
from sandbox.directory.tenant import Tenant
from sandbox.voice import errors
from sandbox.voice.model import GLOBAL, Grant, tag
from sandbox.voice.state import POLICY_TYPES


def policy_type(name: str) -> str:
    """The canonical spelling of a voice policy type the sandbox holds (case-insensitive)."""
    for kind in POLICY_TYPES:
        if kind.lower() == name.lower():
            return kind
    raise errors.bad_request(
        f"The policy type '{name}' cannot be granted here; use one of {', '.join(POLICY_TYPES)}."
    )


def any_policy_type(name: str) -> str:
    """A policy type of any kind, spelled one way: Graph's examples write both
    ``TeamsMeetingPolicy`` and ``teamsMeetingBroadcastPolicy`` (fidelity-review-2.md F12)."""
    for kind in POLICY_TYPES:
        if kind.lower() == name.lower():
            return kind
    return name[:1].upper() + name[1:]


def record(tenant: Tenant, user: User, kind: str, identity: str | None, now: float) -> None:
    """Queue a grant of ``identity`` (``None``: the default), in force after the delay."""
    tenant.voice.granted_types.add(kind)
    history = tenant.voice.grants.setdefault((user.id, kind), [])
    history.append(Grant(identity, now + tenant.knobs.grant_delay_seconds))


def grant(tenant: Tenant, user: User, kind: str, policy_name: str | None, now: float) -> None:
    """Assign a policy by name (``None`` or empty: back to the Global default)."""
    kind = policy_type(kind)
    identity: str | None = None
    if policy_name:
        if policy_name.lower() in (GLOBAL.lower(), "tag:global"):
            raise errors.bad_request("Global is the default; grant $null to return a user to it.")
        identity = tag(policy_name)
        table = (
            tenant.voice.policies if kind == "OnlineVoiceRoutingPolicy" else tenant.voice.dial_plans
        )
        found = table.get(identity.lower())
        if found is None:
            raise errors.not_found(kind, identity)
        identity = found.identity
    record(tenant, user, kind, identity, now)
