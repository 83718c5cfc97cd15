"""Removal (SPEC "Removal"), driven by the ledger, in reverse dependency order.

Each step undoes one kind of object: it looks at every ledger entry of that kind (intended or
created, so a crash mid-provisioning is covered), removes what still exists, and tolerates
what is gone. Objects the product did not create are never touched.
"""

from __future__ import annotations

from typing import Any

from i18n.text import N_, t
from provisioning.engine.contract import Done, LedgerItem, Outcome, Step
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.ports.tenant import TenantPorts
from provisioning.microsoft.ports.voice import DialPlan, Gateway, RoutingPolicy, VoiceRoute
from provisioning.params import RemovalParams
from provisioning.steps.common import RemovalCtx, wait_or_give_up
from provisioning.steps.polling import REPLICATION_GIVE_UP
from provisioning.steps.unassign import unassign_users


async def _undo_each(
    ctx: RemovalCtx,
    kind: str,
    delete: Any,
    waiting: str,
    blocked: str,
) -> Outcome:
    """Delete every ledger item of ``kind``; wait while Microsoft says it is still in use.

    ``waiting`` and ``blocked`` are marked templates (``N_``); ``blocked`` names the object as
    ``{key}``.
    """
    removed: list[LedgerItem] = []
    for item in ctx.ledger.items(kind):
        try:
            await delete(item)
        except ServiceError as exc:
            if exc.kind == ErrorKind.IN_USE:
                return wait_or_give_up(
                    ctx,
                    REPLICATION_GIVE_UP,
                    t(waiting),
                    exc.message,
                    t(blocked, key=item.key),
                    first=5.0,
                    ceiling=120.0,
                )
            if exc.kind != ErrorKind.NOT_FOUND:
                raise
        removed.append(item)
    return Done(removed=tuple(removed))


def _voice(kind: str, cls: type[Any], waiting: str, blocked: str) -> Any:
    async def undo(ctx: RemovalCtx) -> Outcome:
        async def delete(item: LedgerItem) -> None:
            await ctx.ports.voice.delete(cls, item.key)

        return await _undo_each(ctx, kind, delete, waiting, blocked)

    return undo


remove_route = _voice(
    "voice_route",
    VoiceRoute,
    N_("Waiting for Microsoft to release the voice route"),
    N_(
        "Teams still refuses to remove the voice route '{key}'. Remove it in the Teams admin "
        "centre, then retry."
    ),
)
remove_policy = _voice(
    "routing_policy",
    RoutingPolicy,
    N_("Waiting for the voice routing policy to be unassigned from every user"),
    N_(
        "Some users still hold the voice routing policy '{key}'. Grant them another one in the "
        "Teams admin centre, then retry."
    ),
)
remove_dial_plan = _voice(
    "dial_plan",
    DialPlan,
    N_("Waiting for the dial plan to be unassigned from every user"),
    N_(
        "Some users still hold the dial plan '{key}'. Grant them another one in the Teams admin "
        "centre, then retry."
    ),
)
remove_gateway = _voice(
    "gateway",
    Gateway,
    N_("Waiting for the gateway to be unlinked from voice routes"),
    N_(
        "A voice route the bot did not create uses the gateway '{key}'. Remove the gateway from "
        "it, then retry."
    ),
)


async def remove_usage(ctx: RemovalCtx) -> Outcome:
    """Our PSTN usage, out of the Global list; the other usages stay."""

    async def delete(item: LedgerItem) -> None:
        await ctx.ports.voice.remove_usage(item.key)

    return await _undo_each(
        ctx,
        "pstn_usage",
        delete,
        N_("Waiting for the PSTN usage to be free"),
        N_(
            "Another voice route or policy in the tenant uses the PSTN usage '{key}'. Remove it "
            "from them, then retry."
        ),
    )


async def remove_gateway_user(ctx: RemovalCtx) -> Outcome:
    """The gateway user, for good: deleted, then purged from the recycle bin, where it would
    keep its domain in use for 30 days (fidelity review F6). Its licence returns to the pool."""

    async def delete(item: LedgerItem) -> None:
        user = await ctx.ports.users.find(item.key)
        user_id = user.id if user is not None else item.data.get("id")
        if user_id is None:
            return  # never created
        if user is not None:
            await ctx.ports.users.delete(str(user_id))
        try:
            await ctx.ports.users.purge(str(user_id))
        except ServiceError as exc:
            if exc.kind != ErrorKind.NOT_FOUND:
                raise

    outcome = await _undo_each(ctx, "user", delete, "", "")
    if isinstance(outcome, Done):
        return Done(removed=(*outcome.removed, *ctx.ledger.items("licence")))
    return outcome


async def remove_domain(ctx: RemovalCtx) -> Outcome:
    """The SBC domain, out of the tenant (once no object uses it)."""

    async def delete(item: LedgerItem) -> None:
        await ctx.ports.domains.delete(item.key)

    return await _undo_each(
        ctx,
        "domain",
        delete,
        N_("Waiting for Microsoft to release the domain"),
        N_(
            "Objects in the tenant still use the domain '{key}' (see domainNameReferences). "
            "Remove them, then retry."
        ),
    )


async def remove_dns_records(ctx: RemovalCtx) -> Outcome:
    """Our records in the provider's zone."""

    async def delete(item: LedgerItem) -> None:
        await ctx.ports.zone.delete_records(str(item.data["name"]), str(item.data["type"]))

    return await _undo_each(ctx, "dns_records", delete, "", "")


async def forget_credentials(ctx: RemovalCtx) -> Outcome:
    """The stored sign-ins: the last thing removal deletes."""
    count = await ctx.ports.sign_ins.forget()
    return Done(
        note=t("Deleted {count} stored sign-in(s).", count=count), outputs={"credentials": count}
    )


RemovalStep = Step[RemovalParams, TenantPorts]

REMOVAL: tuple[RemovalStep, ...] = (
    Step("unassign_users", (), unassign_users, N_("Telephony unassigned from users"), timeout=1800),
    Step("remove_route", ("unassign_users",), remove_route, N_("Voice route removed")),
    Step(
        "remove_policy",
        ("unassign_users", "remove_route"),
        remove_policy,
        N_("Voice routing policy removed"),
    ),
    Step("remove_dial_plan", ("unassign_users",), remove_dial_plan, N_("Dial plan removed")),
    Step("remove_usage", ("remove_route", "remove_policy"), remove_usage, N_("PSTN usage removed")),
    Step("remove_gateway", ("remove_route",), remove_gateway, N_("PSTN gateway removed")),
    Step(
        "remove_gateway_user", ("remove_gateway",), remove_gateway_user, N_("Gateway user removed")
    ),
    Step("remove_domain", ("remove_gateway_user",), remove_domain, N_("Domain removed")),
    Step("remove_dns_records", ("remove_domain",), remove_dns_records, N_("DNS records removed")),
    Step(
        "forget_credentials",
        ("remove_dns_records", "remove_usage", "remove_dial_plan"),
        forget_credentials,
        N_("Stored sign-ins deleted"),
    ),
)
