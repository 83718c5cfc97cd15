"""The fake ports over a :class:`~provisioning.microsoft.fakes.world.FakeMicrosoft`."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from provisioning.microsoft.catalog import MCOEV_PLAN, MCOSTANDARD_PLAN
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.fakes.dns import FakeDnsWorld, FakeProbe, FakeZone
from provisioning.microsoft.fakes.world import FakeMicrosoft, FakeOperation, FakeUser
from provisioning.microsoft.ports.directory import DirectoryRole, Organization, SubscribedSku
from provisioning.microsoft.ports.domains import Domain
from provisioning.microsoft.ports.numbers import AssignedNumber, NumberOperation, OperationStatus
from provisioning.microsoft.ports.tenant import TenantPorts
from provisioning.microsoft.ports.user_sync import DeltaExpiredError, DirectoryUser, Page, VoiceUser
from provisioning.microsoft.ports.users import User
from provisioning.microsoft.ports.voice import (
    DialPlan,
    Gateway,
    PolicyKind,
    RoutingPolicy,
    TeamsUser,
    VoiceObject,
    VoiceRoute,
)


def _error(kind: ErrorKind, message: str) -> ServiceError:
    return ServiceError("fake", kind, message)


class FakeDirectory:
    """``DirectoryPort``."""

    def __init__(self, w: FakeMicrosoft) -> None:
        self.w = w

    async def organization(self) -> Organization:
        """The tenant."""
        self.w.hit("organization")
        return Organization(self.w.tenant_id, "Contoso", self.w.initial_domain, self.w.country)

    async def my_roles(self) -> list[DirectoryRole]:
        """The signed-in account's roles."""
        self.w.hit("my_roles")
        return list(self.w.roles)

    async def subscribed_skus(self) -> list[SubscribedSku]:
        """The subscriptions."""
        self.w.hit("subscribed_skus")
        return list(self.w.skus.values())

    async def roles_of(self, user_id: str) -> list[DirectoryRole]:
        """A user's roles (the fake's admins hold the signed-in account's)."""
        self.w.hit("roles_of")
        return list(self.w.roles) if user_id in self.w.admins else []

    async def count_users_with_plan(self, service_plan_id: str) -> int:
        """Users with a plan."""
        self.w.hit("count_users_with_plan")
        return sum(service_plan_id in u.plans for u in self.w.users.values())


class FakeDomains:
    """``DomainsPort``."""

    def __init__(self, w: FakeMicrosoft) -> None:
        self.w = w

    async def get(self, name: str) -> Domain | None:
        """A domain."""
        self.w.hit("get_domain")
        verified = self.w.domains.get(name)
        return None if verified is None else Domain(name, verified)

    async def add(self, name: str) -> Domain:
        """Register a domain."""
        self.w.hit("add_domain")
        if name in self.w.domains:
            raise _error(ErrorKind.ALREADY_EXISTS, "the domain exists")
        self.w.domains[name] = False
        self.w.domain_codes[name] = f"MS=ms{uuid.uuid4().int % 10**8:08d}"
        self.w.done("add_domain")
        return Domain(name, False)

    async def verification_txt(self, name: str) -> str:
        """The text to publish."""
        self.w.hit("verification_txt")
        if name not in self.w.domains or self.w.domains[name]:
            # Graph offers no verification record for a domain it has verified.
            raise _error(ErrorKind.NOT_FOUND, name)
        return self.w.domain_codes[name]

    async def verify(self, name: str) -> Domain:
        """Verify if every server shows the TXT record."""
        self.w.hit("verify_domain")
        if name not in self.w.domains:
            raise _error(ErrorKind.NOT_FOUND, name)
        if self.w.domains[name]:
            return Domain(name, True)
        key = (name.lower() + ".", "TXT")
        servers = range(self.w.dns.secondaries + 1)
        if not all(
            self.w.domain_codes[name] in self.w.dns.records(i).get(key, ()) for i in servers
        ):
            raise _error(ErrorKind.INVALID, "Domain verification failed")
        self.w.domains[name] = True
        self.w.done("verify_domain")
        return Domain(name, True)

    async def delete(self, name: str) -> None:
        """Remove a domain unless users are on it."""
        self.w.hit("delete_domain")
        if name not in self.w.domains:
            raise _error(ErrorKind.NOT_FOUND, name)
        holders = [*self.w.users.values(), *self.w.deleted.values()]
        if any(u.upn.lower().endswith("@" + name) for u in holders):
            raise _error(ErrorKind.IN_USE, "referenced by one or more objects")
        del self.w.domains[name]
        self.w.done("delete_domain")


class FakeUsers:
    """``UsersPort``."""

    def __init__(self, w: FakeMicrosoft) -> None:
        self.w = w

    @staticmethod
    def _user(user: FakeUser) -> User:
        return User(
            user.id, user.upn, user.usage_location, frozenset(user.skus), frozenset(user.plans)
        )

    async def find(self, upn: str) -> User | None:
        """A user by UPN."""
        self.w.hit("find_user")
        user = self.w.user_by_upn(upn)
        return None if user is None else self._user(user)

    async def create(self, upn: str, display_name: str, usage_location: str, password: str) -> User:
        """Create a user on a verified domain."""
        self.w.hit("create_user")
        taken = [u for u in self.w.deleted.values() if u.upn.lower() == upn.lower()]
        if self.w.user_by_upn(upn) is not None or taken:
            raise _error(ErrorKind.ALREADY_EXISTS, "userPrincipalName is taken")
        if not self.w.domains.get(upn.split("@", 1)[1]):
            raise _error(ErrorKind.INVALID, "the domain of the UPN is not verified")
        user = FakeUser(self.w.new_id(), upn, usage_location)
        self.w.users[user.id] = user
        self.w.done("create_user")
        return self._user(user)

    async def assign_licence(self, user_id: str, sku_id: str) -> None:
        """Add a licence, counting seats."""
        self.w.hit("assign_licence")
        user = self.w.users.get(user_id)
        if user is None:
            raise _error(ErrorKind.NOT_FOUND, user_id)
        sku = self.w.skus[sku_id]
        if sku_id in user.skus:
            # Graph takes a licence the user holds already as done: no second seat.
            self.w.done("assign_licence")
            return
        if sku.free <= 0:
            raise _error(ErrorKind.INVALID, "no seat left")
        self.w.skus[sku_id] = replace(sku, consumed=sku.consumed + 1)
        user.skus.add(sku_id)
        user.plans |= sku.service_plan_ids
        if MCOSTANDARD_PLAN in sku.service_plan_ids:
            self.w.licensed_at.setdefault(user.upn.split("@", 1)[1], self.w.clock.now())
        self.w.done("assign_licence")

    async def delete(self, user_id: str) -> None:
        """Delete a user and free its seats."""
        self.w.hit("delete_user")
        user = self.w.users.pop(user_id, None)
        if user is None:
            raise _error(ErrorKind.NOT_FOUND, user_id)
        for sku_id in user.skus:
            sku = self.w.skus[sku_id]
            self.w.skus[sku_id] = replace(sku, consumed=sku.consumed - 1)
        self.w.licensed_at.pop(user.upn.split("@", 1)[1], None)
        self.w.deleted[user_id] = user
        self.w.done("delete_user")

    async def purge(self, user_id: str) -> None:
        """Out of the recycle bin for good."""
        self.w.hit("purge_user")
        if self.w.deleted.pop(user_id, None) is None:
            raise _error(ErrorKind.NOT_FOUND, user_id)
        self.w.done("purge_user")


class FakeNumbers:
    """``NumbersPort``: operations finish ``number_operation_seconds`` after they start."""

    def __init__(self, w: FakeMicrosoft) -> None:
        self.w = w

    async def numbers_of(self, user_id: str) -> list[AssignedNumber]:
        """A user's numbers."""
        self.w.hit("numbers_of")
        self.w.settle()
        user = self.w.users.get(user_id)
        return [AssignedNumber(n, t) for n, t in user.numbers.items()] if user else []

    def _start(self, action: str, number: str, number_type: str, user_id: str | None) -> str:
        op = FakeOperation(
            str(uuid.uuid4()),
            action,
            number,
            number_type,
            user_id,
            self.w.clock.now() + self.w.number_operation_seconds,
        )
        self.w.operations[op.id] = op
        self.w.settle()
        return op.id

    async def assign(self, user_id: str, number: str, number_type: str) -> str:
        """Start an assignment."""
        self.w.hit("assign_number")
        return self._start("assign", number, number_type, user_id)

    async def unassign(self, number: AssignedNumber) -> str:
        """Start a removal (the type must be the number's own)."""
        self.w.hit("unassign_number")
        holder = next((u for u in self.w.users.values() if number.number in u.numbers), None)
        if holder is not None and holder.numbers[number.number] != number.number_type:
            raise _error(ErrorKind.INVALID, "numberType does not match the number")
        return self._start("unassign", number.number, number.number_type, None)

    async def operation(self, operation_id: str) -> NumberOperation:
        """An operation's state."""
        self.w.hit("number_operation")
        self.w.settle()
        op = self.w.operations.get(operation_id)
        if op is None:
            raise _error(ErrorKind.NOT_FOUND, operation_id)
        return NumberOperation(op.id, OperationStatus(op.status), None)


def _table(w: FakeMicrosoft, kind: type[Any]) -> dict[str, Any]:
    tables: dict[type, dict[str, Any]] = {
        DialPlan: w.dial_plans,
        RoutingPolicy: w.policies,
        Gateway: w.gateways,
        VoiceRoute: w.routes,
    }
    return tables[kind]


class FakeVoiceConfig:
    """``VoiceConfigPort``."""

    def __init__(self, w: FakeMicrosoft) -> None:
        self.w = w

    async def get(self, kind: type[VoiceObject], identity: str) -> VoiceObject | None:
        """An object."""
        self.w.hit(f"get_{kind.__name__}")
        found: VoiceObject | None = _table(self.w, kind).get(identity)
        return found

    def _check(self, obj: Any) -> None:
        if isinstance(obj, RoutingPolicy) and any(u not in self.w.usages for u in obj.usages):
            raise _error(ErrorKind.INVALID, "a usage is not in the Global list")
        if isinstance(obj, VoiceRoute) and (
            any(g not in self.w.gateways for g in obj.gateways)
            or any(u not in self.w.usages for u in obj.usages)
        ):
            raise _error(ErrorKind.INVALID, "gateway or usage missing")

    async def create(self, obj: VoiceObject) -> None:
        """Create."""
        name = f"create_{type(obj).__name__}"
        self.w.hit(name)
        table = _table(self.w, type(obj))
        if obj.identity in table:
            raise _error(ErrorKind.ALREADY_EXISTS, f"{obj.identity} exists")
        if isinstance(obj, Gateway) and not self.w.activated(obj.fqdn):
            raise _error(ErrorKind.DOMAIN_NOT_ACTIVATED, "the domain is not activated yet")
        self._check(obj)
        table[obj.identity] = obj
        self.w.done(name)

    async def update(self, obj: VoiceObject) -> None:
        """Change."""
        self.w.hit(f"update_{type(obj).__name__}")
        table = _table(self.w, type(obj))
        if obj.identity not in table:
            raise _error(ErrorKind.NOT_FOUND, obj.identity)
        self._check(obj)
        table[obj.identity] = obj

    def _in_use(self, kind: type[Any], identity: str) -> bool:
        if kind is Gateway:
            return any(identity in r.gateways for r in self.w.routes.values())
        grant = {RoutingPolicy: PolicyKind.VOICE_ROUTING, DialPlan: PolicyKind.DIAL_PLAN}.get(kind)
        return grant is not None and any(
            u.grants.get(grant.value) == identity for u in self.w.users.values()
        )

    async def delete(self, kind: type[VoiceObject], identity: str) -> None:
        """Remove unless in use."""
        name = f"delete_{kind.__name__}"
        self.w.hit(name)
        table = _table(self.w, kind)
        if identity not in table:
            raise _error(ErrorKind.NOT_FOUND, identity)
        if self._in_use(kind, identity):
            raise _error(ErrorKind.IN_USE, f"{identity} is in use")
        del table[identity]
        self.w.done(name)

    async def usages(self) -> list[str]:
        """The Global usage list."""
        self.w.hit("usages")
        return list(self.w.usages)

    async def add_usage(self, usage: str) -> bool:
        """Add one usage."""
        self.w.hit("add_usage")
        if usage in self.w.usages:
            return False
        self.w.usages.append(usage)
        self.w.done("add_usage")
        return True

    async def remove_usage(self, usage: str) -> None:
        """Remove one usage unless a policy or route uses it."""
        self.w.hit("remove_usage")
        used = [
            *(p.usages for p in self.w.policies.values()),
            *(r.usages for r in self.w.routes.values()),
        ]
        if any(usage in u for u in used):
            raise _error(ErrorKind.IN_USE, "usage in use")
        if usage in self.w.usages:
            self.w.usages.remove(usage)
        self.w.done("remove_usage")


class FakeVoiceUsers:
    """``VoiceUsersPort``."""

    def __init__(self, w: FakeMicrosoft) -> None:
        self.w = w

    async def grant(self, user_id: str, kind: PolicyKind, name: str | None) -> None:
        """Grant at once."""
        self.w.hit("grant")
        self.w.users[user_id].grants[kind.value] = name
        self.w.done("grant")

    async def users(self) -> AsyncIterator[TeamsUser]:
        """Every user."""
        self.w.hit("users")
        self.w.settle()
        for user in list(self.w.users.values()):
            first = next(iter(user.numbers), None)
            yield TeamsUser(
                user.id,
                user.upn,
                user.account_type,
                f"tel:{first}" if first else None,
                user.grants.get(PolicyKind.VOICE_ROUTING.value),
                user.grants.get(PolicyKind.DIAL_PLAN.value),
            )


class FakeSignIns:
    """``SignInsPort``: remembers that it was asked to forget."""

    def __init__(self, w: FakeMicrosoft) -> None:
        self.w = w

    async def forget(self) -> int:
        """Forget the (pretend) two sign-ins."""
        self.w.hit("forget_sign_ins")
        self.w.forgotten += 1
        return 2


class FakeUserSync:
    """The sync's reads over the fake tenant: every user on one page, no delta rounds."""

    def __init__(self, w: FakeMicrosoft) -> None:
        self.w = w

    def _directory(self, u: FakeUser) -> DirectoryUser:
        return DirectoryUser(u.id, u.upn, u.upn.split("@")[0], "", True, MCOEV_PLAN in u.plans)

    def _voice(self, u: FakeUser) -> VoiceUser:
        return VoiceUser(
            u.id,
            u.upn,
            bool(u.numbers),
            tuple(sorted(u.numbers)),
            u.grants.get("OnlineVoiceRoutingPolicy") or "",
            u.grants.get("TenantDialPlan") or "",
            u.account_type,
        )

    async def directory_page(self, link: str | None) -> Page[DirectoryUser]:
        """Every user, with a delta link that the fake never accepts."""
        self.w.hit("sync_directory_page")
        if link is not None:
            raise DeltaExpiredError("the fake keeps no delta state")
        return Page([self._directory(u) for u in self.w.users.values()], None, "fake:delta")

    async def voice_page(
        self, link: str | None, changed_since: float | None = None
    ) -> Page[VoiceUser]:
        """Every user's voice (with ``changed_since``: those with a number or a grant; the
        fake keeps no times, so any of them may have changed)."""
        self.w.hit("sync_voice_page")
        users = [u for u in self.w.users.values() if u.account_type != "ResourceAccount"]
        return Page(
            [
                self._voice(u)
                for u in users
                if changed_since is None or u.numbers or any(u.grants.values())
            ]
        )

    async def find(self, query: str) -> list[DirectoryUser]:
        """Users whose UPN starts with ``query``."""
        q = query.lower()
        return [self._directory(u) for u in self.w.users.values() if u.upn.lower().startswith(q)]

    async def voice_of(self, user_id: str) -> VoiceUser | None:
        """One user's voice."""
        user = self.w.users.get(user_id)
        return self._voice(user) if user else None


def fake_ports(world: FakeMicrosoft, dns: FakeDnsWorld) -> TenantPorts:
    """Every port over the fakes."""
    return TenantPorts(
        directory=FakeDirectory(world),
        domains=FakeDomains(world),
        users=FakeUsers(world),
        numbers=FakeNumbers(world),
        voice=FakeVoiceConfig(world),
        voice_users=FakeVoiceUsers(world),
        zone=FakeZone(dns),
        probe=FakeProbe(dns),
        sign_ins=FakeSignIns(world),
        user_sync=FakeUserSync(world),
    )
