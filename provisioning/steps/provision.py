"""The provisioning steps (SPEC step 3): domain provisioning, then dial plan and routing.

Every step looks at the tenant first and does only what is missing. Objects that exist under
our names but are not in our ledger belong to someone else: the step stops instead of taking
them over.
"""

from __future__ import annotations

import ipaddress
import secrets
import string

from provisioning.errors import ErrorKind, ServiceError
from provisioning.naming import ROUTE_PATTERN, Names, e164_rules
from provisioning.ports.teams import DialPlan, Gateway, RoutingPolicy, VoiceRoute
from provisioning.steps.contract import Done, Failed, LedgerItem, Outcome, Step, StepContext, Wait
from provisioning.steps.polling import (
    ACTIVATION_GIVE_UP,
    DNS_GIVE_UP,
    REPLICATION_GIVE_UP,
    REPLICATION_WAIT,
    poll_interval,
)

MCOSTANDARD_PLAN = "0feaeb32-d00e-4d66-bd5a-43b5b83db82c"


def _names(ctx: StepContext) -> Names:
    return Names(ctx.plan.names_brand)


def _not_ours(what: str, name: str) -> Failed:
    return Failed(
        f"{what} '{name}' already exists in the tenant, but the bot did not create it.",
        f"Remove or rename {what.lower()} '{name}' in the Microsoft 365 or Teams admin centre "
        "(or run the removal if an earlier integration left it behind), then retry.",
    )


def _replicating(ctx: StepContext, what: str, error: ServiceError) -> Outcome:
    """Graph answers 404 for a while after a create (graph-entra.md §3.9)."""
    if ctx.elapsed() > REPLICATION_GIVE_UP:
        return Failed(
            error.message,
            f"Microsoft still does not show the new {what}; retry "
            "later, or check it in the Microsoft 365 admin centre.",
        )
    return Wait(
        ctx.clock.now() + REPLICATION_WAIT, f"Waiting for Microsoft to finish creating the {what}"
    )


# ------------------------------------------------------------------------------ domain part


async def dns_subdomain(ctx: StepContext) -> Outcome:
    """The tenant's SBC subdomain in the provider's zone, pointing at the region's SBC."""
    name = ctx.plan.sbc_domain + "."
    by_type: dict[str, list[str]] = {"A": [], "AAAA": []}
    for address in ctx.plan.sbc_addresses:
        by_type["AAAA" if ipaddress.ip_address(address).version == 6 else "A"].append(address)
    created = []
    for rdtype, values in by_type.items():
        if not values:
            continue
        item = LedgerItem(
            "dns_records",
            f"{ctx.plan.sbc_domain}|{rdtype}",
            {"name": name, "type": rdtype, "values": values},
        )
        await ctx.intend(item)
        await ctx.zone.set_records(name, rdtype, values, ctx.plan.dns_ttl)
        created.append(item)
    return Done(tuple(created))


async def tenant_domain(ctx: StepContext) -> Outcome:
    """The subdomain registered as a domain of the customer's tenant (Graph ``POST /domains``)."""
    name = ctx.plan.sbc_domain
    item = LedgerItem("domain", name)
    if await ctx.graph.get_domain(name) is not None:
        return Done((item,)) if ctx.ledger.has("domain", name) else _not_ours("The domain", name)
    await ctx.intend(item)
    try:
        await ctx.graph.add_domain(name)
    except ServiceError as exc:
        if exc.kind != ErrorKind.CONFLICT:
            raise
    return Done((item,))


async def txt_record(ctx: StepContext) -> Outcome:
    """Microsoft's ``MS=ms…`` verification text, published in the provider's zone."""
    name = ctx.plan.sbc_domain
    domain = await ctx.graph.get_domain(name)
    if domain is None:
        return _replicating(ctx, "domain", ServiceError("graph", ErrorKind.NOT_FOUND, name))
    if domain.is_verified:
        return Done(note="The domain is verified already.")
    try:
        text = await ctx.graph.verification_txt(name)
    except ServiceError as exc:
        if exc.kind != ErrorKind.NOT_FOUND:
            raise
        return _replicating(ctx, "domain", exc)
    item = LedgerItem(
        "dns_records", f"{name}|TXT", {"name": name + ".", "type": "TXT", "values": [text]}
    )
    await ctx.intend(item)
    await ctx.zone.set_records(name + ".", "TXT", [text], ctx.plan.dns_ttl)
    return Done((item,))


async def dns_propagated(ctx: StepContext) -> Outcome:
    """Wait until every authoritative server answers the TXT record, so that no resolver
    Microsoft uses caches a negative answer when we ask it to verify."""
    name = ctx.plan.sbc_domain
    domain = await ctx.graph.get_domain(name)
    if domain is not None and domain.is_verified:
        return Done(note="The domain is verified already.")
    txt = next((i for i in ctx.ledger.items("dns_records") if i.key == f"{name}|TXT"), None)
    if txt is None:
        return Failed(
            "The verification record is missing from the ledger.",
            "Retry the integration; the record will be published again.",
        )
    expected = str(txt.data["values"][0])
    answers = await ctx.probe.everywhere(name + ".", "TXT")
    visible = [a for a in answers if expected in a.records]
    if answers and len(visible) == len(answers):
        return Done(note=f"The record is visible on all {len(answers)} name servers.")
    if ctx.elapsed() > DNS_GIVE_UP:
        return Failed(
            f"The TXT record is visible on {len(visible)} of {len(answers)} name "
            "servers after 48 hours.",
            "Ask the provider to check the zone's secondary name servers, then retry.",
        )
    return Wait(
        ctx.clock.now() + poll_interval(ctx.elapsed()),
        f"Waiting for DNS: the record is on {len(visible)} of {len(answers)} name servers",
    )


async def domain_verified(ctx: StepContext) -> Outcome:
    """Ask Microsoft to verify the domain (only once DNS has propagated everywhere)."""
    name = ctx.plan.sbc_domain
    domain = await ctx.graph.get_domain(name)
    if domain is not None and domain.is_verified:
        return Done(note="The domain is verified.")
    try:
        await ctx.graph.verify_domain(name)
    except ServiceError as exc:
        if exc.kind == ErrorKind.NOT_FOUND:
            return _replicating(ctx, "domain", exc)
        if exc.kind != ErrorKind.INVALID:
            raise
        if ctx.elapsed() > DNS_GIVE_UP:
            return Failed(
                exc.message,
                "Microsoft could not verify the domain for 48 hours. "
                "Check the TXT record in the provider's zone, then retry.",
            )
        # Microsoft's resolver may hold an older negative answer: wait it out, then ask again.
        negative_ttl = await ctx.probe.negative_ttl()
        return Wait(
            ctx.clock.now() + min(max(negative_ttl, 5), 900),
            "Microsoft cannot see the verification record yet; asking again shortly",
        )
    return Done(note="The domain is verified.")


def _password() -> str:
    alphabet = string.ascii_letters + string.digits + "!#%+-=?@^_~"
    body = "".join(secrets.choice(alphabet) for _ in range(28))
    return f"Aa1!{body}"


async def gateway_user(ctx: StepContext) -> Outcome:
    """``<brand>.teams@<sbc domain>``: the user that activates the domain for Direct Routing."""
    upn = _names(ctx).gateway_user(ctx.plan.sbc_domain)
    item = LedgerItem("user", upn)
    existing = await ctx.graph.find_user(upn)
    if existing is not None:
        if not ctx.ledger.has("user", upn):
            return _not_ours("The user", upn)
        return Done((LedgerItem("user", upn, {"id": existing.id}),))
    await ctx.intend(item)
    try:
        # Nobody signs in as this user; its password is random and never stored.
        created = await ctx.graph.create_user(
            upn, f"{ctx.plan.names_brand} Teams gateway", ctx.plan.usage_location, _password()
        )
    except ServiceError as exc:
        if exc.kind != ErrorKind.CONFLICT:
            raise
        return Done((item,))
    return Done((LedgerItem("user", upn, {"id": created.id}),))


async def gateway_licence(ctx: StepContext) -> Outcome:
    """A free licence carrying MCOSTANDARD for the gateway user (SPEC step 3.5)."""
    upn = _names(ctx).gateway_user(ctx.plan.sbc_domain)
    user = await ctx.graph.find_user(upn)
    if user is None:
        return _replicating(ctx, "gateway user", ServiceError("graph", ErrorKind.NOT_FOUND, upn))
    if MCOSTANDARD_PLAN in user.enabled_plan_ids:
        held = next(iter(sorted(user.sku_ids)), "")
        return Done((LedgerItem("licence", f"{upn}|{held}", {"user": upn, "sku": held}),))
    skus = [
        s
        for s in await ctx.graph.subscribed_skus()
        if MCOSTANDARD_PLAN in s.service_plan_ids and s.free > 0
    ]
    if not skus:
        return Failed(
            "No licence with Skype for Business Online (Plan 2) (MCOSTANDARD) is "
            "free in the tenant.",
            "Free or buy one licence that includes MCOSTANDARD (for example "
            "Skype for Business Online (Plan 2), Office 365 E1 or E3), then retry.",
        )
    # The smallest SKU that does the job: a standalone MCOSTANDARD before an E3.
    skus.sort(key=lambda s: (len(s.service_plan_ids), s.part_number))
    sku = skus[0]
    item = LedgerItem("licence", f"{upn}|{sku.sku_id}", {"user": upn, "sku": sku.sku_id})
    await ctx.intend(item)
    try:
        await ctx.graph.assign_licence(user.id, sku.sku_id)
    except ServiceError as exc:
        if exc.kind == ErrorKind.NOT_FOUND:
            return _replicating(ctx, "gateway user", exc)
        if exc.kind == ErrorKind.INVALID and "available licenses" in exc.message:
            # The last seat went between our read and our write: look again.
            return Wait(
                ctx.clock.now() + REPLICATION_WAIT,
                "The licence was just taken; looking for another",
            )
        raise
    return Done((item,))


# ------------------------------------------------------------------------------- voice part


async def dial_plan(ctx: StepContext) -> Outcome:
    """Tenant dial plan ``<brand>-E164`` with E.164 normalisation rules."""
    name = _names(ctx).e164
    want = DialPlan(
        name,
        f"{ctx.plan.names_brand}: normalise dialled numbers to E.164",
        e164_rules(ctx.plan.country_code),
    )
    item = LedgerItem("dial_plan", name)
    have = await ctx.teams.get_dial_plan(name)
    if have is not None and not ctx.ledger.has("dial_plan", name):
        return _not_ours("The dial plan", name)
    if have is None:
        await ctx.intend(item)
    if have != want:
        await ctx.teams.put_dial_plan(want, exists=have is not None)
    return Done((item,))


async def pstn_usage(ctx: StepContext) -> Outcome:
    """PSTN usage ``<brand>-E164`` added to the tenant-wide (Global) list; others kept."""
    name = _names(ctx).e164
    item = LedgerItem("pstn_usage", name)
    usages = await ctx.teams.usages()
    if name in usages:
        return (
            Done((item,))
            if ctx.ledger.has("pstn_usage", name)
            else _not_ours("The PSTN usage", name)
        )
    await ctx.intend(item)
    await ctx.teams.set_usages([*usages, name])
    return Done((item,))


async def routing_policy(ctx: StepContext) -> Outcome:
    """Voice routing policy ``<brand>-E164`` with our usage; the Global policy is untouched."""
    name = _names(ctx).e164
    want = RoutingPolicy(name, (name,), f"{ctx.plan.names_brand} Direct Routing")
    item = LedgerItem("routing_policy", name)
    have = await ctx.teams.get_policy(name)
    if have is not None and not ctx.ledger.has("routing_policy", name):
        return _not_ours("The voice routing policy", name)
    if have is None:
        await ctx.intend(item)
    if have != want:
        await ctx.teams.put_policy(want, exists=have is not None)
    return Done((item,))


async def pstn_gateway(ctx: StepContext) -> Outcome:
    """The PSTN gateway (enabled, SIP TLS port) once Microsoft accepts the domain."""
    fqdn = ctx.plan.sbc_domain
    want = Gateway(fqdn, ctx.plan.sip_port, True, ctx.plan.max_concurrent_sessions)
    item = LedgerItem("gateway", fqdn)
    have = await ctx.teams.get_gateway(fqdn)
    if have is not None and not ctx.ledger.has("gateway", fqdn):
        return _not_ours("The PSTN gateway", fqdn)
    if have is None:
        await ctx.intend(item)
    if have == want:
        return Done((item,))
    try:
        await ctx.teams.put_gateway(want, exists=have is not None)
    except ServiceError as exc:
        if exc.kind != ErrorKind.INVALID or "not configured for this tenant" not in exc.message:
            raise
        if ctx.elapsed() > ACTIVATION_GIVE_UP:
            return Failed(
                exc.message,
                "Microsoft has not activated the domain for Direct "
                "Routing after 48 hours. Check that the gateway user is "
                "licensed, then retry.",
            )
        return Wait(
            ctx.clock.now() + poll_interval(ctx.elapsed(), first=5.0, ceiling=600.0),
            "Waiting for Microsoft to activate the domain for Direct Routing (this can "
            "take up to 24 hours)",
        )
    return Done((item,))


async def voice_route(ctx: StepContext) -> Outcome:
    """Voice route ``<brand>-E164`` through our gateway using our usage."""
    name = _names(ctx).e164
    want = VoiceRoute(name, ROUTE_PATTERN, (ctx.plan.sbc_domain,), (name,))
    item = LedgerItem("voice_route", name)
    have = await ctx.teams.get_route(name)
    if have is not None and not ctx.ledger.has("voice_route", name):
        return _not_ours("The voice route", name)
    if have is None:
        await ctx.intend(item)
        await ctx.teams.put_route(want, exists=False)
    elif (have.number_pattern, have.gateways, have.usages) != (
        want.number_pattern,
        want.gateways,
        want.usages,
    ):
        await ctx.teams.put_route(want, exists=True)
    return Done((item,))


PROVISIONING: tuple[Step, ...] = (
    Step("dns_subdomain", (), dns_subdomain, "SBC subdomain in the provider's DNS"),
    Step("tenant_domain", (), tenant_domain, "Domain added to the tenant"),
    Step("txt_record", ("tenant_domain",), txt_record, "Verification record published"),
    Step(
        "dns_propagated",
        ("txt_record", "dns_subdomain"),
        dns_propagated,
        "DNS propagated to every name server",
    ),
    Step("domain_verified", ("dns_propagated",), domain_verified, "Domain verified"),
    Step("gateway_user", ("domain_verified",), gateway_user, "Gateway user created"),
    Step("gateway_licence", ("gateway_user",), gateway_licence, "Gateway user licensed"),
    Step("dial_plan", (), dial_plan, "Dial plan"),
    Step("pstn_usage", (), pstn_usage, "PSTN usage"),
    Step("routing_policy", ("pstn_usage",), routing_policy, "Voice routing policy"),
    Step("pstn_gateway", ("gateway_licence",), pstn_gateway, "PSTN gateway"),
    Step("voice_route", ("pstn_gateway", "pstn_usage"), voice_route, "Voice route"),
)
