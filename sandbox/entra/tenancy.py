"""The ``{tenant}`` segment of Entra URLs: a GUID, a verified domain, or a multi-tenant alias."""

from __future__ import annotations

from sandbox.directory.store import Directory
from sandbox.directory.tenant import Tenant
from sandbox.entra import errors
from sandbox.entra.botframework import botframework_tenant

MULTI_TENANT = frozenset({"common", "organizations"})


def resolve_tenant(directory: Directory, ref: str, error: str = "invalid_request") -> Tenant | None:
    """The tenant named by ``ref``; ``None`` for ``common``/``organizations`` (any tenant).

    ``botframework.com`` (or its GUID) is Microsoft's Bot Framework tenant, outside the
    directory. Raises AADSTS90002 for a tenant that does not exist (``consumers`` included: the
    sandbox has no Microsoft-account users).
    """
    if ref.lower() in MULTI_TENANT:
        return None
    first_party = botframework_tenant(ref)
    if first_party is not None:
        return first_party
    tenant = directory.resolve(ref)
    if tenant is None:
        raise errors.tenant_not_found(ref, error)
    return tenant


def tenant_label(tenant: Tenant | None, ref: str) -> str:
    """How Entra names a tenant in its messages."""
    return tenant.display_name if tenant is not None else ref
