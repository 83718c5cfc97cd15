"""A fake Microsoft 365 tenant behind the Graph and Teams admin ports.

Just enough of the real rules for step logic: domains verify only once the TXT record is on
every name server, gateways need an activated domain, linked objects block removal.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from provisioning.errors import ErrorKind, ServiceError
from provisioning.fakes.dns import FakeDnsWorld
from provisioning.ports.clock import Clock
from provisioning.ports.graph import (
    DirectoryRole,
    Domain,
    NumberOperation,
    Organization,
    SubscribedSku,
    User,
)
from provisioning.ports.teams import (
    DialPlan,
    Gateway,
    RoutingPolicy,
    TeamsUser,
    VoiceRoute,
)

MCOSTANDARD_SKU = "d42c793f-6c78-4f43-92ca-e8f6a02b035f"
MCOSTANDARD_PLAN = "0feaeb32-d00e-4d66-bd5a-43b5b83db82c"
MCOEV_PLAN = "4828c8ec-dc2e-4779-b502-87ac9ce28ab7"


@dataclass
class FakeUser:
    """A user of the fake tenant."""

    id: str
    upn: str
    usage_location: str | None
    skus: set[str] = field(default_factory=set)
    plans: set[str] = field(default_factory=set)
    account_type: str = "user"
    numbers: list[str] = field(default_factory=list)
    grants: dict[str, str | None] = field(default_factory=dict)


@dataclass
class FakeMicrosoft:
    """The tenant's state, shared by :class:`FakeGraph` and :class:`FakeTeams`."""

    clock: Clock
    dns: FakeDnsWorld
    tenant_id: str = "00000000-0000-4000-8000-000000000001"
    initial_domain: str = "contoso.onmicrosoft.com"
    roles: list[DirectoryRole] = field(
        default_factory=lambda: [
            DirectoryRole("62e90394-69f5-4237-9190-012177145e10", "Global Administrator")
        ]
    )
    skus: dict[str, SubscribedSku] = field(
        default_factory=lambda: {
            MCOSTANDARD_SKU: SubscribedSku(
                MCOSTANDARD_SKU, "MCOSTANDARD", 1, 0, frozenset({MCOSTANDARD_PLAN})
            )
        }
    )
    domains: dict[str, bool] = field(default_factory=dict)  # name -> verified
    domain_codes: dict[str, str] = field(default_factory=dict)
    users: dict[str, FakeUser] = field(default_factory=dict)
    dial_plans: dict[str, DialPlan] = field(default_factory=dict)
    policies: dict[str, RoutingPolicy] = field(default_factory=dict)
    usages: list[str] = field(default_factory=list)
    gateways: dict[str, Gateway] = field(default_factory=dict)
    routes: dict[str, VoiceRoute] = field(default_factory=dict)
    # Failures to inject: (method name, kind, retry_after) raised once each, in order.
    failures: list[tuple[str, ErrorKind, float | None]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    verify_calls: int = 0

    def hit(self, method: str) -> None:
        """Count a call and raise an injected failure if one is queued for it."""
        self.calls.append(method)
        for index, (name, kind, retry_after) in enumerate(self.failures):
            if name == method:
                del self.failures[index]
                raise ServiceError(
                    "fake", kind, f"injected {kind.value} in {method}", retry_after=retry_after
                )

    def user_by_upn(self, upn: str) -> FakeUser | None:
        """A user by UPN."""
        return next((u for u in self.users.values() if u.upn.lower() == upn.lower()), None)

    def activated(self, fqdn: str) -> bool:
        """A verified domain with a user on it whose licence carries MCOSTANDARD."""
        for name in (fqdn, fqdn.split(".", 1)[-1]):
            if self.domains.get(name):
                return any(
                    u.upn.lower().endswith("@" + name) and MCOSTANDARD_PLAN in u.plans
                    for u in self.users.values()
                )
        return False


def _missing(what: str) -> ServiceError:
    return ServiceError("fake", ErrorKind.NOT_FOUND, f"{what} does not exist")


class FakeGraph:
    """``GraphPort`` over a :class:`FakeMicrosoft`."""

    def __init__(self, world: FakeMicrosoft) -> None:
        self.w = world

    async def organization(self) -> Organization:
        """The tenant."""
        self.w.hit("organization")
        return Organization(self.w.tenant_id, "Contoso", self.w.initial_domain)

    async def my_roles(self) -> list[DirectoryRole]:
        """The signed-in account's roles."""
        self.w.hit("my_roles")
        return list(self.w.roles)

    async def subscribed_skus(self) -> list[SubscribedSku]:
        """The subscriptions."""
        self.w.hit("subscribed_skus")
        return list(self.w.skus.values())

    async def count_users_with_plan(self, service_plan_id: str) -> int:
        """Users with a plan."""
        self.w.hit("count_users_with_plan")
        return sum(service_plan_id in u.plans for u in self.w.users.values())

    async def get_domain(self, name: str) -> Domain | None:
        """A domain."""
        self.w.hit("get_domain")
        verified = self.w.domains.get(name)
        return None if verified is None else Domain(name, verified)

    async def add_domain(self, name: str) -> Domain:
        """Register a domain."""
        self.w.hit("add_domain")
        if name in self.w.domains:
            raise ServiceError(
                "fake",
                ErrorKind.CONFLICT,
                "Another object with the same value for property id already exists.",
            )
        self.w.domains[name] = False
        self.w.domain_codes[name] = f"MS=ms{uuid.uuid4().int % 10**8:08d}"
        return Domain(name, False)

    async def verification_txt(self, name: str) -> str:
        """The text to publish."""
        self.w.hit("verification_txt")
        if name not in self.w.domains:
            raise _missing(name)
        return self.w.domain_codes[name]

    async def verify_domain(self, name: str) -> Domain:
        """Verify if every server shows the TXT record."""
        self.w.hit("verify_domain")
        self.w.verify_calls += 1
        if name not in self.w.domains:
            raise _missing(name)
        key = (name.lower() + ".", "TXT")
        servers = range(self.w.dns.secondaries + 1)
        if not all(
            self.w.domain_codes[name] in self.w.dns.records(i).get(key, ()) for i in servers
        ):
            raise ServiceError("fake", ErrorKind.INVALID, "Domain verification failed")
        self.w.domains[name] = True
        return Domain(name, True)

    async def delete_domain(self, name: str) -> None:
        """Remove a domain unless users are on it."""
        self.w.hit("delete_domain")
        if name not in self.w.domains:
            raise _missing(name)
        if any(u.upn.lower().endswith("@" + name) for u in self.w.users.values()):
            raise ServiceError("fake", ErrorKind.INVALID, "referenced by one or more objects")
        del self.w.domains[name]

    async def find_user(self, upn: str) -> User | None:
        """A user by UPN."""
        self.w.hit("find_user")
        user = self.w.user_by_upn(upn)
        if user is None:
            return None
        return User(
            user.id, user.upn, user.usage_location, frozenset(user.skus), frozenset(user.plans)
        )

    async def create_user(
        self, upn: str, display_name: str, usage_location: str, password: str
    ) -> User:
        """Create a user on a verified domain."""
        self.w.hit("create_user")
        if self.w.user_by_upn(upn) is not None:
            raise ServiceError("fake", ErrorKind.CONFLICT, "userPrincipalName already exists")
        if not self.w.domains.get(upn.split("@", 1)[1]):
            raise ServiceError(
                "fake",
                ErrorKind.INVALID,
                "The domain portion of the userPrincipalName property is invalid.",
            )
        user = FakeUser(str(uuid.uuid4()), upn, usage_location)
        self.w.users[user.id] = user
        return User(user.id, upn, usage_location, frozenset(), frozenset())

    async def assign_licence(self, user_id: str, sku_id: str) -> None:
        """Add a licence, counting seats."""
        self.w.hit("assign_licence")
        user = self.w.users.get(user_id)
        if user is None:
            raise _missing(user_id)
        sku = self.w.skus[sku_id]
        if sku.free <= 0:
            raise ServiceError(
                "fake",
                ErrorKind.INVALID,
                f"Subscription with SKU {sku_id} does not have any available licenses.",
            )
        self.w.skus[sku_id] = SubscribedSku(
            sku.sku_id, sku.part_number, sku.enabled, sku.consumed + 1, sku.service_plan_ids
        )
        user.skus.add(sku_id)
        user.plans |= sku.service_plan_ids

    async def delete_user(self, user_id: str) -> None:
        """Delete a user and free its seats."""
        self.w.hit("delete_user")
        user = self.w.users.pop(user_id, None)
        if user is None:
            raise _missing(user_id)
        for sku_id in user.skus:
            sku = self.w.skus[sku_id]
            self.w.skus[sku_id] = SubscribedSku(
                sku.sku_id, sku.part_number, sku.enabled, sku.consumed - 1, sku.service_plan_ids
            )

    async def assign_number(self, user_id: str, number: str) -> str:
        """Assign at once (the fake's operations finish immediately)."""
        self.w.hit("assign_number")
        self.w.users[user_id].numbers.append(number)
        return str(uuid.uuid4())

    async def unassign_number(self, number: str) -> str:
        """Remove at once."""
        self.w.hit("unassign_number")
        for user in self.w.users.values():
            if number in user.numbers:
                user.numbers.remove(number)
        return str(uuid.uuid4())

    async def number_operation(self, operation_id: str) -> NumberOperation:
        """Every fake operation has succeeded."""
        return NumberOperation(operation_id, "succeeded", None)

    async def numbers_of(self, user_id: str) -> list[str]:
        """A user's numbers."""
        self.w.hit("numbers_of")
        user = self.w.users.get(user_id)
        return list(user.numbers) if user else []


class FakeTeams:
    """``TeamsAdminPort`` over a :class:`FakeMicrosoft`."""

    def __init__(self, world: FakeMicrosoft) -> None:
        self.w = world

    async def get_dial_plan(self, name: str) -> DialPlan | None:
        """A dial plan."""
        self.w.hit("get_dial_plan")
        return self.w.dial_plans.get(name)

    async def put_dial_plan(self, plan: DialPlan, exists: bool) -> None:
        """Create or update."""
        self.w.hit("put_dial_plan")
        if not exists and plan.name in self.w.dial_plans:
            raise ServiceError("fake", ErrorKind.CONFLICT, "exists")
        self.w.dial_plans[plan.name] = plan

    async def delete_dial_plan(self, name: str) -> None:
        """Remove unless assigned."""
        self.w.hit("delete_dial_plan")
        self._delete_assignable(self.w.dial_plans, "TenantDialPlan", name)

    def _delete_assignable(self, table: dict[str, Any], kind: str, name: str) -> None:
        if name not in table:
            raise _missing(name)
        if any(u.grants.get(kind) == name for u in self.w.users.values()):
            raise ServiceError("fake", ErrorKind.CONFLICT, f"{kind} is assigned to users")
        del table[name]

    async def usages(self) -> list[str]:
        """The Global usage list."""
        self.w.hit("usages")
        return list(self.w.usages)

    async def set_usages(self, usages: list[str]) -> None:
        """Replace the list unless a used usage would go."""
        self.w.hit("set_usages")
        for gone in set(self.w.usages) - set(usages):
            used = [
                *(p.usages for p in self.w.policies.values()),
                *(r.usages for r in self.w.routes.values()),
            ]
            if any(gone in u for u in used):
                raise ServiceError("fake", ErrorKind.CONFLICT, "usage in use")
        self.w.usages = list(usages)

    async def get_policy(self, name: str) -> RoutingPolicy | None:
        """A policy."""
        self.w.hit("get_policy")
        return self.w.policies.get(name)

    async def put_policy(self, policy: RoutingPolicy, exists: bool) -> None:
        """Create or update; usages must be in the Global list."""
        self.w.hit("put_policy")
        if any(u not in self.w.usages for u in policy.usages):
            raise ServiceError("fake", ErrorKind.INVALID, "usage missing")
        self.w.policies[policy.name] = policy

    async def delete_policy(self, name: str) -> None:
        """Remove unless assigned."""
        self.w.hit("delete_policy")
        self._delete_assignable(self.w.policies, "OnlineVoiceRoutingPolicy", name)

    async def get_gateway(self, fqdn: str) -> Gateway | None:
        """A gateway."""
        self.w.hit("get_gateway")
        return self.w.gateways.get(fqdn)

    async def put_gateway(self, gateway: Gateway, exists: bool) -> None:
        """Create or update once the domain is activated."""
        self.w.hit("put_gateway")
        if not self.w.activated(gateway.fqdn):
            raise ServiceError(
                "fake",
                ErrorKind.INVALID,
                f'Can not use the "{gateway.fqdn}" domain as it was not '
                "configured for this tenant.",
            )
        self.w.gateways[gateway.fqdn] = gateway

    async def delete_gateway(self, fqdn: str) -> None:
        """Remove unless a route links it."""
        self.w.hit("delete_gateway")
        if fqdn not in self.w.gateways:
            raise _missing(fqdn)
        if any(fqdn in r.gateways for r in self.w.routes.values()):
            raise ServiceError("fake", ErrorKind.CONFLICT, "linked OnlineVoiceRoute exists")
        del self.w.gateways[fqdn]

    async def get_route(self, name: str) -> VoiceRoute | None:
        """A route."""
        self.w.hit("get_route")
        return self.w.routes.get(name)

    async def put_route(self, route: VoiceRoute, exists: bool) -> None:
        """Create or update; gateways and usages must exist."""
        self.w.hit("put_route")
        if any(g not in self.w.gateways for g in route.gateways) or any(
            u not in self.w.usages for u in route.usages
        ):
            raise ServiceError("fake", ErrorKind.INVALID, "gateway or usage missing")
        self.w.routes[route.name] = route

    async def delete_route(self, name: str) -> None:
        """Remove a route."""
        self.w.hit("delete_route")
        if self.w.routes.pop(name, None) is None:
            raise _missing(name)

    async def grant(self, user: str, policy_type: str, policy_name: str | None) -> None:
        """Grant at once."""
        self.w.hit("grant")
        self.w.users[user].grants[policy_type] = policy_name

    async def users(self) -> AsyncIterator[TeamsUser]:
        """Every user."""
        self.w.hit("users")
        for user in list(self.w.users.values()):
            yield TeamsUser(
                user.id,
                user.upn,
                user.account_type,
                f"tel:{user.numbers[0]}" if user.numbers else None,
                user.grants.get("OnlineVoiceRoutingPolicy"),
                user.grants.get("TenantDialPlan"),
            )
