"""The two sign-ins through real msal against the sandbox's Entra ID: into the conversation's
tenant only, the Teams admin one after the first, single-use, audited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from provisioning.identity.flows import SignInBinding
from provisioning.identity.scopes import Purpose
from provisioning.identity.sign_in import SignInError
from tests.support.harness import Harness, SeededTenant
from tests.support.product import Product, sign_in_page


@pytest.fixture
def product(sb: Harness, tmp_path: Path) -> Iterator[Product]:
    """The product wired to the shared sandbox."""
    installed = Product.create(sb, f"sqlite:///{tmp_path / 'bot.db'}")
    yield installed
    installed.close()


def _browse(sb: Harness, auth_uri: str, upn: str) -> dict[str, str]:
    with httpx.Client(verify=sb.endpoints.ssl_context(), follow_redirects=False) as browser:
        return sign_in_page(browser, auth_uri, upn)


def _actions(product: Product, tenant_id: str | None) -> list[str]:
    return [e.action for e in product.runtime.audit.of_tenant(tenant_id or "")]


def test_the_first_sign_in_stores_the_graph_credential_and_is_audited(
    sb: Harness, product: Product
) -> None:
    """Step 1: the tenant's Graph token cache is in the vault; the audit trail says who."""
    tenant = sb.make_tenant(users=2)
    signed = product.sign_in(tenant, Purpose.GRAPH)
    assert signed.tenant_id == tenant.id
    assert product.runtime.vault.purposes(tenant.id) == ["graph"]
    event = product.runtime.audit.of_tenant(tenant.id)[0]
    assert (event.action, event.actor) == ("sign_in_completed", tenant.admin)


def test_a_sign_in_into_another_tenant_than_the_conversation_s_is_refused(
    sb: Harness, product: Product
) -> None:
    """Started from tenant A's chat, signed in with tenant B's admin: nothing is stored."""
    a, b = sb.make_tenant(users=2), sb.make_tenant(users=2)
    started = product.runtime.sign_in.begin(
        SignInBinding(Purpose.GRAPH.value, tenant_id=a.id), login_hint=None
    )
    # The admin changes the authority to B's by hand: the binding still says A.
    auth_uri = started.auth_uri.replace(a.id, b.id)
    params = _browse(sb, auth_uri, b.admin)
    with pytest.raises(SignInError, match="another organization"):
        product.runtime.sign_in.complete(params)
    assert product.runtime.vault.purposes(b.id) == []
    assert "sign_in_refused" in _actions(product, a.id)


def test_the_teams_admin_sign_in_needs_the_first_one(sb: Harness, product: Product) -> None:
    """Step 3 before step 1 is refused with what to do."""
    tenant: SeededTenant = sb.make_tenant(users=2)
    with pytest.raises(SignInError, match="Start with step 1"):
        product.sign_in(tenant, Purpose.TEAMS_ADMIN)
    assert product.runtime.vault.purposes(tenant.id) == []


def test_a_callback_replayed_is_refused(sb: Harness, product: Product) -> None:
    """The state is single-use: the same answer twice stores nothing the second time."""
    tenant = sb.make_tenant(users=2)
    started = product.runtime.sign_in.begin(SignInBinding(Purpose.GRAPH.value, tenant_id=tenant.id))
    params = _browse(sb, started.auth_uri, tenant.admin)
    product.runtime.sign_in.complete(params)
    with pytest.raises(SignInError, match="used already"):
        product.runtime.sign_in.complete(params)


def test_a_cancelled_sign_in_says_so(sb: Harness, product: Product) -> None:
    """Entra's error comes back to the callback: refused with its words, audited."""
    tenant = sb.make_tenant(users=2)
    started = product.runtime.sign_in.begin(SignInBinding(Purpose.GRAPH.value, tenant_id=tenant.id))
    response = {"state": started.state, "error": "access_denied", "error_description": "cancelled"}
    with pytest.raises(SignInError, match="cancelled"):
        product.runtime.sign_in.complete(response)
    assert "sign_in_refused" in _actions(product, tenant.id)
