"""``/domains``: add, read, verify by DNS, delete (research/graph-entra.md §3.3)."""

from __future__ import annotations

from sandbox.directory.errors import not_found
from sandbox.directory.model import Domain
from sandbox.dns.resolver import ResolutionError
from sandbox.graph import errors
from sandbox.graph.call import Call
from sandbox.graph.shapes import domain_json, service_records, user_json, verification_records
from sandbox.replies import Reply

_SETTABLE_SERVICES = {"Email", "OfficeCommunicationsOnline", "Yammer"}


def _domain(call: Call) -> Domain:
    name = call.params["domain"]
    domain = call.tenant.find_domain(name)
    if domain is None or not call.tenant.is_replicated(domain.created_at, call.now()):
        raise not_found(name)
    return domain


async def list_domains(call: Call) -> Reply:
    """Every domain of the tenant, verified or not."""
    now = call.now()
    value = [
        domain_json(d)
        for d in call.tenant.domains.values()
        if call.tenant.is_replicated(d.created_at, now)
    ]
    return Reply(body={"@odata.context": call.context("domains"), "value": value})


async def create_domain(call: Call) -> Reply:
    """Register a domain; only ``id`` may be given."""
    body = call.json_body()
    extra = sorted(set(body) - {"id"})
    if extra:
        raise errors.bad_request(
            f"Property '{extra[0]}' is read-only and cannot be set when creating a domain."
        )
    name = body.get("id")
    if not isinstance(name, str) or not name:
        raise errors.bad_request("A value is required for property 'id' of resource 'Domain'.")
    domain = call.tenant.add_domain(name, call.now())
    body_out = {"@odata.context": call.context("domains/$entity"), **domain_json(domain)}
    return Reply(201, body_out, {"Location": call.url(f"/domains/{domain.name}")})


async def get_domain(call: Call) -> Reply:
    """One domain."""
    return Reply(
        body={"@odata.context": call.context("domains/$entity"), **domain_json(_domain(call))}
    )


async def update_domain(call: Call) -> Reply:
    """PATCH ``supportedServices`` (Email, OfficeCommunicationsOnline, Yammer) or ``isDefault``."""
    domain = _domain(call)
    body = call.json_body()
    for key, value in body.items():
        if key == "supportedServices":
            if not isinstance(value, list) or not set(value) <= _SETTABLE_SERVICES:
                raise errors.bad_request(
                    "Invalid value specified for property 'supportedServices' of resource 'Domain'."
                )
            if value and not domain.is_verified:
                raise errors.bad_request("Services cannot be enabled on an unverified domain.")
            domain.supported_services = list(value)
        elif key == "isDefault":
            if value is not True or not domain.is_verified:
                raise errors.bad_request("Only a verified domain can be made the default.")
            for other in call.tenant.domains.values():
                other.is_default = other is domain
        else:
            raise errors.bad_request(f"Property '{key}' is read-only and cannot be set.")
    return Reply(204)


async def delete_domain(call: Call) -> Reply:
    """Delete a domain; refused while users still have UPNs on it."""
    _domain(call)
    call.tenant.delete_domain(call.params["domain"])
    return Reply(204)


async def list_verification_records(call: Call) -> Reply:
    """The records that prove ownership; empty once the domain is verified."""
    domain = _domain(call)
    value = [] if domain.is_verified else verification_records(domain)
    return Reply(
        body={
            "@odata.context": call.context(f"domains('{domain.name}')/verificationDnsRecords"),
            "value": value,
        }
    )


async def list_service_records(call: Call) -> Reply:
    """The DNS records its enabled services need (Graph domain-list-serviceconfigurationrecords)."""
    domain = _domain(call)
    return Reply(
        body={
            "@odata.context": call.context(f"domains('{domain.name}')/serviceConfigurationRecords"),
            "value": service_records(domain),
        }
    )


async def list_name_references(call: Call) -> Reply:
    """Objects that use the domain (users by UPN), which block its deletion."""
    domain = _domain(call)
    value = [
        {
            "@odata.type": "#microsoft.graph.user",
            **user_json(u, ("id", "userPrincipalName", "displayName")),
        }
        for u in call.tenant.users_on_domain(domain.name)
    ]
    return Reply(body={"@odata.context": call.context("directoryObjects"), "value": value})


async def verify_domain(call: Call) -> Reply:
    """Look the TXT (or MX) record up in DNS, through the caching resolver, and verify."""
    domain = _domain(call)
    if domain.is_verified:
        raise errors.bad_request("Domain is already verified.")
    if call.sb.directory.domain_claimed_elsewhere(domain.name, call.tenant.id):
        raise errors.bad_request(
            f"Domain verification failed with the following error: The domain '{domain.name}' "
            "is already verified in another organization."
        )
    expected_txt = f"MS={domain.verification_code}"
    expected_mx = f"{domain.verification_code}.msv1.invalid."
    try:
        txt = await call.sb.resolver.query(domain.name, "TXT")
        found = expected_txt in txt.records
        if not found:
            mx = await call.sb.resolver.query(domain.name, "MX")
            found = any(r.split()[-1].lower() == expected_mx for r in mx.records)
    except ResolutionError as exc:
        raise errors.bad_request(
            "Domain verification failed with the following error: The DNS lookup for "
            f"'{domain.name}' failed ({exc}). Try again later."
        ) from exc
    if not found:
        raise errors.bad_request(
            "Domain verification failed with the following error: No TXT record "
            f"'{expected_txt}' or MX record '{expected_mx}' was found for '{domain.name}'. DNS "
            "changes can take time to propagate; try again later."
        )
    domain.mark_verified(call.now())
    # Only this answer carries availabilityStatus (resources/domain.md; graph-entra.md §3.3).
    return Reply(
        body={
            "@odata.context": call.context("domains/$entity"),
            **domain_json(domain, "AvailableImmediately"),
        }
    )
