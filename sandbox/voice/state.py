"""Everything Teams voice holds for one tenant."""

from __future__ import annotations

from dataclasses import dataclass, field

from sandbox.voice.model import (
    GLOBAL,
    DialPlan,
    Grant,
    NumberAssignment,
    NumberOperation,
    PstnGateway,
    VoiceRoute,
    VoiceRoutingPolicy,
)

POLICY_TYPES = ("OnlineVoiceRoutingPolicy", "TenantDialPlan")


@dataclass
class VoiceState:
    """Dial plans, policies, the Global usage list, gateways, routes, grants and numbers."""

    dial_plans: dict[str, DialPlan] = field(
        default_factory=lambda: {GLOBAL.lower(): DialPlan(GLOBAL)}
    )
    policies: dict[str, VoiceRoutingPolicy] = field(
        default_factory=lambda: {GLOBAL.lower(): VoiceRoutingPolicy(GLOBAL)}
    )
    usages: list[str] = field(default_factory=list)
    gateways: dict[str, PstnGateway] = field(default_factory=dict)
    routes: dict[str, VoiceRoute] = field(default_factory=dict)
    # (user id, policy type) -> the grant history, oldest first.
    grants: dict[tuple[str, str], list[Grant]] = field(default_factory=dict)
    # Every policy type with grants: the voice types, and any other Graph assigned (F12).
    granted_types: set[str] = field(default_factory=lambda: set(POLICY_TYPES))
    numbers: dict[str, NumberAssignment] = field(default_factory=dict)
    operations: dict[str, NumberOperation] = field(default_factory=dict)
    # User id -> EnterpriseVoiceEnabled. A flag of its own, not "has a number": Graph's list
    # example shows a number with isEnterpriseVoiceEnabled false (teamsadministration-
    # teamsadminroot-list-userconfigurations.md); assigning a number sets it, removing one
    # clears it (Set/Remove-CsPhoneNumberAssignment.md, teams-voice-api.md §3).
    enterprise_voice: dict[str, bool] = field(default_factory=dict)
    # User id -> when a number or Enterprise Voice last changed for them; with the grants'
    # times this is teamsUserConfiguration's modifiedDateTime ("the date and time when the
    # user's details were last modified", resources/teamsadministration-
    # teamsuserconfiguration.md; fidelity-review-2.md, user configurations).
    changed_at: dict[str, float] = field(default_factory=dict)

    def effective_policy(self, user_id: str, policy_type: str, now: float) -> str | None:
        """The identity of the policy in force for a user (``None``: the Global default)."""
        current: str | None = None
        for grant in self.grants.get((user_id, policy_type), []):
            if grant.effective_at <= now:
                current = grant.policy
        return current

    def modified_at(self, user_id: str, created_at: float, now: float) -> float:
        """When Teams last changed what it holds for a user: creation, a number or Enterprise
        Voice, or a policy grant coming into force."""
        latest = max(created_at, self.changed_at.get(user_id, created_at))
        for kind in self.granted_types:
            for grant in self.grants.get((user_id, kind), ()):
                if latest < grant.effective_at <= now:
                    latest = grant.effective_at
        return latest

    def holders(self, policy_type: str, identity: str, now: float) -> list[str]:
        """Users for whom the policy is in force at ``now``.

        A queued grant does not count until it applies (grants take ~30-45 s, go-teams
        ``cs/users.go``): a policy being unassigned is still held, one being assigned is not yet
        (fidelity-review-2.md F7).
        """
        key = identity.lower()
        return [
            user_id
            for (user_id, kind) in self.grants
            if kind == policy_type
            and (self.effective_policy(user_id, kind, now) or "").lower() == key
        ]

    def drop_pending(self, policy_type: str, identity: str, now: float) -> None:
        """Forget queued grants of a policy being removed: they can no longer apply.

        [INF] Microsoft does not say what becomes of them; the user keeps what is in force.
        """
        key = identity.lower()
        for (_, kind), history in self.grants.items():
            if kind == policy_type:
                history[:] = [
                    g for g in history if g.effective_at <= now or (g.policy or "").lower() != key
                ]

    def numbers_of(self, user_id: str) -> list[NumberAssignment]:
        """The numbers assigned to a user."""
        return [n for n in self.numbers.values() if n.user_id == user_id]

    def forget_user(self, user_id: str) -> None:
        """A deleted user loses its grants and numbers."""
        # [INF] Microsoft documents neither way: Get-CsOnlineUser.md lists soft-deleted users
        # (SoftDeletionTimestamp) but not whether they keep their policies and numbers. Losing
        # them is the cautious choice for the product: a removal never waits on a deleted user.
        for key in [k for k in self.grants if k[0] == user_id]:
            del self.grants[key]
        for number in [n for n, a in self.numbers.items() if a.user_id == user_id]:
            del self.numbers[number]
        self.enterprise_voice.pop(user_id, None)
        self.changed_at.pop(user_id, None)
