"""The authorize endpoint, its sign-in and consent pages (research/graph-entra.md §1.1, §1.2)."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx
import pytest

from tests.support.forms import page_text, parse_forms
from tests.support.harness import ADMIN_SCOPES, TEST_APP, Harness, SeededTenant
from tests.support.signin import sign_in

ORG_SCOPES = [
    "https://graph.microsoft.com/Domain.ReadWrite.All",
    "https://graph.microsoft.com/User.Read",
]


class _TickingBrowser(HTMLParser):
    """Builds what a browser posts for a page's first form: its own controls only, with the
    named checkboxes ticked (HTML Living Standard, "constructing the entry list")."""

    def __init__(self, ticked: set[str]) -> None:
        super().__init__()
        self.ticked = ticked
        self.depth = 0
        self.action = ""
        self.entries: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.action:
            self.action, self.depth = a.get("action", ""), 1
        elif tag == "form":
            self.depth += 1
        elif tag == "input" and self.depth and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind == "checkbox" and a["name"] in self.ticked:
                self.entries[a["name"]] = a.get("value") or "on"
            elif kind not in ("checkbox", "submit"):
                self.entries[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.depth:
            self.depth -= 1


@pytest.fixture
def browser(sb: Harness) -> Iterator[httpx.Client]:
    """A browser that does not follow redirects, so the redirect back can be read."""
    with httpx.Client(verify=sb.endpoints.ssl_context(), follow_redirects=False) as client:
        yield client


def test_unknown_client_gets_an_error_page_not_a_redirect(
    sb: Harness, tenant: SeededTenant, browser: httpx.Client
) -> None:
    """§1.2 AADSTS700016; bad client ids are never redirected (R6)."""
    url = sb.entra.authorize_url(tenant.domain, ["User.Read"]).replace(
        TEST_APP.client_id, "11111111-2222-3333-4444-555555555555"
    )
    response = browser.get(url)
    assert response.status_code == 400
    assert (
        "AADSTS700016: Application with identifier '11111111-2222-3333-4444-555555555555' "
        "was not found in the directory" in page_text(response.text)
    )


def test_unregistered_redirect_uri_gets_aadsts50011(
    sb: Harness, tenant: SeededTenant, browser: httpx.Client
) -> None:
    """§1.1: ``redirect_uri`` must match a registered one exactly (AADSTS50011)."""
    url = sb.entra.authorize_url(tenant.domain, ["User.Read"]).replace(
        "localhost%3A5999", "evil.example"
    )
    response = browser.get(url)
    assert response.status_code == 400
    assert (
        "AADSTS50011: The redirect URI 'http://evil.example/callback' specified in the "
        "request does not match" in page_text(response.text)
    )


def test_unknown_tenant_gets_aadsts90002(sb: Harness, browser: httpx.Client) -> None:
    """§1.2 AADSTS90002."""
    response = browser.get(sb.entra.authorize_url("nosuch.onmicrosoft.com", ["User.Read"]))
    assert response.status_code == 400
    assert "AADSTS90002" in page_text(response.text)


def test_sign_in_page_offers_the_tenant_s_users(
    sb: Harness, tenant: SeededTenant, browser: httpx.Client
) -> None:
    """§1.1: The sign-in page lets the user pick one of the tenant's accounts, admins first."""
    page = browser.get(sb.entra.authorize_url(tenant.domain, ["User.Read"]))
    assert page.status_code == 200
    picks = [value for name, value in parse_forms(page.text)[0].buttons if name == "login"]
    assert picks[0] == tenant.admin
    assert len(picks) > 10
    assert all(p.endswith("@" + tenant.domain) for p in picks)


def test_successful_sign_in_redirects_with_code_and_state(
    sb: Harness, tenant: SeededTenant, browser: httpx.Client
) -> None:
    """§1.1: ``302 Location: {redirect_uri}?code=...&state=...``."""
    url = sb.entra.authorize_url(tenant.domain, ORG_SCOPES, state="st-123")
    result = sign_in(browser, url, tenant.admin)
    assert result.redirect is not None
    assert result.redirect.startswith(TEST_APP.redirect_uri + "?")
    assert result.params["state"] == "st-123"
    assert result.params["code"]


def test_cancel_on_sign_in_redirects_access_denied(
    sb: Harness, tenant: SeededTenant, browser: httpx.Client
) -> None:
    """§1.1: ``error=access_denied`` with the state, when the user cancels."""
    url = sb.entra.authorize_url(tenant.domain, ORG_SCOPES, state="abc")
    result = sign_in(browser, url, None)
    assert result.params["error"] == "access_denied"
    assert result.params["state"] == "abc"
    assert "canceled" in result.params["error_description"]


def test_consent_page_lists_the_requested_permissions(sb: Harness, browser: httpx.Client) -> None:
    """§1.1: without prior consent the user sees every requested scope before accepting."""
    tenant = sb.make_tenant(consent=False)
    url = sb.entra.authorize_url(tenant.domain, [*ORG_SCOPES, "offline_access"])
    page = browser.get(url)
    form = parse_forms(page.text)[0]
    consent = browser.post(
        sb.endpoints.authority + form.action, data={**form.hidden, "login": tenant.admin}
    )
    text = page_text(consent.text)
    assert "Permissions requested" in text
    assert "Domain.ReadWrite.All" in text
    assert "User.Read" in text
    assert "Maintain access to data you have given it access to" in text


def test_declined_consent_redirects_aadsts65004(sb: Harness, browser: httpx.Client) -> None:
    """R33: a declined consent comes back as ``error=consent_required`` with AADSTS65004."""
    tenant = sb.make_tenant(consent=False)
    result = sign_in(
        browser, sb.entra.authorize_url(tenant.domain, ORG_SCOPES), tenant.admin, consent="cancel"
    )
    assert result.params["error"] == "consent_required"
    assert result.params["error_description"].startswith(
        "AADSTS65004: User declined to consent to access the app."
    )


def test_admin_consent_for_the_organization_spares_other_users_the_prompt(
    sb: Harness, browser: httpx.Client
) -> None:
    """§1.3: tenant-wide consent covers every user; the next user goes straight to the app."""
    tenant = sb.make_tenant(consent=False, users=3)
    first = sign_in(
        browser,
        sb.entra.authorize_url(tenant.domain, ORG_SCOPES),
        tenant.admin,
        consent_for_org=True,
    )
    assert "code" in first.params
    other = sb.state(tenant)["users"][-1]["userPrincipalName"]
    with httpx.Client(verify=sb.endpoints.ssl_context()) as other_browser:
        second = sign_in(
            other_browser,
            sb.entra.authorize_url(tenant.domain, ORG_SCOPES),
            other,
            consent="cancel",
        )
    assert "code" in second.params


def test_ticked_consent_for_the_organization_is_posted_with_the_form(
    sb: Harness, browser: httpx.Client
) -> None:
    """§1.3: an administrator who ticks "Consent on behalf of your organization" and accepts
    grants tenant-wide consent: the checkbox belongs to the form a browser posts."""
    tenant = sb.make_tenant(consent=False)
    url = sb.entra.authorize_url(tenant.domain, ORG_SCOPES)
    form = parse_forms(browser.get(url).text)[0]
    page = browser.post(urljoin(url, form.action), data={**form.hidden, "login": tenant.admin})
    ticking = _TickingBrowser({"consent_org"})
    ticking.feed(page.text)
    done = browser.post(urljoin(url, ticking.action), data={**ticking.entries, "action": "accept"})
    assert "code=" in done.headers["Location"]
    granted = sb.state(tenant)["consents"][TEST_APP.client_id]["tenantWide"]
    assert any(scope.endswith("domain.readwrite.all") for scope in granted), granted


def test_non_admin_asking_for_admin_only_scopes_needs_admin_approval(
    sb: Harness, browser: httpx.Client
) -> None:
    """R6 AADSTS90094: users may not consent to permissions that need an administrator."""
    tenant = sb.make_tenant(consent=False, users=2)
    user = sb.state(tenant)["users"][-1]["userPrincipalName"]
    result = sign_in(browser, sb.entra.authorize_url(tenant.domain, ORG_SCOPES), user)
    assert result.page is not None
    assert result.page.status_code == 403
    text = page_text(result.page.text)
    assert "Need admin approval" in text
    assert "AADSTS90094: The grant requires admin permission." in text


def test_non_admin_may_consent_to_user_read_for_themselves(
    sb: Harness, browser: httpx.Client
) -> None:
    """§1.1: ``User.Read`` needs no administrator; the user consents for themselves."""
    tenant = sb.make_tenant(consent=False, users=2)
    user = sb.state(tenant)["users"][-1]["userPrincipalName"]
    result = sign_in(browser, sb.entra.authorize_url(tenant.domain, ["User.Read"]), user)
    assert "code" in result.params


def test_user_from_another_tenant_gets_aadsts50020(
    sb: Harness, tenant: SeededTenant, browser: httpx.Client
) -> None:
    """§1.2 AADSTS50020: a tenant-specific authority refuses users of other tenants."""
    other = sb.make_tenant()
    result = sign_in(
        browser, sb.entra.authorize_url(tenant.domain, ORG_SCOPES), other.admin, typed=True
    )
    assert result.page is not None
    text = page_text(result.page.text)
    assert f"AADSTS50020: User account '{other.admin}' from identity provider" in text
    assert f"does not exist in tenant '{tenant.summary['displayName']}'" in text


def test_organizations_authority_signs_in_users_of_any_tenant(
    sb: Harness, tenant: SeededTenant, browser: httpx.Client
) -> None:
    """§1: ``organizations`` accepts any work account; the code belongs to the user's tenant."""
    result = sign_in(
        browser, sb.entra.authorize_url("organizations", ORG_SCOPES), tenant.admin, typed=True
    )
    assert "code" in result.params


def test_unknown_account_is_reported_on_the_sign_in_page(
    sb: Harness, tenant: SeededTenant, browser: httpx.Client
) -> None:
    """§1.1: AADSTS50034: the page asks again instead of redirecting."""
    result = sign_in(
        browser,
        sb.entra.authorize_url(tenant.domain, ORG_SCOPES),
        f"ghost@{tenant.domain}",
        typed=True,
    )
    assert result.page is not None
    assert f"AADSTS50034: The user account ghost@{tenant.domain} does not exist" in page_text(
        result.page.text
    )
    assert parse_forms(result.page.text)  # still a sign-in form


def test_disabled_account_gets_aadsts50057(
    sb: Harness, tenant: SeededTenant, browser: httpx.Client
) -> None:
    """§1.1: AADSTS50057: the user account is disabled."""
    user = sb.state(tenant)["users"][-1]["userPrincipalName"]
    sb.control.patch(f"/tenants/{tenant.id}/users/{user}", json={"accountEnabled": False})
    result = sign_in(browser, sb.entra.authorize_url(tenant.domain, ["User.Read"]), user)
    assert result.page is not None
    assert "AADSTS50057: The user account is disabled." in page_text(result.page.text)


def test_form_post_response_mode_posts_the_code(
    sb: Harness, tenant: SeededTenant, browser: httpx.Client
) -> None:
    """§1.1: ``response_mode=form_post`` answers with a self-submitting form."""
    url = sb.entra.authorize_url(tenant.domain, ORG_SCOPES, response_mode="form_post", state="s")
    result = sign_in(browser, url, tenant.admin)
    assert result.redirect == TEST_APP.redirect_uri
    assert result.params["state"] == "s"
    assert result.params["code"]


def test_fragment_response_mode_puts_the_code_after_the_hash(
    sb: Harness, tenant: SeededTenant, browser: httpx.Client
) -> None:
    """§1.1: ``response_mode=fragment``."""
    url = sb.entra.authorize_url(tenant.domain, ORG_SCOPES, response_mode="fragment")
    result = sign_in(browser, url, tenant.admin)
    assert result.redirect is not None
    assert "#code=" in result.redirect


def test_invalid_scope_is_redirected_as_aadsts70011(
    sb: Harness, tenant: SeededTenant, browser: httpx.Client
) -> None:
    """§1.2 AADSTS70011: an unknown permission of a known API."""
    response = browser.get(sb.entra.authorize_url(tenant.domain, ["Mail.Frobnicate"]))
    params = dict(parse_qsl(urlsplit(response.headers["Location"]).query))
    assert params["error"] == "invalid_scope"
    assert params["error_description"].startswith("AADSTS70011")


def test_unsupported_response_type_is_redirected(
    sb: Harness, tenant: SeededTenant, browser: httpx.Client
) -> None:
    """§1.1 errors: ``unsupported_response_type``."""
    url = sb.entra.authorize_url(tenant.domain, ["User.Read"]).replace(
        "response_type=code", "response_type=token"
    )
    response = browser.get(url)
    params = dict(parse_qsl(urlsplit(response.headers["Location"]).query))
    assert params["error"] == "unsupported_response_type"


def test_prompt_none_without_a_session_asks_for_login(
    sb: Harness, tenant: SeededTenant, browser: httpx.Client
) -> None:
    """§1.1 ``prompt=none``: ``login_required`` when nobody is signed in."""
    response = browser.get(sb.entra.authorize_url(tenant.domain, ["User.Read"], prompt="none"))
    params = dict(parse_qsl(urlsplit(response.headers["Location"]).query))
    assert params["error"] == "login_required"


def test_prompt_none_with_a_session_returns_a_code_silently(
    sb: Harness, tenant: SeededTenant, browser: httpx.Client
) -> None:
    """§1.1 ``prompt=none``: the session cookie of an earlier sign-in is enough."""
    sign_in(browser, sb.entra.authorize_url(tenant.domain, ADMIN_SCOPES), tenant.admin)
    response = browser.get(sb.entra.authorize_url(tenant.domain, ADMIN_SCOPES, prompt="none"))
    params = dict(parse_qsl(urlsplit(response.headers["Location"]).query))
    assert "code" in params


def test_admin_consent_endpoint_grants_application_permissions(
    sb: Harness, browser: httpx.Client
) -> None:
    """§1.3: ``/v2.0/adminconsent`` redirects with ``admin_consent=True&tenant=<GUID>``."""
    tenant = sb.make_tenant(consent=False)
    url = (
        f"{sb.endpoints.authority}/{tenant.domain}/v2.0/adminconsent?client_id="
        f"{TEST_APP.client_id}&scope=https://graph.microsoft.com/.default&redirect_uri="
        f"{TEST_APP.redirect_uri}&state=xyz"
    )
    assert sb.entra.app_token(tenant.id).status_code == 400
    result = sign_in(browser, url, tenant.admin)
    assert result.params == {
        "admin_consent": "True",
        "tenant": tenant.id,
        "scope": "https://graph.microsoft.com/.default",
        "state": "xyz",
    }
    assert sb.entra.app_token(tenant.id).status_code == 200


def test_admin_consent_by_a_non_admin_is_refused(sb: Harness, browser: httpx.Client) -> None:
    """§1.3: only administrators may grant tenant-wide consent (AADSTS90094)."""
    tenant = sb.make_tenant(consent=False, users=2)
    user = sb.state(tenant)["users"][-1]["userPrincipalName"]
    url = (
        f"{sb.endpoints.authority}/{tenant.domain}/v2.0/adminconsent?client_id="
        f"{TEST_APP.client_id}&scope=https://graph.microsoft.com/.default&redirect_uri="
        f"{TEST_APP.redirect_uri}"
    )
    result = sign_in(browser, url, user)
    assert result.page is not None
    assert "AADSTS90094" in page_text(result.page.text)


def test_declined_admin_consent_redirects_with_the_error(
    sb: Harness, browser: httpx.Client
) -> None:
    """§1.3: ``?admin_consent=True&error=consent_required&error_description=AADSTS65004...``."""
    tenant = sb.make_tenant(consent=False)
    url = (
        f"{sb.endpoints.authority}/{tenant.domain}/v2.0/adminconsent?client_id="
        f"{TEST_APP.client_id}&scope=https://graph.microsoft.com/.default&redirect_uri="
        f"{TEST_APP.redirect_uri}&state=q"
    )
    result = sign_in(browser, url, tenant.admin, consent="cancel")
    assert result.params["admin_consent"] == "True"
    assert result.params["error"] == "consent_required"
    assert result.params["error_description"].startswith("AADSTS65004")


def test_prompt_none_without_consent_answers_consent_required(
    sb: Harness, browser: httpx.Client
) -> None:
    """§1.1 and R33: a silent request cannot show the consent page, so it reports it."""
    tenant = sb.make_tenant(consent=False)
    sign_in(browser, sb.entra.authorize_url(tenant.domain, ["User.Read"]), tenant.admin)
    response = browser.get(sb.entra.authorize_url(tenant.domain, ORG_SCOPES, prompt="none"))
    params = dict(parse_qsl(urlsplit(response.headers["Location"]).query))
    assert params["error"] == "consent_required"
    assert params["error_description"].startswith("AADSTS65001")
