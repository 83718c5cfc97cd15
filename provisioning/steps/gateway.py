"""The gateway user and its licence (SPEC steps 3.4–3.5), and the PSTN gateway that Microsoft
accepts only once the domain has a licensed user (research/teams-voice-api.md §3, R29)."""

from __future__ import annotations

import secrets
import string

from i18n.text import N_, t
from provisioning.engine.contract import Done, Failed, LedgerItem, Outcome, Wait
from provisioning.licences import choose_gateway_sku
from provisioning.microsoft.catalog import MCOSTANDARD_PLAN
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.ports.voice import Gateway
from provisioning.naming import Names
from provisioning.steps.common import Ctx, ensure, not_ours, wait_or_give_up
from provisioning.steps.polling import (
    ACTIVATION_GIVE_UP,
    REPLICATION_GIVE_UP,
    REPLICATION_WAIT,
)

# English, as the runner stores every text (the bot says it in the admin's language).
_NO_SEAT = Failed(
    N_("No licence with Skype for Business Online (Plan 2) (MCOSTANDARD) is free in the tenant."),
    N_(
        "Free or buy one licence that includes MCOSTANDARD (for example Skype for Business "
        "Online (Plan 2), Office 365 E1 or E3), then retry."
    ),
)


def _upn(ctx: Ctx) -> str:
    return Names(ctx.params.brand).gateway_user(ctx.params.sbc_domain)


def _password() -> str:
    alphabet = string.ascii_letters + string.digits + "!#%+-=?@^_~"
    body = "".join(secrets.choice(alphabet) for _ in range(28))
    return f"Aa1!{body}"


async def choose_licence(ctx: Ctx) -> Outcome:
    """Which subscription the gateway user will be licensed from (looked up early, off the
    critical path; the licence step looks again if that seat is gone by then)."""
    sku = choose_gateway_sku(await ctx.ports.directory.subscribed_skus())
    if sku is None:
        return _NO_SEAT
    return Done(
        note=t("{licence} has a free seat.", licence=sku.part_number),
        outputs={"sku_id": sku.sku_id},
    )


async def gateway_user(ctx: Ctx) -> Outcome:
    """``<brand>.teams@<sbc domain>``: the user that activates the domain for Direct Routing."""
    upn = _upn(ctx)
    known = ctx.ledger.get("user", upn)
    if known is not None and known.data.get("id"):
        return Done((known,), outputs={"user_id": known.data["id"]})
    if known is None:
        await ctx.intend(LedgerItem("user", upn))
    try:
        # Nobody signs in as this user; its password is random and never stored.
        user = await ctx.ports.users.create(
            upn, f"{ctx.params.brand} Teams gateway", ctx.params.usage_location, _password()
        )
    except ServiceError as exc:
        if exc.kind == ErrorKind.INVALID:
            # The new domain may not be usable for users everywhere in Entra yet.
            return wait_or_give_up(
                ctx,
                REPLICATION_GIVE_UP,
                t("Waiting for Microsoft to let users be created on the new domain"),
                exc.message,
                t("Check the domain in the Microsoft 365 admin centre, then retry."),
                first=REPLICATION_WAIT,
                ceiling=60.0,
            )
        if exc.kind != ErrorKind.ALREADY_EXISTS:
            raise
        if known is None:
            await ctx.withdraw(LedgerItem("user", upn))
            return not_ours("user", upn)
        found = await ctx.ports.users.find(upn)  # ours: an earlier answer was lost
        if found is None:
            return Wait(ctx.clock.now() + REPLICATION_WAIT, t("Looking for the gateway user"))
        user = found
    item = LedgerItem("user", upn, {"id": user.id})
    return Done((item,), outputs={"user_id": user.id})


def _intended_sku(ctx: Ctx, upn: str, chosen: str | None) -> str | None:
    """The SKU an earlier attempt meant to assign (its answer may have been lost), else
    ``chosen``: a retry licenses from the subscription it used before, not a fresh choice."""
    prefix = upn.lower() + "|"
    intended = [
        str(i.data.get("sku") or i.key.split("|", 1)[1])
        for i in ctx.ledger.items("licence")
        if i.key.lower().startswith(prefix)
    ]
    if chosen in intended or not intended:
        return chosen
    return intended[0]


async def gateway_licence(ctx: Ctx) -> Outcome:
    """A licence carrying MCOSTANDARD for the gateway user (SPEC step 3.5)."""
    upn = _upn(ctx)
    user_id = ctx.output("gateway_user", "user_id")
    if user_id is None:
        known = ctx.ledger.get("user", upn)
        user_id = known.data.get("id") if known else None
    chosen = ctx.data.get("sku_id") or ctx.output("choose_licence", "sku_id")
    sku_id = _intended_sku(ctx, upn, chosen)
    if user_id is None or sku_id is None:
        return await _look_again(ctx, upn, user_id, exclude=None)
    item = LedgerItem("licence", f"{upn}|{sku_id}", {"user": upn, "sku": sku_id})
    # An intent from an earlier attempt: that assignment may have taken effect.
    earlier = ctx.ledger.has("licence", item.key)
    if not earlier:
        await ctx.intend(item)
    try:
        # Graph accepts a SKU the user already holds, so repeating it after a lost answer is safe.
        await ctx.ports.users.assign_licence(str(user_id), str(sku_id))
    except ServiceError as exc:
        if exc.kind == ErrorKind.NOT_FOUND:
            return wait_or_give_up(
                ctx,
                REPLICATION_GIVE_UP,
                t("Waiting for Microsoft to finish creating the gateway user"),
                exc.message,
                t("Check the gateway user in the Microsoft 365 admin centre, then retry."),
                first=REPLICATION_WAIT,
                ceiling=60.0,
            )
        if exc.kind != ErrorKind.INVALID:
            raise
        if earlier:
            # Refused now perhaps only because our own seat is counted: the read may not show
            # the licence yet (M1, research/graph-entra.md §4 "Replication lag after create").
            return await _held_or_replicating(ctx, upn, item, exc.message)
        # Refused: decide by what the tenant looks like now, not by Microsoft's words.
        return await _look_again(ctx, upn, str(user_id), exclude=str(sku_id))
    return Done((item,), outputs={"sku_id": sku_id})


async def _held_or_replicating(ctx: Ctx, upn: str, item: LedgerItem, message: str) -> Outcome:
    """After a lost answer: done once the user shows the licence; until then wait for Graph to
    replicate it rather than choose another subscription (that would take a second seat)."""
    user = await ctx.ports.users.find(upn)
    sku_id = str(item.data["sku"])
    if user is not None and (sku_id in user.sku_ids or MCOSTANDARD_PLAN in user.enabled_plan_ids):
        return Done((item,), outputs={"sku_id": sku_id})
    outcome = wait_or_give_up(
        ctx,
        REPLICATION_GIVE_UP,
        t("Waiting for Microsoft to show the gateway user's licence"),
        message,
        t(
            "Microsoft does not show a licence on the gateway user 30 minutes after it was "
            "assigned. Check the gateway user in the Microsoft 365 admin centre, then retry."
        ),
        first=REPLICATION_WAIT,
        ceiling=60.0,
    )
    if isinstance(outcome, Failed):
        # So long after, the earlier assignment did not take: the admin's retry chooses afresh.
        await ctx.withdraw(item)
    return outcome


async def _look_again(ctx: Ctx, upn: str, user_id: str | None, exclude: str | None) -> Outcome:
    """After a refusal (or without a choice yet): done if the user holds a fitting licence (an
    earlier answer was lost), else another free subscription, else no seat is left."""
    user = await ctx.ports.users.find(upn)
    if user is None:
        return Wait(ctx.clock.now() + REPLICATION_WAIT, t("Looking for the gateway user"))
    if MCOSTANDARD_PLAN in user.enabled_plan_ids:
        held = next(
            (s for s in sorted(user.sku_ids) if ctx.ledger.has("licence", f"{upn}|{s}")), None
        )
        held = held or next(iter(sorted(user.sku_ids)), "")
        item = LedgerItem("licence", f"{upn}|{held}", {"user": upn, "sku": held})
        return Done((item,), outputs={"sku_id": held})
    skus = [s for s in await ctx.ports.directory.subscribed_skus() if s.sku_id != exclude]
    sku = choose_gateway_sku(skus)
    if sku is None:
        return _NO_SEAT
    if exclude is not None:
        await ctx.withdraw(LedgerItem("licence", f"{upn}|{exclude}"))
    await ctx.checkpoint({"sku_id": sku.sku_id})
    return Wait(
        ctx.clock.now() + 0.5,
        t("Licensing the gateway user from {licence}", licence=sku.part_number),
    )


async def pstn_gateway(ctx: Ctx) -> Outcome:
    """The PSTN gateway (enabled, SIP TLS port) once Microsoft accepts the domain."""
    p = ctx.params
    want = Gateway(p.sbc_domain, p.sip_port, True, p.max_concurrent_sessions)
    try:
        return await ensure(ctx, "gateway", want)
    except ServiceError as exc:
        if exc.kind != ErrorKind.DOMAIN_NOT_ACTIVATED:
            raise
        return wait_or_give_up(
            ctx,
            ACTIVATION_GIVE_UP,
            t(
                "Waiting for Microsoft to activate the domain for Direct Routing (this can take "
                "up to 24 hours)"
            ),
            exc.message,
            t(
                "Microsoft has not activated the domain for Direct Routing after 48 hours. Check "
                "that the gateway user is licensed, then retry."
            ),
            first=5.0,
            ceiling=600.0,
        )
