"""Domain verification by a real DNS lookup through a negative-caching resolver (§3.3, §4).

The provider zone is served by a real Knot DNS server; records are published with RFC 2136
updates signed with TSIG, as the product will publish them.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.support.harness import Graph, Harness, SeededTenant, user_body
from tests.support.knot import KnotServer, running_knot
from tests.support.provider_dns import ProviderDns


def _add(graph: Graph, zone: str) -> tuple[str, str]:
    label = f"c{uuid.uuid4().hex[:8]}.gbr-lon"
    name = f"{label}.{zone}"
    assert graph.post("/domains", json={"id": name}).status_code == 201
    records = graph.get(f"/domains/{name}/verificationDnsRecords").json()["value"]
    text = next(r["text"] for r in records if r["recordType"] == "Txt")
    return name, text


def test_verify_succeeds_when_the_txt_record_is_published(
    admin_graph: Graph, provider_zone: KnotServer
) -> None:
    """§3.3: ``POST /domains/{fqdn}/verify`` → 200 with ``isVerified: true``."""
    name, text = _add(admin_graph, provider_zone.zone)
    provider_zone.set_txt(name + ".", text)
    response = admin_graph.post(f"/domains/{name}/verify")
    assert response.status_code == 200, response.text
    assert response.json()["isVerified"] is True
    assert response.json()["availabilityStatus"] == "AvailableImmediately"
    assert admin_graph.get(f"/domains/{name}/verificationDnsRecords").json()["value"] == []


def test_availability_status_is_null_outside_the_verify_answer(
    admin_graph: Graph, provider_zone: KnotServer
) -> None:
    """F15, resources/domain.md: availabilityStatus "is always null except when the verify
    action is used"."""
    name, text = _add(admin_graph, provider_zone.zone)
    provider_zone.set_txt(name + ".", text)
    admin_graph.post(f"/domains/{name}/verify")
    assert admin_graph.get(f"/domains/{name}").json()["availabilityStatus"] is None


def test_a_verified_root_domain_is_root(admin_graph: Graph, provider_zone: KnotServer) -> None:
    """F15, resources/domain.md: isRoot is true for a verified domain with no parent here."""
    name, text = _add(admin_graph, provider_zone.zone)
    provider_zone.set_txt(name + ".", text)
    admin_graph.post(f"/domains/{name}/verify")
    assert admin_graph.get(f"/domains/{name}").json()["isRoot"] is True


def test_a_subdomain_of_a_registered_domain_is_not_root(
    admin_graph: Graph, provider_zone: KnotServer
) -> None:
    """F15, resources/domain.md: isRoot is "false if the domain is a subdomain"."""
    name, text = _add(admin_graph, provider_zone.zone)
    provider_zone.set_txt(name + ".", text)
    admin_graph.post(f"/domains/{name}/verify")
    sub = admin_graph.post("/domains", json={"id": f"sbc.{name}"}).json()
    assert sub["isVerified"] is True
    assert sub["isRoot"] is False


def test_verify_fails_while_the_record_is_missing(
    admin_graph: Graph, provider_zone: KnotServer
) -> None:
    """§3.3, §4: verify fails until Microsoft can see the TXT record."""
    name, text = _add(admin_graph, provider_zone.zone)
    response = admin_graph.post(f"/domains/{name}/verify")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "Request_BadRequest"
    assert error["message"].startswith("Domain verification failed with the following error:")
    assert text in error["message"]
    assert admin_graph.get(f"/domains/{name}").json()["isVerified"] is False


def test_wrong_txt_text_does_not_verify(admin_graph: Graph, provider_zone: KnotServer) -> None:
    """§3.3: Only the exact ``MS=ms########`` value counts."""
    name, _ = _add(admin_graph, provider_zone.zone)
    provider_zone.set_txt(name + ".", "MS=ms00000000")
    assert admin_graph.post(f"/domains/{name}/verify").status_code == 400


def test_mx_record_also_proves_ownership(admin_graph: Graph, provider_zone: KnotServer) -> None:
    """§3.3: the MX alternative (``msNNNNNNNN.msv1.invalid``, preference 32767)."""
    name, text = _add(admin_graph, provider_zone.zone)
    code = text.removeprefix("MS=")
    provider_zone.update(lambda u: u.replace(name + ".", 300, "MX", f"32767 {code}.msv1.invalid."))
    assert admin_graph.post(f"/domains/{name}/verify").status_code == 200


def test_verifying_twice_is_refused(admin_graph: Graph, provider_zone: KnotServer) -> None:
    """§3.3: "Domain is already verified." on a repeat."""
    name, text = _add(admin_graph, provider_zone.zone)
    provider_zone.set_txt(name + ".", text)
    admin_graph.post(f"/domains/{name}/verify")
    response = admin_graph.post(f"/domains/{name}/verify")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Domain is already verified."


def test_a_domain_verified_in_another_tenant_cannot_be_verified_here(
    sb: Harness, provider_zone: KnotServer
) -> None:
    """§3.3: A domain belongs to one tenant at a time."""
    first, second = sb.make_tenant(), sb.make_tenant()
    g1, g2 = sb.graph(first), sb.graph(second)
    name, text = _add(g1, provider_zone.zone)
    provider_zone.set_txt(name + ".", text)
    assert g1.post(f"/domains/{name}/verify").status_code == 200
    assert g2.post("/domains", json={"id": name}).status_code == 201
    response = g2.post(f"/domains/{name}/verify")
    assert response.status_code == 400
    assert "already verified in another organization" in response.json()["error"]["message"]


def test_verified_domain_takes_users_and_cannot_be_deleted_while_they_exist(
    admin_graph: Graph, provider_zone: KnotServer
) -> None:
    """§3.3–3.4: users on the domain block its deletion; removing them for good unblocks it."""
    name, text = _add(admin_graph, provider_zone.zone)
    unverified_user = admin_graph.post(
        "/users",
        json=user_body(f"gw@{name}"),
    )
    assert unverified_user.status_code == 400
    provider_zone.set_txt(name + ".", text)
    admin_graph.post(f"/domains/{name}/verify")
    user = admin_graph.post(
        "/users",
        json=user_body(f"gw@{name}"),
    )
    assert user.status_code == 201, user.text
    refs = admin_graph.get(f"/domains/{name}/domainNameReferences").json()["value"]
    assert [r["userPrincipalName"] for r in refs] == [f"gw@{name}"]
    blocked = admin_graph.delete(f"/domains/{name}")
    assert blocked.status_code == 400
    assert "referenced by one or more objects" in blocked.json()["error"]["message"]
    admin_graph.delete(f"/users/{user.json()['id']}")
    admin_graph.delete(f"/directory/deletedItems/{user.json()['id']}")
    assert admin_graph.delete(f"/domains/{name}").status_code == 204


def test_a_user_in_the_recycle_bin_still_blocks_deleting_its_domain(
    admin_graph: Graph, provider_zone: KnotServer
) -> None:
    """F6 (domain-delete: dependent objects block it): a soft-deleted user keeps its UPN."""
    name, text = _add(admin_graph, provider_zone.zone)
    provider_zone.set_txt(name + ".", text)
    admin_graph.post(f"/domains/{name}/verify")
    user = admin_graph.post("/users", json=user_body(f"gw@{name}")).json()
    assert admin_graph.delete(f"/users/{user['id']}").status_code == 204
    blocked = admin_graph.delete(f"/domains/{name}")
    assert blocked.status_code == 400
    assert "referenced by one or more objects" in blocked.json()["error"]["message"]
    assert admin_graph.get(f"/domains/{name}").status_code == 200


def test_an_unreachable_nameserver_fails_verification_with_a_retry_hint(
    sb: Harness, tenant: SeededTenant, admin_graph: Graph
) -> None:
    """§3.3: A DNS failure (not an answer) is reported as such, and can be retried."""
    sb.control.put("/dns/delegations", json={"zone": "dead.test", "servers": ["127.0.0.1:9"]})
    name = f"c{uuid.uuid4().hex[:8]}.dead.test"
    admin_graph.post("/domains", json={"id": name})
    response = admin_graph.post(f"/domains/{name}/verify")
    assert response.status_code == 400
    assert "DNS lookup" in response.json()["error"]["message"]
    assert "Try again later" in response.json()["error"]["message"]


def test_a_negative_answer_is_cached_for_the_soa_minimum(
    private_sandbox: Harness, tmp_path: Path
) -> None:
    """§4 and RFC 2308: verifying before publishing keeps failing until the negative TTL ends.

    The zone's SOA has TTL 3600 and MINIMUM 300, so the resolver keeps NXDOMAIN for 300 s.
    """
    sb = private_sandbox
    with running_knot(
        tmp_path / "knot", zone="carrier.test", soa_ttl=3600, soa_minimum=300
    ) as knot:
        sb.control.put("/dns/delegations", json={"zone": knot.zone, "servers": [knot.address]})
        tenant: SeededTenant = sb.make_tenant()
        graph = sb.graph(tenant)
        name, text = _add(graph, knot.zone)
        assert graph.post(f"/domains/{name}/verify").status_code == 400
        knot.set_txt(name + ".", text)
        assert graph.post(f"/domains/{name}/verify").status_code == 400
        sb.advance_clock(290)
        assert graph.post(f"/domains/{name}/verify").status_code == 400
        sb.advance_clock(11)
        assert graph.post(f"/domains/{name}/verify").status_code == 200


def test_verification_asks_a_random_server_of_the_provider_zone(private_sandbox: Harness) -> None:
    """§4: verify looks the TXT up at one of the zone's authoritative servers, chosen at random,
    through the negative-caching resolver. With the record only on the primary (secondaries
    lagging by 200 s) some verifications succeed and some fail; every failure is then cached
    for the SOA minimum (300 s), so retries keep failing after every server has the record.
    """
    sb = private_sandbox
    sb.control.patch("/knobs", json={"dns_propagation_seconds": 200})
    zone = ProviderDns(sb.endpoints)
    tenant = sb.make_tenant()
    graph = sb.graph(tenant)
    outcomes: dict[str, int] = {}
    for _ in range(30):
        name, text = _add(graph, sb.endpoints.zone)
        zone.set_txt(name + ".", text)
        outcomes[name] = graph.post(f"/domains/{name}/verify").status_code
    failed = [n for n, status in outcomes.items() if status == 400]
    assert 0 < len(failed) < 30
    assert all(graph.post(f"/domains/{n}/verify").status_code == 400 for n in failed)
    sb.advance_clock(250)  # every server has the record, the resolver still remembers NXDOMAIN
    assert all(graph.post(f"/domains/{n}/verify").status_code == 400 for n in failed)
    sb.advance_clock(51)  # the negative TTL is over
    assert all(graph.post(f"/domains/{n}/verify").status_code == 200 for n in failed)
