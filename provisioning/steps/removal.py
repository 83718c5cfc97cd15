"""Removal (SPEC "Removal"), driven by the ledger, in reverse dependency order.

Each step undoes one kind of object: it looks at every ledger entry of that kind (intended or
created, so a crash mid-provisioning is covered), removes what still exists, and tolerates
what is gone. Objects the product did not create are never touched.
"""

from __future__ import annotations

from provisioning.errors import ErrorKind, ServiceError
from provisioning.naming import Names
from provisioning.steps.contract import Done, Failed, LedgerItem, Outcome, Step, StepContext, Wait
from provisioning.steps.polling import REPLICATION_GIVE_UP, poll_interval

POLICY_TYPES = ("OnlineVoiceRoutingPolicy", "TenantDialPlan")


def _waiting(ctx: StepContext, reason: str, error: ServiceError, hint: str) -> Outcome:
    if ctx.elapsed() > REPLICATION_GIVE_UP:
        return Failed(error.message, hint)
    return Wait(ctx.clock.now() + poll_interval(ctx.elapsed(), first=5.0, ceiling=120.0), reason)


async def unassign_users(ctx: StepContext) -> Outcome:
    """Numbers, dial plan and voice routing policy off every user holding our policy.

    Resource accounts carry line URIs without a voice routing policy: they are reported,
    not changed (SPEC removal step 1).
    """
    ours = Names(ctx.plan.names_brand).e164
    if not ctx.ledger.items("routing_policy") and not ctx.ledger.items("dial_plan"):
        return Done(note="No policy of ours was ever created.")
    changed: list[str] = []
    resource_accounts: list[str] = []
    pending_numbers = False
    async for user in ctx.teams.users():
        if user.account_type == "resourceAccount" and user.line_uri:
            resource_accounts.append(user.user_principal_name)
            continue
        holds_policy = (user.routing_policy or "").lower() == ours.lower()
        holds_plan = (user.dial_plan or "").lower() == ours.lower()
        if not (holds_policy or holds_plan):
            continue
        if holds_policy:
            for number in await ctx.graph.numbers_of(user.object_id):
                await ctx.graph.unassign_number(number)
                pending_numbers = True
            await ctx.teams.grant(user.object_id, "OnlineVoiceRoutingPolicy", None)
        if holds_plan:
            await ctx.teams.grant(user.object_id, "TenantDialPlan", None)
        changed.append(user.user_principal_name)
    if pending_numbers:
        if ctx.elapsed() > REPLICATION_GIVE_UP:
            return Failed(
                "Phone numbers could not be removed from some users.",
                "Remove their numbers in the Teams admin centre, then retry.",
            )
        # Number removals run asynchronously; the next pass confirms they are gone.
        return Wait(ctx.clock.now() + 2.0, f"Removing phone numbers from {len(changed)} user(s)")
    # Earlier passes (numbers still going) said how many users they changed.
    note = (
        f"Unassigned {len(changed)} user(s)."
        if changed
        else "No user holds the voice routing policy or dial plan any more."
    )
    if resource_accounts:
        note += (
            " Resource accounts with phone numbers were left as they are (remove their "
            f"numbers in the Teams admin centre): {', '.join(sorted(resource_accounts))}."
        )
    return Done(note=note)


async def remove_route(ctx: StepContext) -> Outcome:
    """Our voice route."""
    removed = []
    for item in ctx.ledger.items("voice_route"):
        try:
            await ctx.teams.delete_route(item.key)
        except ServiceError as exc:
            if exc.kind != ErrorKind.NOT_FOUND:
                raise
        removed.append(item)
    return Done(removed=tuple(removed))


async def _remove_assignable(ctx: StepContext, kind: str, what: str) -> Outcome:
    removed: list[LedgerItem] = []
    for item in ctx.ledger.items(kind):
        try:
            if kind == "routing_policy":
                await ctx.teams.delete_policy(item.key)
            else:
                await ctx.teams.delete_dial_plan(item.key)
        except ServiceError as exc:
            if exc.kind == ErrorKind.NOT_FOUND:
                removed.append(item)
                continue
            if exc.kind != ErrorKind.CONFLICT:
                raise
            # Unassignments apply asynchronously; the policy frees up shortly.
            return _waiting(
                ctx,
                f"Waiting for the {what} to be unassigned from every user",
                exc,
                f"Some users still hold the {what} '{item.key}'. Grant them "
                "another one in the Teams admin centre, then retry.",
            )
        removed.append(item)
    return Done(removed=tuple(removed))


async def remove_policy(ctx: StepContext) -> Outcome:
    """Our voice routing policy (once no user holds it)."""
    return await _remove_assignable(ctx, "routing_policy", "voice routing policy")


async def remove_dial_plan(ctx: StepContext) -> Outcome:
    """Our tenant dial plan (once no user holds it)."""
    return await _remove_assignable(ctx, "dial_plan", "dial plan")


async def remove_usage(ctx: StepContext) -> Outcome:
    """Our PSTN usage, out of the Global list; the other usages stay."""
    items = ctx.ledger.items("pstn_usage")
    if not items:
        return Done()
    usages = await ctx.teams.usages()
    ours = {i.key for i in items}
    remaining = [u for u in usages if u not in ours]
    if remaining != usages:
        try:
            await ctx.teams.set_usages(remaining)
        except ServiceError as exc:
            if exc.kind != ErrorKind.CONFLICT:
                raise
            return _waiting(
                ctx,
                "Waiting for the PSTN usage to be free",
                exc,
                "Another voice route or policy in the tenant uses the PSTN usage "
                f"'{', '.join(sorted(ours))}'. Remove it from them, then retry.",
            )
    return Done(removed=tuple(items))


async def remove_gateway(ctx: StepContext) -> Outcome:
    """Our PSTN gateway (once no route links it)."""
    removed = []
    for item in ctx.ledger.items("gateway"):
        try:
            await ctx.teams.delete_gateway(item.key)
        except ServiceError as exc:
            if exc.kind == ErrorKind.NOT_FOUND:
                removed.append(item)
                continue
            if exc.kind != ErrorKind.CONFLICT:
                raise
            return _waiting(
                ctx,
                "Waiting for the gateway to be unlinked from voice routes",
                exc,
                f"A voice route the bot did not create uses the gateway "
                f"'{item.key}'. Remove the gateway from it, then retry.",
            )
        removed.append(item)
    return Done(removed=tuple(removed))


async def remove_gateway_user(ctx: StepContext) -> Outcome:
    """The gateway user (its licence returns to the pool)."""
    removed = []
    for item in ctx.ledger.items("user"):
        user = await ctx.graph.find_user(item.key)
        if user is not None:
            try:
                await ctx.graph.delete_user(user.id)
            except ServiceError as exc:
                if exc.kind != ErrorKind.NOT_FOUND:
                    raise
        removed.append(item)
    licences = tuple(ctx.ledger.items("licence"))
    return Done(removed=(*removed, *licences))


async def remove_domain(ctx: StepContext) -> Outcome:
    """The SBC domain, out of the tenant (once no user is on it)."""
    removed = []
    for item in ctx.ledger.items("domain"):
        try:
            await ctx.graph.delete_domain(item.key)
        except ServiceError as exc:
            if exc.kind == ErrorKind.NOT_FOUND:
                removed.append(item)
                continue
            if exc.kind not in (ErrorKind.INVALID, ErrorKind.CONFLICT):
                raise
            # A deleted user keeps referencing the domain until Microsoft replicates.
            return _waiting(
                ctx,
                "Waiting for Microsoft to release the domain",
                exc,
                f"Objects in the tenant still use the domain '{item.key}' (see "
                "domainNameReferences). Remove them, then retry.",
            )
        removed.append(item)
    return Done(removed=tuple(removed))


async def remove_dns_records(ctx: StepContext) -> Outcome:
    """Our records in the provider's zone."""
    removed = []
    for item in ctx.ledger.items("dns_records"):
        await ctx.zone.delete_records(str(item.data["name"]), str(item.data["type"]))
        removed.append(item)
    return Done(removed=tuple(removed))


async def forget_credentials(ctx: StepContext) -> Outcome:
    """The stored access tokens: the last thing removal deletes."""
    if ctx.forget_credentials is None:
        return Done()
    count = await ctx.forget_credentials()
    return Done(note=f"Deleted {count} stored credential(s).")


REMOVAL: tuple[Step, ...] = (
    Step("unassign_users", (), unassign_users, "Telephony unassigned from users"),
    Step("remove_route", ("unassign_users",), remove_route, "Voice route removed"),
    Step(
        "remove_policy",
        ("unassign_users", "remove_route"),
        remove_policy,
        "Voice routing policy removed",
    ),
    Step("remove_dial_plan", ("unassign_users",), remove_dial_plan, "Dial plan removed"),
    Step("remove_usage", ("remove_route", "remove_policy"), remove_usage, "PSTN usage removed"),
    Step("remove_gateway", ("remove_route",), remove_gateway, "PSTN gateway removed"),
    Step("remove_gateway_user", ("remove_gateway",), remove_gateway_user, "Gateway user removed"),
    Step("remove_domain", ("remove_gateway_user",), remove_domain, "Domain removed"),
    Step("remove_dns_records", ("remove_domain",), remove_dns_records, "DNS records removed"),
    Step(
        "forget_credentials",
        ("remove_dns_records", "remove_usage", "remove_dial_plan"),
        forget_credentials,
        "Stored credentials deleted",
    ),
)
