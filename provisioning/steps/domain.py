"""Domain provisioning (SPEC step 3, first half): the SBC subdomain in the provider's zone, the
domain in the tenant, its verification record, propagation everywhere, verification."""

from __future__ import annotations

import ipaddress

from i18n.text import N_, t
from provisioning.engine.contract import Done, Failed, LedgerItem, Outcome, Wait
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.steps.common import Ctx, not_ours, wait_or_give_up
from provisioning.steps.polling import DNS_GIVE_UP, REPLICATION_GIVE_UP, poll_interval

_DNS_HINT = N_(
    "This is on the provider's side: the provider must check that every name server of its "
    "zone serves the record, then retry."
)


def _replicating(ctx: Ctx) -> Outcome:
    """Graph answers 404 for a while after the domain is created (graph-entra.md §3.9)."""
    return wait_or_give_up(
        ctx,
        REPLICATION_GIVE_UP,
        t("Waiting for Microsoft to finish creating the domain"),
        t("Microsoft Graph still does not show the new domain after 30 minutes."),
        t("Retry later, or check the domain in the Microsoft 365 admin centre."),
        first=2.0,
        ceiling=60.0,
    )


async def dns_subdomain(ctx: Ctx) -> Outcome:
    """The tenant's SBC subdomain in the provider's zone, pointing at the region's SBC."""
    p = ctx.params
    name = p.sbc_domain + "."
    by_type: dict[str, list[str]] = {"A": [], "AAAA": []}
    for address in p.sbc_addresses:
        by_type["AAAA" if ipaddress.ip_address(address).version == 6 else "A"].append(address)
    created = []
    for rdtype, values in by_type.items():
        key = f"{p.sbc_domain}|{rdtype}"
        if not values:
            # A type the region no longer has: drop our old records of it.
            if ctx.ledger.has("dns_records", key):
                await ctx.ports.zone.delete_records(name, rdtype)
            continue
        item = LedgerItem("dns_records", key, {"name": name, "type": rdtype, "values": values})
        await ctx.intend(item)
        await ctx.ports.zone.set_records(name, rdtype, values, p.dns_ttl)
        created.append(item)
    return Done(tuple(created))


async def tenant_domain(ctx: Ctx) -> Outcome:
    """The subdomain registered as a domain of the customer's tenant (Graph ``POST /domains``)."""
    name = ctx.params.sbc_domain
    item = LedgerItem("domain", name)
    ours_before = ctx.ledger.has("domain", name)
    if not ours_before:
        await ctx.intend(item)
    try:
        await ctx.ports.domains.add(name)
    except ServiceError as exc:
        if exc.kind != ErrorKind.ALREADY_EXISTS:
            raise
        if not ours_before:
            await ctx.withdraw(item)
            return not_ours("domain", name)
        # An earlier attempt added it and lost the answer.
    return Done((item,))


async def txt_record(ctx: Ctx) -> Outcome:
    """Microsoft's ``MS=ms…`` verification text, published in the provider's zone."""
    name = ctx.params.sbc_domain
    try:
        text = await ctx.ports.domains.verification_txt(name)
    except ServiceError as exc:
        if exc.kind != ErrorKind.NOT_FOUND:
            raise
        # Microsoft offers no record for a domain it has verified already.
        domain = await ctx.ports.domains.get(name)
        if domain is not None and domain.is_verified:
            return Done(note=t("The domain is verified already."))
        return _replicating(ctx)
    item = LedgerItem(
        "dns_records", f"{name}|TXT", {"name": name + ".", "type": "TXT", "values": [text]}
    )
    await ctx.intend(item)
    await ctx.ports.zone.set_records(name + ".", "TXT", [text], ctx.params.dns_ttl)
    return Done((item,), outputs={"txt": text})


async def dns_propagated(ctx: Ctx) -> Outcome:
    """Wait until every authoritative server answers the TXT record, so that no resolver
    Microsoft uses caches a negative answer when we ask it to verify.

    A server that does not answer has simply not got the record yet: the wait goes on (and
    says which server is silent) until the 48-hour give-up.
    """
    name = ctx.params.sbc_domain
    expected = ctx.output("txt_record", "txt")
    if expected is None:
        txt = ctx.ledger.get("dns_records", f"{name}|TXT")
        expected = txt.data["values"][0] if txt else None
    if expected is None:
        return Failed(
            t("The verification record is missing from the ledger."),
            t("Retry the integration; the record will be published again."),
        )
    answers = await ctx.ports.probe.everywhere(name + ".", "TXT")
    visible = [a for a in answers if expected in a.records]
    if answers and len(visible) == len(answers):
        return Done(
            note=t("The record is visible on all {total} name servers.", total=len(answers))
        )
    # The servers' names and what they did (data); each text stays one template, so the bot
    # can recognise it later.
    silent = ", ".join(f"{a.server} {a.silent}" for a in answers if a.silent)
    seen, total = len(visible), len(answers)
    if silent:
        reason = t(
            "Waiting for DNS: the record is on {seen} of {total} name servers; no answer yet "
            "from {silent}",
            seen=seen,
            total=total,
            silent=silent,
        )
        failure = t(
            "The TXT record is visible on {seen} of {total} of the provider's name servers "
            "after 48 hours. Not answering: {silent}.",
            seen=seen,
            total=total,
            silent=silent,
        )
    else:
        reason = t(
            "Waiting for DNS: the record is on {seen} of {total} name servers",
            seen=seen,
            total=total,
        )
        failure = t(
            "The TXT record is visible on {seen} of {total} of the provider's name servers "
            "after 48 hours.",
            seen=seen,
            total=total,
        )
    if ctx.elapsed() > DNS_GIVE_UP:
        return Failed(failure, t(_DNS_HINT))
    return Wait(ctx.clock.now() + poll_interval(ctx.elapsed(), 1.0, 300.0), reason)


async def domain_verified(ctx: Ctx) -> Outcome:
    """Ask Microsoft to verify the domain (only once DNS has propagated everywhere)."""
    name = ctx.params.sbc_domain
    try:
        await ctx.ports.domains.verify(name)
    except ServiceError as exc:
        if exc.kind == ErrorKind.NOT_FOUND:
            return _replicating(ctx)
        if exc.kind != ErrorKind.INVALID:
            raise
        if ctx.elapsed() > DNS_GIVE_UP:
            return Failed(
                exc.message,
                t(
                    "Microsoft could not verify the domain for 48 hours although the provider's "
                    "name servers serve the record. Check the domain in the Microsoft 365 admin "
                    "centre, then retry."
                ),
            )
        # Microsoft's resolver may hold an older negative answer: wait it out, then ask again.
        negative_ttl = await ctx.ports.probe.negative_ttl()
        return Wait(
            ctx.clock.now() + min(max(negative_ttl, 5), 900),
            t("Microsoft cannot see the verification record yet; asking again shortly"),
        )
    return Done(note=t("The domain is verified."))
