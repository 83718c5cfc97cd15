"""What provisioning and removal steps share: their context, and the shapes they repeat."""

from __future__ import annotations

from typing import Any

from i18n.text import N_, t
from provisioning.engine.contract import Done, Failed, LedgerItem, Outcome, StepContext, Wait
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.ports.tenant import TenantPorts
from provisioning.microsoft.ports.voice import VoiceObject
from provisioning.params import IntegrationParams, RemovalParams
from provisioning.steps.polling import poll_interval

Ctx = StepContext[IntegrationParams, TenantPorts]
RemovalCtx = StepContext[RemovalParams, TenantPorts]


# A clash of each kind of object, as a whole sentence (German gives each noun its own gender):
# what went wrong, and what the admin can do.
_NOT_OURS = {
    "dial plan": (
        N_("The dial plan '{name}' already exists in the tenant, but the bot did not create it."),
        N_(
            "Remove or rename the dial plan '{name}' in the Microsoft 365 or Teams admin centre "
            "(or run the removal if an earlier integration left it behind), then retry."
        ),
    ),
    "voice routing policy": (
        N_(
            "The voice routing policy '{name}' already exists in the tenant, but the bot did "
            "not create it."
        ),
        N_(
            "Remove or rename the voice routing policy '{name}' in the Microsoft 365 or Teams "
            "admin centre (or run the removal if an earlier integration left it behind), then "
            "retry."
        ),
    ),
    "voice route": (
        N_("The voice route '{name}' already exists in the tenant, but the bot did not create it."),
        N_(
            "Remove or rename the voice route '{name}' in the Microsoft 365 or Teams admin "
            "centre (or run the removal if an earlier integration left it behind), then retry."
        ),
    ),
    "PSTN gateway": (
        N_(
            "The PSTN gateway '{name}' already exists in the tenant, but the bot did not create it."
        ),
        N_(
            "Remove or rename the PSTN gateway '{name}' in the Microsoft 365 or Teams admin "
            "centre (or run the removal if an earlier integration left it behind), then retry."
        ),
    ),
    "PSTN usage": (
        N_("The PSTN usage '{name}' already exists in the tenant, but the bot did not create it."),
        N_(
            "Remove or rename the PSTN usage '{name}' in the Microsoft 365 or Teams admin centre "
            "(or run the removal if an earlier integration left it behind), then retry."
        ),
    ),
    "domain": (
        N_("The domain '{name}' already exists in the tenant, but the bot did not create it."),
        N_(
            "Remove or rename the domain '{name}' in the Microsoft 365 or Teams admin centre "
            "(or run the removal if an earlier integration left it behind), then retry."
        ),
    ),
    "user": (
        N_("The user '{name}' already exists in the tenant, but the bot did not create it."),
        N_(
            "Remove or rename the user '{name}' in the Microsoft 365 or Teams admin centre "
            "(or run the removal if an earlier integration left it behind), then retry."
        ),
    ),
}


def not_ours(what: str, name: str) -> Failed:
    """A name clash: the object exists, and the bot did not create it."""
    known = _NOT_OURS.get(what)
    if known is not None:
        return Failed(t(known[0], name=name), t(known[1], name=name))
    # A kind without its own sentences (none today) stays English: a catch-all template with
    # ``{what}`` would be recognised in place of the specific ones when the bot says them.
    return Failed(
        f"The {what} '{name}' already exists in the tenant, but the bot did not create it.",
        f"Remove or rename the {what} '{name}' in the Microsoft 365 or Teams admin centre "
        "(or run the removal if an earlier integration left it behind), then retry.",
    )


def wait_or_give_up(
    ctx: StepContext[Any, Any],
    give_up_after: float,
    reason: str,
    failure: str,
    hint: str,
    first: float = 1.0,
    ceiling: float = 300.0,
) -> Outcome:
    """Look again later, slowing down as the wait grows, until ``give_up_after`` seconds."""
    if ctx.elapsed() > give_up_after:
        return Failed(failure, hint)
    return Wait(ctx.clock.now() + poll_interval(ctx.elapsed(), first, ceiling), reason)


async def ensure(ctx: Ctx, kind: str, want: VoiceObject) -> Outcome:
    """A Teams voice object of ours exactly as ``want`` says.

    With no ledger entry the object is created straight away (the common case costs one round
    trip); a clash means someone else's object, and the intent is taken back. With an entry, an
    earlier attempt may have created it and lost the answer: look, then create or correct.
    """
    item = LedgerItem(kind, want.identity)
    voice = ctx.ports.voice
    if not ctx.ledger.has(kind, want.identity):
        await ctx.intend(item)
        try:
            await voice.create(want)
        except ServiceError as exc:
            if exc.kind != ErrorKind.ALREADY_EXISTS:
                raise
            await ctx.withdraw(item)
            return not_ours(want.what, want.identity)
        return Done((item,))
    have = await voice.get(type(want), want.identity)
    if have is None:
        await voice.create(want)
    elif have != want:
        await voice.update(want)
    return Done((item,))
