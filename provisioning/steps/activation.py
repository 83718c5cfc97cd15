"""Activating one user (SPEC step 4): their phone number, our dial plan and our voice routing
policy, following Microsoft's number operation to its end and confirming what Teams then shows;
deactivating undoes exactly that. Another provider's user is never touched."""

from __future__ import annotations

from provisioning.engine.contract import Done, Failed, Outcome, Step, StepContext, Wait
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.ports.numbers import AssignedNumber, OperationStatus
from provisioning.microsoft.ports.tenant import TenantPorts
from provisioning.microsoft.ports.voice import PolicyKind
from provisioning.params import ActivationParams
from provisioning.steps.common import wait_or_give_up
from provisioning.steps.polling import REPLICATION_GIVE_UP, poll_interval

ActivationCtx = StepContext[ActivationParams, TenantPorts]
_GRAPH = "graph"


def _same(a: str, b: str) -> bool:
    return a.replace(" ", "").lstrip("+") == b.replace(" ", "").lstrip("+")


async def check_user(ctx: ActivationCtx) -> Outcome:
    """Teams knows the user, and nobody else has set up their voice."""
    p = ctx.params
    voice = await ctx.ports.user_sync.voice_of(p.user_id)
    if voice is None:
        return Failed(
            f"Teams does not list {p.upn} as a user.",
            "Resource accounts and users without a Teams licence cannot be activated.",
        )
    others = [n for n in voice.numbers if not _same(n, p.number)]
    foreign_policy = (
        voice.routing_policy and voice.routing_policy.lower() != p.routing_policy.lower()
    )
    if others or foreign_policy:
        held = ", ".join(others) or f"the voice routing policy {voice.routing_policy}"
        return Failed(
            f"{p.upn} already has voice set up by someone else ({held}).",
            "I do not change another provider's users. Remove their setup in the Teams admin "
            "centre first if this user should move to this provider.",
        )
    return Done(note=f"{p.upn} can be activated.")


async def assign_number(ctx: ActivationCtx) -> Outcome:
    """The number, through Graph's asynchronous number operation, followed to its end."""
    p = ctx.params
    numbers = ctx.ports.numbers
    op_id = str(ctx.data.get("operation", ""))
    if not op_id:
        held = await numbers.numbers_of(p.user_id)
        if any(_same(n.number, p.number) for n in held):
            return Done(note=f"{p.number} is assigned to {p.upn}.")
        try:
            op_id = await numbers.assign(p.user_id, p.number, p.number_type)
        except ServiceError as exc:
            if exc.kind in (ErrorKind.INVALID, ErrorKind.IN_USE, ErrorKind.ALREADY_EXISTS):
                return Failed(
                    f"Microsoft refused to assign {p.number} to {p.upn}: {exc.message}",
                    "Check that the number is not assigned to someone else and that the user "
                    "has a Teams Phone licence (Teams admin centre › Voice › Phone numbers), "
                    "then retry.",
                )
            raise
        await ctx.checkpoint({"operation": op_id})
        return Wait(ctx.clock.now() + 1.0, f"Microsoft is assigning {p.number}")
    state = await numbers.operation(op_id)
    if state.status == OperationStatus.SUCCEEDED:
        return Done(note=f"{p.number} is assigned to {p.upn}.")
    if state.status.finished:
        await ctx.checkpoint({"operation": ""})
        return Failed(
            f"Microsoft could not assign {p.number}: {state.detail or state.status.value}",
            "Check the number in the Teams admin centre (Voice › Phone numbers), then retry.",
        )
    return wait_or_give_up(
        ctx,
        REPLICATION_GIVE_UP,
        f"Microsoft is assigning {p.number}",
        f"Microsoft has not finished assigning {p.number} after 30 minutes.",
        "Check the number in the Teams admin centre, then retry.",
    )


async def grant_dial_plan(ctx: ActivationCtx) -> Outcome:
    """Our dial plan for the user."""
    await ctx.ports.voice_users.grant(
        ctx.params.user_id, PolicyKind.DIAL_PLAN, ctx.params.dial_plan
    )
    return Done(note=f"Granted the dial plan {ctx.params.dial_plan}.")


async def grant_policy(ctx: ActivationCtx) -> Outcome:
    """Our voice routing policy for the user."""
    await ctx.ports.voice_users.grant(
        ctx.params.user_id, PolicyKind.VOICE_ROUTING, ctx.params.routing_policy
    )
    return Done(note=f"Granted the voice routing policy {ctx.params.routing_policy}.")


async def confirm_active(ctx: ActivationCtx) -> Outcome:
    """Teams shows the number and our policy on the user (grants apply after a delay)."""
    p = ctx.params
    voice = await ctx.ports.user_sync.voice_of(p.user_id)
    if (
        voice is not None
        and any(_same(n, p.number) for n in voice.numbers)
        and voice.routing_policy.lower() == p.routing_policy.lower()
    ):
        return Done(note=f"{p.upn} is active with {p.number}.")
    return wait_or_give_up(
        ctx,
        REPLICATION_GIVE_UP,
        "Waiting for Teams to show the number and the policy on the user",
        f"Teams still does not show {p.number} and {p.routing_policy} on {p.upn} after 30 minutes.",
        "Check the user in the Teams admin centre, then retry.",
        first=2.0,
        ceiling=60.0,
    )


async def unassign_number(ctx: ActivationCtx) -> Outcome:
    """The number we assigned, taken off (with the number's real type), followed to its end."""
    p = ctx.params
    numbers = ctx.ports.numbers
    op_id = str(ctx.data.get("operation", ""))
    if not op_id:
        held = [n for n in await numbers.numbers_of(p.user_id) if _same(n.number, p.number)]
        if not held or not p.number:
            return Done(note=f"{p.upn} holds no number of ours.")
        op_id = await numbers.unassign(AssignedNumber(held[0].number, held[0].number_type))
        await ctx.checkpoint({"operation": op_id})
        return Wait(ctx.clock.now() + 1.0, f"Microsoft is removing {p.number}")
    state = await numbers.operation(op_id)
    if state.status in (OperationStatus.SUCCEEDED, OperationStatus.SKIPPED):
        return Done(note=f"{p.number} is removed from {p.upn}.")
    if state.status.finished:
        await ctx.checkpoint({"operation": ""})
        return Failed(
            f"Microsoft could not remove {p.number}: {state.detail or state.status.value}",
            "Remove the number in the Teams admin centre (Voice › Phone numbers), then retry.",
        )
    return Wait(
        ctx.clock.now() + poll_interval(ctx.elapsed(), 1.0, 60.0),
        f"Microsoft is removing {p.number}",
    )


async def revoke_policy(ctx: ActivationCtx) -> Outcome:
    """Our voice routing policy off the user (back to the tenant's default)."""
    await ctx.ports.voice_users.grant(ctx.params.user_id, PolicyKind.VOICE_ROUTING, None)
    return Done(note="The voice routing policy is taken off.")


async def revoke_dial_plan(ctx: ActivationCtx) -> Outcome:
    """Our dial plan off the user."""
    await ctx.ports.voice_users.grant(ctx.params.user_id, PolicyKind.DIAL_PLAN, None)
    return Done(note="The dial plan is taken off.")


async def confirm_inactive(ctx: ActivationCtx) -> Outcome:
    """Teams no longer shows our number or policy on the user. A queued unassignment does not
    free anything before it is applied (F7): judged by what Teams shows."""
    p = ctx.params
    voice = await ctx.ports.user_sync.voice_of(p.user_id)
    ours = voice is not None and (
        (p.number and any(_same(n, p.number) for n in voice.numbers))
        or voice.routing_policy.lower() == p.routing_policy.lower()
    )
    if not ours:
        return Done(note=f"{p.upn} is no longer active.")
    return wait_or_give_up(
        ctx,
        REPLICATION_GIVE_UP,
        "Waiting for Teams to show the user without the number and the policy",
        f"Teams still shows {p.upn} with our number or policy after 30 minutes.",
        "Check the user in the Teams admin centre, then retry.",
        first=2.0,
        ceiling=60.0,
    )


ACTIVATION: tuple[Step[ActivationParams, TenantPorts], ...] = (
    Step("check_user", (), check_user, "Check the user", round_trips={_GRAPH: 1}),
    Step("assign_number", ("check_user",), assign_number, "Assign the phone number"),
    Step("grant_dial_plan", ("check_user",), grant_dial_plan, "Grant the dial plan"),
    Step("grant_policy", ("check_user",), grant_policy, "Grant the voice routing policy"),
    Step(
        "confirm_active",
        ("assign_number", "grant_dial_plan", "grant_policy"),
        confirm_active,
        "Confirm in Teams",
    ),
)
DEACTIVATION: tuple[Step[ActivationParams, TenantPorts], ...] = (
    Step("unassign_number", (), unassign_number, "Remove the phone number"),
    Step("revoke_policy", (), revoke_policy, "Take off the voice routing policy"),
    Step("revoke_dial_plan", (), revoke_dial_plan, "Take off the dial plan"),
    Step(
        "confirm_inactive",
        ("unassign_number", "revoke_policy", "revoke_dial_plan"),
        confirm_inactive,
        "Confirm in Teams",
    ),
)
