"""``/domains``: add, read, update, delete (research/graph-entra.md §3.3)."""

from __future__ import annotations

import uuid

from tests.support.harness import Graph, Harness, SeededTenant


def _name() -> str:
    return f"c{uuid.uuid4().hex[:8]}.gbr-lon.provider.test"


def test_add_domain_returns_201_unverified(admin_graph: Graph) -> None:
    """§3.3: ``POST /domains {"id": ...}`` → 201, unverified, managed, not (yet) root."""
    name = _name()
    response = admin_graph.post("/domains", json={"id": name})
    assert response.status_code == 201, response.text
    domain = response.json()
    assert domain["id"] == name
    assert domain["isVerified"] is False
    assert domain["authenticationType"] == "Managed"
    assert domain["isRoot"] is False
    assert domain["availabilityStatus"] is None
    assert domain["isInitial"] is False
    assert admin_graph.get(f"/domains/{name}").json()["id"] == name
    assert name in {d["id"] for d in admin_graph.get("/domains").json()["value"]}


def test_add_domain_accepts_only_the_id(admin_graph: Graph) -> None:
    """§3.3: only ``id`` may be given when adding a domain."""
    response = admin_graph.post("/domains", json={"id": _name(), "isDefault": True})
    assert response.status_code == 400


def test_add_domain_refuses_a_duplicate_as_an_object_conflict_on_id(admin_graph: Graph) -> None:
    """F10: a second ``POST /domains`` answers as a recorded Graph response does: 400
    ``Request_BadRequest``, "Another object with the same value for property id already
    exists.", ``details: [{code: ObjectConflict, target: id}]``."""
    name = _name()
    admin_graph.post("/domains", json={"id": name})
    response = admin_graph.post("/domains", json={"id": name})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "Request_BadRequest"
    assert error["message"] == "Another object with the same value for property id already exists."
    assert [(d["code"], d["target"]) for d in error["details"]] == [("ObjectConflict", "id")]


def test_add_domain_refuses_onmicrosoft_and_malformed_names(admin_graph: Graph) -> None:
    """§3.3: ``*.onmicrosoft.com`` is Microsoft's; names must be valid DNS names."""
    assert admin_graph.post("/domains", json={"id": "x.onmicrosoft.com"}).status_code == 400
    assert admin_graph.post("/domains", json={"id": "bad_label.example"}).status_code == 400
    assert admin_graph.post("/domains", json={"id": "a" * 64 + ".example"}).status_code == 400


def test_verification_records_carry_the_txt_text_with_fqdn_label(admin_graph: Graph) -> None:
    """§3.3: ``domainDnsTxtRecord`` with ``label`` = the FQDN, ``text`` = ``MS=ms########``."""
    name = _name()
    admin_graph.post("/domains", json={"id": name})
    records = admin_graph.get(f"/domains/{name}/verificationDnsRecords").json()["value"]
    txt = next(r for r in records if r["recordType"] == "Txt")
    assert txt["@odata.type"] == "#microsoft.graph.domainDnsTxtRecord"
    assert txt["label"] == name
    assert txt["text"].startswith("MS=ms")
    assert len(txt["text"]) == len("MS=ms12345678")
    assert txt["ttl"] == 3600
    mx = next(r for r in records if r["recordType"] == "Mx")
    assert mx["mailExchange"].endswith(".msv1.invalid")
    assert mx["preference"] == 32767


def test_delete_domain_answers_204(admin_graph: Graph) -> None:
    """§3.3: ``DELETE /domains/{fqdn}`` → 204; the domain is gone."""
    name = _name()
    admin_graph.post("/domains", json={"id": name})
    assert admin_graph.delete(f"/domains/{name}").status_code == 204
    response = admin_graph.get(f"/domains/{name}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "Request_ResourceNotFound"


def test_the_initial_domain_cannot_be_deleted(admin_graph: Graph, tenant: SeededTenant) -> None:
    """§3.3: The ``*.onmicrosoft.com`` domain stays."""
    assert admin_graph.delete(f"/domains/{tenant.domain}").status_code == 400


def test_domain_writes_need_a_domain_role(sb: Harness, tenant: SeededTenant) -> None:
    """§3.3: delegated callers need Domain Name Administrator (or Global Administrator)."""
    user = sb.state(tenant)["users"][-1]["userPrincipalName"]
    sb.control.patch(f"/tenants/{tenant.id}/users/{user}", json={"roles": ["Teams Administrator"]})
    sb.control.post(
        f"/tenants/{tenant.id}/consents",
        json={
            "client_id": "0b7c4a3e-1d2f-4e5a-9b8c-7d6e5f4a3b2c",
            "scopes": ["https://graph.microsoft.com/Domain.ReadWrite.All"],
        },
    )
    graph = sb.graph(tenant, user, ["https://graph.microsoft.com/Domain.ReadWrite.All"])
    response = graph.post("/domains", json={"id": _name()})
    assert response.status_code == 403
    assert (
        response.json()["error"]["message"] == "Insufficient privileges to complete the operation."
    )
    sb.control.patch(
        f"/tenants/{tenant.id}/users/{user}", json={"roles": ["Domain Name Administrator"]}
    )
    assert graph.post("/domains", json={"id": _name()}).status_code == 201


def test_domain_writes_need_the_scope(sb: Harness, tenant: SeededTenant) -> None:
    """§3.3: Without ``Domain.ReadWrite.All`` even a Global Administrator is refused."""
    graph = sb.graph(tenant, scopes=["https://graph.microsoft.com/Directory.Read.All"])
    assert graph.post("/domains", json={"id": _name()}).status_code == 403
    assert graph.get("/domains").status_code == 200


def test_patch_domain_sets_supported_services_once_verified(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """§3.3: only ``Email, OfficeCommunicationsOnline, Yammer`` are settable."""
    name = _name()
    admin_graph.post("/domains", json={"id": name})
    refused = admin_graph.patch(
        f"/domains/{name}", json={"supportedServices": ["OfficeCommunicationsOnline"]}
    )
    assert refused.status_code == 400
    bad = admin_graph.patch(f"/domains/{tenant.domain}", json={"supportedServices": ["Intune"]})
    assert bad.status_code == 400


def test_service_configuration_records_follow_the_enabled_services(
    admin_graph: Graph, tenant: SeededTenant
) -> None:
    """F15, domain-list-serviceconfigurationrecords: the records Email and
    OfficeCommunicationsOnline need (as Get-AzureADDomainServiceConfigurationRecord lists them)."""
    body = admin_graph.get(f"/domains/{tenant.domain}/serviceConfigurationRecords").json()
    records = {(r["recordType"], r["label"]): r for r in body["value"]}
    assert set(records) == {
        ("Mx", tenant.domain),
        ("Txt", tenant.domain),
        ("CName", f"autodiscover.{tenant.domain}"),
        ("Srv", f"_sip._tls.{tenant.domain}"),
        ("CName", f"sip.{tenant.domain}"),
        ("CName", f"lyncdiscover.{tenant.domain}"),
        ("Srv", f"_sipfederationtls._tcp.{tenant.domain}"),
    }
    mx = records[("Mx", tenant.domain)]
    assert mx["@odata.type"] == "#microsoft.graph.domainDnsMxRecord"
    assert mx["mailExchange"] == tenant.domain.replace(".", "-") + ".mail.protection.outlook.com"
    federation = records[("Srv", f"_sipfederationtls._tcp.{tenant.domain}")]
    assert (federation["nameTarget"], federation["port"], federation["service"]) == (
        "sipfed.online.lync.com",
        5061,
        "_sipfederationtls",
    )
    assert all(r["ttl"] == 3600 and r["isOptional"] is False for r in body["value"])


def test_a_domain_without_services_needs_no_service_records(admin_graph: Graph) -> None:
    """F15: a new domain has no supportedServices, so no records are asked for."""
    name = _name()
    admin_graph.post("/domains", json={"id": name})
    assert admin_graph.get(f"/domains/{name}/serviceConfigurationRecords").json()["value"] == []
