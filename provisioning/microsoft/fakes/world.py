"""A fake Microsoft 365 tenant behind the ports, with just enough of the real rules for step
logic: domains verify only once the TXT record is on every name server, gateways need an
activated domain, linked objects block removal, number operations take time.

Failures are raised as the ports' error kinds, as the adapters would translate them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from provisioning.engine.clock import Clock
from provisioning.microsoft.catalog import GLOBAL_ADMINISTRATOR, MCOEV_PLAN, MCOSTANDARD_PLAN
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.fakes.dns import FakeDnsWorld
from provisioning.microsoft.ports.directory import DirectoryRole, SubscribedSku
from provisioning.microsoft.ports.voice import DialPlan, Gateway, RoutingPolicy, VoiceRoute

MCOSTANDARD_SKU = "d42c793f-6c78-4f43-92ca-e8f6a02b035f"
__all__ = ["MCOEV_PLAN", "MCOSTANDARD_PLAN", "MCOSTANDARD_SKU", "FakeMicrosoft", "Fault"]


@dataclass
class Fault:
    """Fail ``times`` calls of ``method`` with ``kind``, after letting ``skip`` calls through
    (``after``: do the work first and lose the answer, as a reset connection does)."""

    method: str
    kind: ErrorKind
    retry_after: float | None = None
    after: bool = False
    times: int = 1
    skip: int = 0


@dataclass
class FakeUser:
    """A user of the fake tenant."""

    id: str
    upn: str
    usage_location: str | None
    skus: set[str] = field(default_factory=set)
    plans: set[str] = field(default_factory=set)
    account_type: str = "User"
    numbers: dict[str, str] = field(default_factory=dict)  # number -> numberType
    grants: dict[str, str | None] = field(default_factory=dict)


@dataclass
class FakeOperation:
    """A number operation that finishes at ``done_at``."""

    id: str
    action: str  # assign | unassign
    number: str
    number_type: str
    user_id: str | None
    done_at: float
    applied: bool = False
    status: str = "running"


@dataclass
class FakeMicrosoft:
    """The tenant's state, shared by every fake port."""

    clock: Clock
    dns: FakeDnsWorld
    tenant_id: str = "00000000-0000-4000-8000-000000000001"
    initial_domain: str = "contoso.onmicrosoft.com"
    country: str | None = "GB"
    roles: list[DirectoryRole] = field(
        default_factory=lambda: [DirectoryRole(GLOBAL_ADMINISTRATOR, "Global Administrator")]
    )
    skus: dict[str, SubscribedSku] = field(
        default_factory=lambda: {
            MCOSTANDARD_SKU: SubscribedSku(
                MCOSTANDARD_SKU, "MCOSTANDARD", 1, 0, frozenset({MCOSTANDARD_PLAN})
            )
        }
    )
    # Object ids of users who hold ``roles`` (the signed-in account's).
    admins: set[str] = field(default_factory=lambda: {"admin-oid"})
    domains: dict[str, bool] = field(default_factory=dict)  # name -> verified
    domain_codes: dict[str, str] = field(default_factory=dict)
    users: dict[str, FakeUser] = field(default_factory=dict)
    # The recycle bin: deleted users keep their UPN (and so their domain) until purged.
    deleted: dict[str, FakeUser] = field(default_factory=dict)
    dial_plans: dict[str, DialPlan] = field(default_factory=dict)
    policies: dict[str, RoutingPolicy] = field(default_factory=dict)
    usages: list[str] = field(default_factory=list)
    gateways: dict[str, Gateway] = field(default_factory=dict)
    routes: dict[str, VoiceRoute] = field(default_factory=dict)
    operations: dict[str, FakeOperation] = field(default_factory=dict)
    # Direct Routing takes a domain up this long after its licensed user appears.
    activation_seconds: float = 0.0
    licensed_at: dict[str, float] = field(default_factory=dict)  # domain -> when
    number_operation_seconds: float = 0.0
    forgotten: int = 0
    faults: list[Fault] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def hit(self, method: str) -> None:
        """Count a call; raise a fault queued for before the work."""
        self.calls.append(method)
        self._fault(method, after=False)

    def done(self, method: str) -> None:
        """The work is done; raise a fault queued for after it (the answer is lost)."""
        self._fault(method, after=True)

    def _fault(self, method: str, after: bool) -> None:
        for fault in self.faults:
            if fault.method == method and fault.after == after and fault.times > 0:
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.times -= 1
                if fault.times == 0:
                    self.faults.remove(fault)
                raise ServiceError(
                    "fake",
                    fault.kind,
                    f"injected {fault.kind.value} in {method}",
                    retry_after=fault.retry_after,
                )

    def fail(self, method: str, kind: ErrorKind, **options: float | bool | int | None) -> None:
        """Queue a fault (see :class:`Fault`)."""
        self.faults.append(Fault(method, kind, **options))  # type: ignore[arg-type]

    def count(self, method: str) -> int:
        """How often ``method`` was called."""
        return self.calls.count(method)

    def user_by_upn(self, upn: str) -> FakeUser | None:
        """A user by UPN."""
        return next((u for u in self.users.values() if u.upn.lower() == upn.lower()), None)

    def activated(self, fqdn: str) -> bool:
        """A verified domain with a user on it licensed for MCOSTANDARD, long enough ago."""
        for name in (fqdn, fqdn.split(".", 1)[-1]):
            if not self.domains.get(name):
                continue
            licensed = name in self.licensed_at or any(
                u.upn.lower().endswith("@" + name) and MCOSTANDARD_PLAN in u.plans
                for u in self.users.values()
            )
            since = self.licensed_at.get(name, 0.0)
            return licensed and self.clock.now() - since >= self.activation_seconds
        return False

    def settle(self) -> None:
        """Apply number operations whose time has come."""
        for op in self.operations.values():
            if op.applied or op.done_at > self.clock.now():
                continue
            op.applied, op.status = True, "succeeded"
            if op.action == "assign" and op.user_id in self.users:
                self.users[op.user_id].numbers[op.number] = op.number_type
            elif op.action == "unassign":
                for user in self.users.values():
                    user.numbers.pop(op.number, None)

    def teams_phone_users(self) -> int:
        """Users with Teams Phone enabled."""
        return sum(MCOEV_PLAN in u.plans for u in self.users.values())

    def new_id(self) -> str:
        """A fresh object id."""
        return str(uuid.uuid4())
