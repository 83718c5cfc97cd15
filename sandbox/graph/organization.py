"""``GET /organization`` (research/graph-entra.md §3.2)."""

from __future__ import annotations

from sandbox.graph.access import ORGANIZATION_FULL
from sandbox.graph.call import Call
from sandbox.graph.shapes import organization_json
from sandbox.replies import Reply


async def list_organization(call: Call) -> Reply:
    """The caller's tenant; with only ``User.Read`` just id, displayName and verifiedDomains."""
    full = call.caller.has_any(ORGANIZATION_FULL)
    return Reply(
        body={
            "@odata.context": call.context("organization"),
            "value": [organization_json(call.tenant, full)],
        }
    )
