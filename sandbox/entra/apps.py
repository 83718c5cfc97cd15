"""Application registrations the sandbox knows (client id, secrets, redirect URIs, permissions)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Any

from sandbox.catalog.resources import RESOURCES, Resource, Scope, parse_scope


@dataclass
class AppRegistration:
    """A multi-tenant app registration."""

    client_id: str
    display_name: str
    secrets: list[str]
    redirect_uris: list[str]
    # Permissions the app asks for, by resource app id: delegated scopes and application roles.
    delegated: dict[str, list[str]] = field(default_factory=dict)
    application: dict[str, list[str]] = field(default_factory=dict)

    def secret_matches(self, secret: str) -> bool:
        """Constant-time comparison against every current secret."""
        return any(hmac.compare_digest(secret.encode(), s.encode()) for s in self.secrets)

    def default_scopes(self, resource: Resource) -> list[Scope]:
        """What ``<resource>/.default`` expands to for a delegated token."""
        return [
            parse_scope(f"{resource.identifier_uri}/{p}")
            for p in self.delegated.get(resource.app_id, [])
        ]

    def to_json(self) -> dict[str, Any]:
        """The registration as the control API shows it (secrets left out)."""
        return {
            "client_id": self.client_id,
            "display_name": self.display_name,
            "redirect_uris": self.redirect_uris,
            "delegated": self.delegated,
            "application": self.application,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AppRegistration:
        """Build a registration from configuration or a control-API body."""
        try:
            client_id = str(data["client_id"]).lower()
            secrets = data.get("secrets") or [data["secret"]]
            app = cls(
                client_id=client_id,
                display_name=str(data.get("display_name") or client_id),
                secrets=[str(s) for s in secrets],
                redirect_uris=[str(u) for u in data.get("redirect_uris", [])],
                delegated=_by_resource(data.get("delegated", {})),
                application=_by_resource(data.get("application", {})),
            )
        except KeyError as exc:
            raise ValueError(f"an app registration needs {exc.args[0]!r}") from exc
        return app


def _by_resource(spec: dict[str, list[str]]) -> dict[str, list[str]]:
    """Accept resources by identifier URI, app id or display name; key them by app id."""
    out: dict[str, list[str]] = {}
    for name, permissions in spec.items():
        resource = next(
            (
                r
                for r in RESOURCES
                if name.lower()
                in (r.app_id.lower(), r.identifier_uri.lower(), r.display_name.lower())
            ),
            None,
        )
        if resource is None:
            raise ValueError(f"unknown resource {name!r}")
        out[resource.app_id] = [str(p) for p in permissions]
    return out


class AppRegistry:
    """Every registered application, by client id."""

    def __init__(self) -> None:
        self._apps: dict[str, AppRegistration] = {}

    def register(self, app: AppRegistration) -> None:
        """Add or replace a registration."""
        self._apps[app.client_id] = app

    def get(self, client_id: str) -> AppRegistration | None:
        """A registration by client id."""
        return self._apps.get(client_id.lower())

    def all(self) -> list[AppRegistration]:
        """Every registration."""
        return list(self._apps.values())

    def clear(self) -> None:
        """Forget every registration."""
        self._apps.clear()
