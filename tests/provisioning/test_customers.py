"""The provider's view of its customers, on the fakes: each tenant's state in words, its last
run, what it waits for or why it failed, filters and pages, finding one, and one tenant's status
with its audit history, newest first and paged; the same as plain text for the command line."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from provisioning.customers import customer_report, customers_table
from provisioning.integrations import Integrations, RunKind
from provisioning.microsoft.errors import ErrorKind
from provisioning.settings import ProvisioningSettings
from storage.audit import AuditLog
from tests.support.fake_engine import FakeEngine

PROVIDER = "7f3c2a10-5b4e-4d6f-9a8b-1c2d3e4f5a6b"


def _other(fx: FakeEngine, n: int, name: str = "") -> str:
    """Another customer that signed in and did nothing more."""
    tenant_id = f"00000000-0000-4000-8000-{n:012d}"
    fx.tenants.upsert(tenant_id, name or f"Tenant {n:02d}", f"t{n:02d}.onmicrosoft.com", 1.0)
    return tenant_id


async def _integrated(fx: FakeEngine, api: Integrations) -> str:
    run_id = await api.start(fx.params.tenant_id, RunKind.PROVISION, "admin@contoso")
    await fx.runner().drain()
    return run_id


async def test_a_customer_that_only_signed_in_is_new(fx: FakeEngine) -> None:
    api = fx.integrations()
    (contoso,) = (await api.customers()).customers
    assert (contoso.name, contoso.initial_domain) == ("Contoso", "contoso.onmicrosoft.com")
    assert (contoso.state, contoso.state_text) == ("new", "Signed in, not connected yet")
    assert contoso.last_run is None


async def test_an_integrated_customer_is_connected_with_its_last_run(fx: FakeEngine) -> None:
    api = fx.integrations()
    run_id = await _integrated(fx, api)
    (contoso,) = (await api.customers()).customers
    assert contoso.state == "connected"
    assert contoso.state_text == f"Connected ({fx.params.sbc_domain})"
    assert contoso.last_run is not None
    assert (contoso.last_run.run_id, contoso.last_run.words) == (run_id, "Integration succeeded")
    assert contoso.attention == ""


async def test_a_customer_waiting_for_dns_says_what_it_waits_for(fx: FakeEngine) -> None:
    fx.dns.lag = 600
    api = fx.integrations()
    await _integrated(fx, api)
    (contoso,) = (await api.customers()).customers
    reason = "Waiting for DNS: the record is on 1 of 3 name servers"
    assert contoso.state == "waiting"
    assert contoso.waiting == (reason,)
    assert contoso.state_text == f"Integration waiting: {reason}"
    assert contoso.attention == reason


async def test_a_failed_integration_names_the_step_microsofts_words_and_the_hint(
    fx: FakeEngine,
) -> None:
    fx.microsoft.fail("create_DialPlan", ErrorKind.DENIED)
    api = fx.integrations()
    await _integrated(fx, api)
    (contoso,) = (await api.customers()).customers
    assert contoso.state == "failed"
    assert contoso.state_text.startswith("Integration failed at: ")
    assert contoso.failed_step in contoso.state_text
    assert contoso.error
    assert contoso.hint
    assert contoso.attention == f"{contoso.failed_step}: {contoso.error} ({contoso.hint})"


async def test_a_removed_customer_is_disconnected(fx: FakeEngine) -> None:
    api = fx.integrations()
    await _integrated(fx, api)
    await api.start(fx.params.tenant_id, RunKind.REMOVE, "admin@contoso")
    await fx.runner().drain()
    (contoso,) = (await api.customers()).customers
    assert contoso.state == "disconnected"
    assert contoso.last_run is not None
    assert contoso.last_run.words == "Removal succeeded"


async def test_a_filter_lists_only_customers_in_that_state_and_counts_them_all(
    fx: FakeEngine,
) -> None:
    fx.microsoft.fail("create_DialPlan", ErrorKind.DENIED)
    api = fx.integrations()
    await _integrated(fx, api)
    for n in range(2, 5):
        _other(fx, n)
    failed = await api.customers("failed")
    assert [c.name for c in failed.customers] == ["Contoso"]
    assert failed.counts == {"failed": 1, "new": 3}


async def test_an_unknown_filter_is_refused(fx: FakeEngine) -> None:
    with pytest.raises(ValueError, match="not one of"):
        await fx.integrations().customers("happy")


async def test_customers_come_by_name_twenty_a_page(fx: FakeEngine) -> None:
    api = fx.integrations()
    for n in range(2, 27):
        _other(fx, n)
    first = await api.customers()
    second = await api.customers(offset=20)
    assert (len(first.customers), first.total, first.has_next) == (20, 26, True)
    assert [c.name for c in first.customers][:2] == ["Contoso", "Tenant 02"]
    assert (len(second.customers), second.has_next) == (6, False)


async def test_a_customer_is_found_by_the_first_label_of_its_domain(fx: FakeEngine) -> None:
    api = fx.integrations()
    _other(fx, 2)
    assert [c.name for c in await api.find_customers("CONTOSO")] == ["Contoso"]


async def test_a_customer_is_found_by_its_tenant_id(fx: FakeEngine) -> None:
    api = fx.integrations()
    other = _other(fx, 2)
    assert [c.tenant_id for c in await api.find_customers(other)] == [other]


async def test_part_of_a_name_finds_every_customer_it_is_in(fx: FakeEngine) -> None:
    api = fx.integrations()
    _other(fx, 2, "Fabrikam Retail")
    _other(fx, 3, "Fabrikam Logistics")
    found = await api.find_customers("fabrikam")
    assert [c.name for c in found] == ["Fabrikam Logistics", "Fabrikam Retail"]


async def test_one_customer_has_its_audit_history_newest_first(fx: FakeEngine) -> None:
    fx.microsoft.fail("create_DialPlan", ErrorKind.DENIED)
    api = fx.integrations()
    run_id = await _integrated(fx, api)
    await api.retry(run_id, "ops@contoso")
    details = await api.customer(fx.params.tenant_id)
    assert details is not None
    assert [(e.actor, e.text) for e in details.audit] == [
        ("ops@contoso", "Retried the integration"),
        ("admin@contoso", f"Asked for the integration ({fx.params.sbc_domain})"),
    ]


async def test_the_audit_history_is_paged(fx: FakeEngine) -> None:
    api = fx.integrations()
    log = AuditLog(fx.store.engine)
    for n in range(5):
        log.record(
            fx.params.tenant_id, f"admin{n}@contoso", "sign_in_completed", n, purpose="graph"
        )
    details = await api.customer(fx.params.tenant_id, audit_offset=2, audit_limit=2)
    assert details is not None
    assert [e.actor for e in details.audit] == ["admin2@contoso", "admin1@contoso"]
    assert (details.audit_total, details.audit_has_next) == (5, True)


async def test_an_unknown_tenant_has_no_details(fx: FakeEngine) -> None:
    assert await fx.integrations().customer("00000000-0000-4000-8000-999999999999") is None


def test_without_a_provider_tenant_nobody_is_the_provider(fx: FakeEngine) -> None:
    api = fx.integrations()
    assert not api.is_provider(fx.params.tenant_id)
    assert not api.is_provider("")


def test_the_provider_tenant_is_recognised_whatever_its_case(fx: FakeEngine) -> None:
    api = fx.integrations(PROVIDER_TENANT_ID=PROVIDER.upper())
    assert api.is_provider(PROVIDER)
    assert not api.is_provider(fx.params.tenant_id)


async def test_the_providers_own_tenant_is_not_among_its_customers(fx: FakeEngine) -> None:
    api = fx.integrations(PROVIDER_TENANT_ID=PROVIDER)
    fx.tenants.upsert(PROVIDER, "Provider", "provider.onmicrosoft.com", 1.0)
    assert [c.name for c in (await api.customers()).customers] == ["Contoso"]
    assert await api.find_customers("provider") == []


def test_a_provider_tenant_that_is_not_a_tenant_id_is_refused() -> None:
    with pytest.raises(ValidationError, match="PROVIDER_TENANT_ID"):
        ProvisioningSettings.model_validate({"PROVIDER_TENANT_ID": "provider.onmicrosoft.com"})


async def test_the_table_has_a_line_per_customer_under_its_header(fx: FakeEngine) -> None:
    fx.dns.lag = 600
    api = fx.integrations()
    await _integrated(fx, api)
    _other(fx, 2)
    header, contoso, other = customers_table((await api.customers()).customers)
    assert header.split() == [
        "TENANT", "NAME", "INITIAL", "DOMAIN", "STATE", "LAST", "RUN", "WAITING", "/", "FAILED"
    ]  # fmt: skip
    assert contoso.startswith(fx.params.tenant_id)
    assert "waiting" in contoso
    assert contoso.endswith("Waiting for DNS: the record is on 1 of 3 name servers")
    assert "Tenant 02" in other


def test_an_empty_table_says_how_customers_arrive() -> None:
    assert customers_table([]) == [
        "No customer tenants yet: a customer's admin signs in through the bot first."
    ]


async def test_the_report_shows_the_status_then_the_audit_history(fx: FakeEngine) -> None:
    api = fx.integrations()
    await _integrated(fx, api)
    details = await api.customer(fx.params.tenant_id)
    assert details is not None
    text = "\n".join(customer_report(details))
    assert text.startswith("Contoso\n")
    assert f"Connected ({fx.params.sbc_domain})" in text
    assert "Audit history, newest first (1–1 of 1):" in text
    assert text.endswith(f"admin@contoso  Asked for the integration ({fx.params.sbc_domain})")
