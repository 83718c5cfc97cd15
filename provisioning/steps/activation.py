"""Activating one user (SPEC step 4): their phone number, our dial plan and our voice routing
policy, following Microsoft's number operation to its end and confirming what Teams then shows;
deactivating undoes exactly that. Another provider's user is never touched."""

from __future__ import annotations

from i18n.text import N_, t
from provisioning.engine.contract import Done, Failed, Outcome, Step, StepContext, Wait
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.ports.numbers import AssignedNumber, OperationStatus
from provisioning.microsoft.ports.tenant import TenantPorts
from provisioning.microsoft.ports.voice import PolicyKind
from provisioning.params import ActivationParams
from provisioning.steps.common import wait_or_give_up
from provisioning.steps.polling import REPLICATION_GIVE_UP

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
            t("Teams does not list {upn} as a user.", upn=p.upn),
            t("Resource accounts and users without a Teams licence cannot be activated."),
        )
    others = [n for n in voice.numbers if not _same(n, p.number)]
    foreign_policy = (
        voice.routing_policy and voice.routing_policy.lower() != p.routing_policy.lower()
    )
    if others or foreign_policy:
        hint = t(
            "I do not change another provider's users. Remove their setup in the Teams admin "
            "centre first if this user should move to this provider."
        )
        if others:
            return Failed(
                t(
                    "{upn} already has voice set up by someone else ({numbers}).",
                    upn=p.upn,
                    numbers=", ".join(others),
                ),
                hint,
            )
        return Failed(
            t(
                "{upn} already has voice set up by someone else (the voice routing policy "
                "{policy}).",
                upn=p.upn,
                policy=voice.routing_policy,
            ),
            hint,
        )
    return Done(note=t("{upn} can be activated.", upn=p.upn))


async def assign_number(ctx: ActivationCtx) -> Outcome:
    """The number, through Graph's asynchronous number operation, followed to its end."""
    p = ctx.params
    numbers = ctx.ports.numbers
    op_id = str(ctx.data.get("operation", ""))
    if not op_id:
        held = await numbers.numbers_of(p.user_id)
        if any(_same(n.number, p.number) for n in held):
            return Done(note=t("{number} is assigned to {upn}.", number=p.number, upn=p.upn))
        try:
            op_id = await numbers.assign(p.user_id, p.number, p.number_type)
        except ServiceError as exc:
            if exc.kind in (ErrorKind.INVALID, ErrorKind.IN_USE, ErrorKind.ALREADY_EXISTS):
                return Failed(
                    t(
                        "Microsoft refused to assign {number} to {upn}: {message}",
                        number=p.number,
                        upn=p.upn,
                        message=exc.message,
                    ),
                    t(
                        "Check that the number is not assigned to someone else and that the "
                        "user has a Teams Phone licence (Teams admin centre › Voice › Phone "
                        "numbers), then retry."
                    ),
                )
            raise
        await ctx.checkpoint({"operation": op_id})
        return Wait(ctx.clock.now() + 1.0, t("Microsoft is assigning {number}", number=p.number))
    state = await numbers.operation(op_id)
    if state.status == OperationStatus.SUCCEEDED:
        return Done(note=t("{number} is assigned to {upn}.", number=p.number, upn=p.upn))
    if state.status.finished:
        await ctx.checkpoint({"operation": ""})
        return Failed(
            t(
                "Microsoft could not assign {number}: {detail}",
                number=p.number,
                detail=state.detail or state.status.value,
            ),
            t("Check the number in the Teams admin centre (Voice › Phone numbers), then retry."),
        )
    return wait_or_give_up(
        ctx,
        REPLICATION_GIVE_UP,
        t("Microsoft is assigning {number}", number=p.number),
        t("Microsoft has not finished assigning {number} after 30 minutes.", number=p.number),
        t("Check the number in the Teams admin centre, then retry."),
    )


async def grant_dial_plan(ctx: ActivationCtx) -> Outcome:
    """Our dial plan for the user."""
    await ctx.ports.voice_users.grant(
        ctx.params.user_id, PolicyKind.DIAL_PLAN, ctx.params.dial_plan
    )
    return Done(note=t("Granted the dial plan {name}.", name=ctx.params.dial_plan))


async def grant_policy(ctx: ActivationCtx) -> Outcome:
    """Our voice routing policy for the user."""
    await ctx.ports.voice_users.grant(
        ctx.params.user_id, PolicyKind.VOICE_ROUTING, ctx.params.routing_policy
    )
    return Done(note=t("Granted the voice routing policy {name}.", name=ctx.params.routing_policy))


async def confirm_active(ctx: ActivationCtx) -> Outcome:
    """Teams shows the number and our policy on the user (grants apply after a delay)."""
    p = ctx.params
    voice = await ctx.ports.user_sync.voice_of(p.user_id)
    if (
        voice is not None
        and any(_same(n, p.number) for n in voice.numbers)
        and voice.routing_policy.lower() == p.routing_policy.lower()
    ):
        return Done(note=t("{upn} is active with {number}.", upn=p.upn, number=p.number))
    return wait_or_give_up(
        ctx,
        REPLICATION_GIVE_UP,
        t("Waiting for Teams to show the number and the policy on the user"),
        t(
            "Teams still does not show {number} and {policy} on {upn} after 30 minutes.",
            number=p.number,
            policy=p.routing_policy,
            upn=p.upn,
        ),
        t("Check the user in the Teams admin centre, then retry."),
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
            return Done(note=t("{upn} holds no number of ours.", upn=p.upn))
        op_id = await numbers.unassign(AssignedNumber(held[0].number, held[0].number_type))
        await ctx.checkpoint({"operation": op_id})
        return Wait(ctx.clock.now() + 1.0, t("Microsoft is removing {number}", number=p.number))
    state = await numbers.operation(op_id)
    if state.status in (OperationStatus.SUCCEEDED, OperationStatus.SKIPPED):
        return Done(note=t("{number} is removed from {upn}.", number=p.number, upn=p.upn))
    if state.status.finished:
        await ctx.checkpoint({"operation": ""})
        return Failed(
            t(
                "Microsoft could not remove {number}: {detail}",
                number=p.number,
                detail=state.detail or state.status.value,
            ),
            t("Remove the number in the Teams admin centre (Voice › Phone numbers), then retry."),
        )
    return wait_or_give_up(
        ctx,
        REPLICATION_GIVE_UP,
        t("Microsoft is removing {number}", number=p.number),
        t("Microsoft has not finished removing {number} after 30 minutes.", number=p.number),
        t("Remove the number in the Teams admin centre (Voice › Phone numbers), then retry."),
    )


async def revoke_policy(ctx: ActivationCtx) -> Outcome:
    """Our voice routing policy off the user (back to the tenant's default)."""
    await ctx.ports.voice_users.grant(ctx.params.user_id, PolicyKind.VOICE_ROUTING, None)
    return Done(note=t("The voice routing policy is taken off."))


async def revoke_dial_plan(ctx: ActivationCtx) -> Outcome:
    """Our dial plan off the user."""
    await ctx.ports.voice_users.grant(ctx.params.user_id, PolicyKind.DIAL_PLAN, None)
    return Done(note=t("The dial plan is taken off."))


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
        return Done(note=t("{upn} is no longer active.", upn=p.upn))
    return wait_or_give_up(
        ctx,
        REPLICATION_GIVE_UP,
        t("Waiting for Teams to show the user without the number and the policy"),
        t("Teams still shows {upn} with our number or policy after 30 minutes.", upn=p.upn),
        t("Check the user in the Teams admin centre, then retry."),
        first=2.0,
        ceiling=60.0,
    )


ACTIVATION: tuple[Step[ActivationParams, TenantPorts], ...] = (
    Step("check_user", (), check_user, N_("Check the user"), round_trips={_GRAPH: 1}),
    Step("assign_number", ("check_user",), assign_number, N_("Assign the phone number")),
    Step("grant_dial_plan", ("check_user",), grant_dial_plan, N_("Grant the dial plan")),
    Step("grant_policy", ("check_user",), grant_policy, N_("Grant the voice routing policy")),
    Step(
        "confirm_active",
        ("assign_number", "grant_dial_plan", "grant_policy"),
        confirm_active,
        N_("Confirm in Teams"),
    ),
)
DEACTIVATION: tuple[Step[ActivationParams, TenantPorts], ...] = (
    Step("unassign_number", (), unassign_number, N_("Remove the phone number")),
    Step("revoke_policy", (), revoke_policy, N_("Take off the voice routing policy")),
    Step("revoke_dial_plan", (), revoke_dial_plan, N_("Take off the dial plan")),
    Step(
        "confirm_inactive",
        ("unassign_number", "revoke_policy", "revoke_dial_plan"),
        confirm_inactive,
        N_("Confirm in Teams"),
    ),
)
