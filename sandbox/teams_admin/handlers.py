"""Handlers shared by the admin API's routes: service discovery and finding the target user."""

from __future__ import annotations

from sandbox.api_call import ApiCall
from sandbox.directory.model import User
from sandbox.replies import Reply
from sandbox.teams_admin.errors import AdminError


async def service_discovery(call: ApiCall) -> Reply:
    """``GET /Teams.Tenant/serviceDiscovery``: where the tenant's admin service lives."""
    base = call.sb.endpoints.teams_admin
    return Reply(
        body={
            "Endpoints": {"ConfigApiEndpoint": base, "AdminServiceEndpoint": base},
            "Headers": {"X-MS-Forest": "SANDBOX01"},
        }
    )


def live_user(call: ApiCall) -> User:
    """The ``{user}`` of the path (object id, UPN or ``sip:`` address), or 404."""
    ref = call.params["user"]
    if ref.lower().startswith("sip:"):
        ref = ref[4:]
    user = call.tenant.find_user(ref)
    if user is None:
        # The module's words for a user the service cannot grant to (issue
        # MicrosoftDocs/office-docs-powershell#8930: "Grant-CsUserPolicy : User does not exist").
        raise AdminError(404, "NotFound", f"User '{call.params['user']}' does not exist.")
    return user
