"""Removal's first step (SPEC removal step 1): Direct Routing telephony off every user holding
our voice routing policy or dial plan, following Microsoft's number operations to their end.

A long tenant is walked once: users already handled and operations under way are kept across
attempts (``ctx.checkpoint``), so a fault half-way does not start the walk over.
"""

from __future__ import annotations

from typing import Any

from i18n.text import t
from provisioning.engine.contract import Done, Failed, Outcome, Wait
from provisioning.microsoft.ports.numbers import OperationStatus
from provisioning.microsoft.ports.voice import PolicyKind, TeamsUser
from provisioning.steps.common import RemovalCtx
from provisioning.steps.polling import REPLICATION_GIVE_UP, poll_interval

# Numbers routed to our gateway; a calling-plan or operator number was never ours to remove.
OUR_NUMBER_TYPE = "directrouting"


def _ours(user: TeamsUser, policies: set[str], dial_plans: set[str]) -> tuple[bool, bool]:
    holds_policy = any(user.holds(PolicyKind.VOICE_ROUTING, p) for p in policies)
    holds_plan = any(user.holds(PolicyKind.DIAL_PLAN, d) for d in dial_plans)
    return holds_policy, holds_plan


async def _follow(ctx: RemovalCtx, operations: dict[str, dict[str, Any]]) -> list[str]:
    """Poll unfinished number operations; the failures, in words."""
    failures = []
    for op_id, op in operations.items():
        if op.get("status") in ("succeeded", "failed", "skipped"):
            continue
        state = await ctx.ports.numbers.operation(op_id)
        op["status"] = state.status.value
        if state.status == OperationStatus.FAILED:
            failures.append(f"{op['number']} ({op['user']}): {state.detail or 'failed'}")
    return failures


async def unassign_users(ctx: RemovalCtx) -> Outcome:
    """Numbers, dial plan and voice routing policy off every user holding ours.

    Resource accounts carry line URIs without a voice routing policy: only those holding our
    policy or dial plan are touched (the grant, never the line URI) and reported; another
    provider's are neither touched nor reported.
    """
    policies = {i.key for i in ctx.ledger.items("routing_policy")}
    dial_plans = {i.key for i in ctx.ledger.items("dial_plan")}
    if not policies and not dial_plans:
        return Done(note=t("No policy of ours was ever created."))
    handled: list[str] = list(ctx.data.get("handled", []))
    resource_accounts: list[str] = list(ctx.data.get("resource_accounts", []))
    operations: dict[str, dict[str, Any]] = dict(ctx.data.get("operations", {}))
    done = set(handled) | set(resource_accounts)
    async for user in ctx.ports.voice_users.users():
        if user.user_principal_name in done:
            continue
        holds_policy, holds_plan = _ours(user, policies, dial_plans)
        if not (holds_policy or holds_plan):
            continue
        if not user.is_resource_account and holds_policy:
            for number in await ctx.ports.numbers.numbers_of(user.object_id):
                if number.number_type.lower() != OUR_NUMBER_TYPE:
                    continue
                op_id = await ctx.ports.numbers.unassign(number)
                operations[op_id] = {"user": user.user_principal_name, "number": number.number}
        if holds_policy:
            await ctx.ports.voice_users.grant(user.object_id, PolicyKind.VOICE_ROUTING, None)
        if holds_plan:
            await ctx.ports.voice_users.grant(user.object_id, PolicyKind.DIAL_PLAN, None)
        (resource_accounts if user.is_resource_account else handled).append(
            user.user_principal_name
        )
        await ctx.checkpoint(
            {"handled": handled, "resource_accounts": resource_accounts, "operations": operations}
        )
    failures = await _follow(ctx, operations)
    await ctx.checkpoint({"operations": operations})
    if failures:
        return Failed(
            t("Microsoft could not remove these numbers: {numbers}", numbers="; ".join(failures)),
            t("Remove the numbers in the Teams admin centre (Voice › Phone numbers), then retry."),
        )
    running = [op for op in operations.values() if op.get("status") not in ("succeeded", "skipped")]
    if running:
        if ctx.elapsed() > REPLICATION_GIVE_UP:
            return Failed(
                t(
                    "Microsoft has not finished removing {count} number(s) after 30 minutes.",
                    count=len(running),
                ),
                t("Check the numbers in the Teams admin centre, then retry."),
            )
        return Wait(
            ctx.clock.now() + poll_interval(ctx.elapsed(), 2.0, 60.0),
            t(
                "Removing phone numbers from {count} user(s)",
                count=len({op["user"] for op in running}),
            ),
        )
    # One template for each case, not sentences added together: the bot recognises the note
    # later by the template it was made from.
    accounts = ", ".join(sorted(resource_accounts))
    if handled and resource_accounts:
        note = t(
            "Unassigned {count} user(s). These resource accounts held our policy, which was "
            "taken off; their phone numbers were left as they are (remove them in the Teams "
            "admin centre if they route through this provider): {accounts}.",
            count=len(handled),
            accounts=accounts,
        )
    elif handled:
        note = t("Unassigned {count} user(s).", count=len(handled))
    elif resource_accounts:
        note = t(
            "No user held the voice routing policy or dial plan. These resource accounts held "
            "our policy, which was taken off; their phone numbers were left as they are (remove "
            "them in the Teams admin centre if they route through this provider): {accounts}.",
            accounts=accounts,
        )
    else:
        note = t("No user held the voice routing policy or dial plan.")
    return Done(note=note, outputs={"users": len(handled), "resource_accounts": resource_accounts})
