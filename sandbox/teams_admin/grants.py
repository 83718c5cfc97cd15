"""``/Skype.Policy/users/{user}/policies/{Type}``: Grant-Cs{Type} -Identity over REST.

The route and its ``{"PolicyName": …}`` body are go-teams' ("the user route is live-validated",
research/teams-voice-api.md §1.3). Which PolicyName unassigns is undocumented (fidelity-review-2.md
F11): Grant-CsOnlineVoiceRoutingPolicy.md and Grant-CsTenantDialPlan.md say ``$null``,
terraform-provider-teams sends ``""``, and New-CsBatchPolicyAssignmentOperation.md accepts
"$null or an empty string". The tenant's ``teams_admin.unassign`` knob picks which work.
"""

from __future__ import annotations

from sandbox.api_call import ApiCall
from sandbox.replies import Reply
from sandbox.teams_admin.errors import AdminError
from sandbox.teams_admin.handlers import live_user
from sandbox.voice import grants
from sandbox.voice.fields import pick
from sandbox.voice.users import user_voice


async def get_user_policy(call: ApiCall) -> Reply:
    """The policy of one type in force for a user (``Global`` when none is granted)."""
    kind = grants.policy_type(call.params["type"])
    view = user_voice(call.tenant, live_user(call), call.now())
    return Reply(body={"PolicyName": view.policies[kind]})


def _policy_name(call: ApiCall) -> str | None:
    """The name to grant, ``None`` to unassign; an unassign spelling the tenant refuses is 400."""
    fields = pick(call.body, "policy grant", ("PolicyName",))
    if "PolicyName" not in fields:
        raise AdminError(400, "BadRequest", 'PolicyName is required (null or "" unassigns).')
    name = fields["PolicyName"]
    if name is not None and not isinstance(name, str):
        raise AdminError(400, "BadRequest", "PolicyName must be a string or null.")
    mode = call.tenant.knobs.teams_admin.unassign
    if name is None and mode == "empty":
        raise AdminError(400, "BadRequest", 'PolicyName cannot be null; send "" to unassign.')
    if name == "" and mode == "null":
        raise AdminError(400, "BadRequest", "PolicyName cannot be empty; send null to unassign.")
    return name or None


async def grant_user_policy(call: ApiCall) -> Reply:
    """Grant a policy by name, or unassign; applied after the tenant's grant delay."""
    name = _policy_name(call)
    grants.grant(call.tenant, live_user(call), call.params["type"], name, call.now())
    return Reply(204)
