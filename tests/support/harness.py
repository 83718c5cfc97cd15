"""Everything a test needs to work against one sandbox process: clients, tenants, tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support.entra_client import EntraClient, TestApp
from tests.support.sandbox_process import SandboxEndpoints

TEST_APP = TestApp(
    client_id="0b7c4a3e-1d2f-4e5a-9b8c-7d6e5f4a3b2c",
    secret="test-secret-9Xq~e2",
    redirect_uri="http://localhost:5999/callback",
)
GRAPH_DELEGATED = [
    "TeamsUserConfiguration.Read.All",
    "TeamsTelephoneNumber.ReadWrite.All",
    "TeamsPolicyUserAssign.ReadWrite.All",
    "User.Read",
    "User.Read.All",
    "User.ReadWrite.All",
    "User.DeleteRestore.All",
    "RoleManagement.Read.Directory",
    "Organization.Read.All",
    "Domain.ReadWrite.All",
    "LicenseAssignment.ReadWrite.All",
    "Directory.Read.All",
]
GRAPH_APPLICATION = ["Organization.Read.All", "User.ReadWrite.All", "Domain.ReadWrite.All"]
ADMIN_SCOPES = [f"https://graph.microsoft.com/{p}" for p in GRAPH_DELEGATED]
TEAMS_SCOPE = "48ac35b8-9aa8-4d74-927d-1f4a14a0b239/user_impersonation"
PASSWORD = "Xy7!long-password"


def user_body(upn: str, **extra: Any) -> dict[str, Any]:
    """A valid ``POST /users`` body for ``upn`` (display name and nickname from its local part)."""
    local = upn.split("@")[0]
    return {
        "accountEnabled": True,
        "displayName": local,
        "mailNickname": local,
        "userPrincipalName": upn,
        "passwordProfile": {"password": PASSWORD, "forceChangePasswordNextSignIn": False},
        **extra,
    }


@dataclass(frozen=True)
class SeededTenant:
    """A tenant created for one test; ``admin`` is its Global Administrator."""

    id: str
    domain: str
    admin: str
    summary: dict[str, Any]

    def upn(self, local: str) -> str:
        """A UPN on the tenant's initial domain."""
        return f"{local}@{self.domain}"


class Graph:
    """A Graph client holding one bearer token."""

    def __init__(self, base: str, http: httpx.Client, token: str) -> None:
        self.base = base
        self.http = http
        self.token = token

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Call ``path`` (relative to /v1.0, or an absolute link) with the bearer token."""
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        url = path if path.startswith("https://") else self.base + path
        return self.http.request(method, url, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        """GET."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        """POST."""
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        """PATCH."""
        return self.request("PATCH", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        """PUT."""
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        """DELETE."""
        return self.request("DELETE", path, **kwargs)


class Harness:
    """Clients of one sandbox, with the suite's app registered in it."""

    def __init__(self, endpoints: SandboxEndpoints) -> None:
        self.endpoints = endpoints
        self.control = httpx.Client(base_url=endpoints.control, timeout=120)
        self.https = httpx.Client(verify=endpoints.ssl_context(), timeout=60)
        self.entra = EntraClient(endpoints.authority, endpoints.ssl_context(), TEST_APP)
        self.created: list[str] = []
        response = self.control.post(
            "/apps",
            json={
                "client_id": TEST_APP.client_id,
                "secret": TEST_APP.secret,
                "display_name": "Direct Routing Test App",
                "redirect_uris": [TEST_APP.redirect_uri],
                "delegated": {
                    "Microsoft Graph": GRAPH_DELEGATED,
                    "Skype and Teams Tenant Admin API": ["user_impersonation"],
                },
                "application": {"Microsoft Graph": GRAPH_APPLICATION},
            },
        )
        assert response.status_code == 201, response.text

    def close(self) -> None:
        """Delete the tenants made here and close the clients."""
        self.cleanup()
        self.control.close()
        self.https.close()
        self.entra.close()

    def cleanup(self) -> None:
        """Delete tenants, faults and knob changes made by the last test."""
        for tenant_id in self.created:
            self.control.delete(f"/tenants/{tenant_id}")
        self.created.clear()
        self.control.delete("/faults")
        self.control.patch(
            "/knobs",
            json={
                "latency_ms": {"entra": 0, "graph": 0, "teams_admin": 0},
                "jitter_ms": 0,
                "timeout_seconds": 30,
                "dns_propagation_seconds": 0,
                "invoke_timeout_seconds": 15,
            },
        )

    def make_tenant(self, consent: bool = True, **spec: Any) -> SeededTenant:
        """Create a tenant whose ``admin@`` is a Global Administrator.

        With ``consent`` the suite's app holds tenant-wide admin consent for its Graph scopes.
        """
        name = spec.pop("name", "T" + uuid.uuid4().hex[:10])
        body: dict[str, Any] = {"name": name, **spec}
        body.setdefault("admins", [{"user": "admin", "roles": ["Global Administrator"]}])
        if consent:
            body.setdefault("consents", []).append(
                {
                    "client_id": TEST_APP.client_id,
                    "scopes": ADMIN_SCOPES,
                    "app_roles": GRAPH_APPLICATION,
                }
            )
        response = self.control.post("/tenants", json=body)
        assert response.status_code == 201, response.text
        summary = response.json()
        self.created.append(summary["id"])
        admin = next(
            (
                a["userPrincipalName"]
                for a in summary["admins"]
                if a["userPrincipalName"].startswith("admin@")
            ),
            "",
        )
        return SeededTenant(summary["id"], summary["initialDomain"], admin, summary)

    def graph(
        self, tenant: SeededTenant, upn: str | None = None, scopes: list[str] | None = None
    ) -> Graph:
        """Graph as a user of ``tenant`` (default: its admin with every suite scope)."""
        token = self.entra.user_token(tenant.domain, upn or tenant.admin, scopes or ADMIN_SCOPES)[
            "access_token"
        ]
        return Graph(self.endpoints.graph, self.https, token)

    def teams(self, tenant: SeededTenant, upn: str | None = None) -> Graph:
        """The Teams admin API as a user of ``tenant`` (consent for the API granted first)."""
        response = self.control.post(
            f"/tenants/{tenant.id}/consents",
            json={"client_id": TEST_APP.client_id, "scopes": [TEAMS_SCOPE]},
        )
        assert response.status_code == 200, response.text
        token = self.entra.user_token(tenant.domain, upn or tenant.admin, [TEAMS_SCOPE])[
            "access_token"
        ]
        return Graph(self.endpoints.teams_admin, self.https, token)

    def app_graph(self, tenant: SeededTenant) -> Graph:
        """Graph as the suite's app itself (client credentials)."""
        response = self.entra.app_token(tenant.id)
        assert response.status_code == 200, response.text
        return Graph(self.endpoints.graph, self.https, response.json()["access_token"])

    def state(self, tenant: SeededTenant) -> dict[str, Any]:
        """The tenant's complete state from the control API."""
        response = self.control.get(f"/tenants/{tenant.id}/state")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def advance_clock(self, seconds: float) -> None:
        """Move the sandbox's time forward."""
        response = self.control.post("/clock", json={"advance": seconds})
        assert response.status_code == 200, response.text

    def add_fault(self, **rule: Any) -> dict[str, Any]:
        """Activate a fault rule."""
        response = self.control.post("/faults", json=rule)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body
