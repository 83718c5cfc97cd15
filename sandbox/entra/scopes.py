"""Parsing a ``scope`` parameter and deciding what consent it needs."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.catalog.resources import (
    GRAPH,
    OIDC_SCOPES,
    Resource,
    Scope,
    UnknownResourceError,
    UnknownScopeError,
    parse_scope,
)
from sandbox.directory.tenant import Tenant
from sandbox.entra import errors
from sandbox.entra.apps import AppRegistration


@dataclass(frozen=True)
class ScopeRequest:
    """A ``scope`` parameter split into OIDC scopes and resource scopes."""

    oidc: frozenset[str]
    resource_scopes: tuple[Scope, ...]

    @property
    def resources(self) -> list[Resource]:
        """The distinct resources named, in order of first mention."""
        seen: list[Resource] = []
        for scope in self.resource_scopes:
            if scope.resource not in seen:
                seen.append(scope.resource)
        return seen

    def single_resource(self, raw: str) -> Resource:
        """The one resource a token can be for (AADSTS28000 when there are several)."""
        resources = self.resources
        if len(resources) > 1:
            raise errors.scope_spans_resources(raw)
        return resources[0] if resources else GRAPH


def parse_scope_param(raw: str, tenant_name: str) -> ScopeRequest:
    """Parse a space-separated ``scope`` value (AADSTS70011 / AADSTS500011 on bad entries)."""
    oidc: set[str] = set()
    scopes: list[Scope] = []
    for item in raw.split():
        if item.lower() in OIDC_SCOPES:
            oidc.add(item.lower())
            continue
        try:
            scope = parse_scope(item)
        except UnknownResourceError as exc:
            raise errors.unknown_resource(exc.name, tenant_name) from exc
        except UnknownScopeError as exc:
            raise errors.invalid_scope(item) from exc
        if scope not in scopes:
            scopes.append(scope)
    return ScopeRequest(frozenset(oidc), tuple(scopes))


def expand(request: ScopeRequest, app: AppRegistration) -> list[Scope]:
    """Replace each ``.default`` by the delegated permissions the app registration asks for."""
    out: list[Scope] = []
    for scope in request.resource_scopes:
        for item in app.default_scopes(scope.resource) if scope.is_default else [scope]:
            if item not in out:
                out.append(item)
    return out


def missing_consent(
    tenant: Tenant, app: AppRegistration, user_id: str, scopes: list[Scope]
) -> list[Scope]:
    """The scopes ``user_id`` has not consented to (nor an admin for everyone)."""
    granted = tenant.consents_for(app.client_id).delegated_for(user_id)
    return [s for s in scopes if s.key() not in granted]


def needs_admin(scopes: list[Scope]) -> bool:
    """Whether any scope is one only an administrator may consent to."""
    return any(
        s.resource.delegated[s.permission.lower()].admin_consent for s in scopes if not s.is_default
    )
