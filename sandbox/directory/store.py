"""Every tenant the sandbox holds, found by id or by any of its domains."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sandbox.directory.model import User
from sandbox.directory.tenant import Tenant

_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def is_guid(text: str) -> bool:
    """Whether ``text`` is a GUID in its usual lower-case, hyphenated form."""
    return bool(_GUID.match(text.lower()))


class Directory:
    """The tenants of the sandbox."""

    def __init__(self) -> None:
        self._tenants: dict[str, Tenant] = {}

    def __iter__(self) -> Iterator[Tenant]:
        return iter(list(self._tenants.values()))

    def __len__(self) -> int:
        return len(self._tenants)

    def add(self, tenant: Tenant) -> None:
        """Register a tenant; its id and initial domain must be new."""
        if tenant.id in self._tenants:
            raise ValueError(f"a tenant with id {tenant.id} already exists")
        if self.by_domain(tenant.initial_domain.name) is not None:
            raise ValueError(f"the domain {tenant.initial_domain.name} already belongs to a tenant")
        self._tenants[tenant.id] = tenant

    def remove(self, tenant_id: str) -> None:
        """Forget a tenant and everything in it."""
        self._tenants.pop(tenant_id, None)

    def clear(self) -> None:
        """Forget every tenant."""
        self._tenants.clear()

    def get(self, tenant_id: str) -> Tenant | None:
        """A tenant by id."""
        return self._tenants.get(tenant_id.lower())

    def by_domain(self, name: str) -> Tenant | None:
        """The tenant in which ``name`` is a verified domain."""
        name = name.lower()
        for tenant in self._tenants.values():
            domain = tenant.find_domain(name)
            if domain is not None and domain.is_verified:
                return tenant
        return None

    def resolve(self, ref: str) -> Tenant | None:
        """A tenant by GUID or by one of its verified domain names (Entra's ``{tenant}``)."""
        return self.get(ref) if is_guid(ref) else self.by_domain(ref)

    def user_by_upn(self, upn: str) -> tuple[Tenant, User] | None:
        """The tenant and user that own a sign-in name."""
        _, _, domain = upn.partition("@")
        tenant = self.by_domain(domain)
        if tenant is None:
            return None
        user = tenant.find_user(upn)
        return (tenant, user) if user is not None else None

    def domain_claimed_elsewhere(self, name: str, tenant_id: str) -> bool:
        """Whether another tenant has already verified ``name``."""
        owner = self.by_domain(name)
        return owner is not None and owner.id != tenant_id
