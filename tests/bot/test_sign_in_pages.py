"""``/auth/start`` and ``/auth/callback``: signed, expiring links to Microsoft, with PKCE and
each step's permissions; answers that land only once, only in the browser that started them,
only for the conversation's tenant, only for an account that holds the roles; the admin told
exactly what went wrong, in the browser and in the chat."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
import urllib.parse
from typing import Any

import httpx

from bot.links import LinkSigner, SignInRequest
from tests.bot.test_flow import _having, _link
from tests.support.bot import BotUnderTest, Client, card_of, text_of
from tests.support.harness import Harness, SeededTenant
from tests.support.product import VAULT_KEY
from tests.support.signin import sign_in

STEP_1 = "Sign in to Microsoft (step 1)"
STEP_3 = "Sign in to the Teams admin centre (step 3)"
GRAPH = "https://graph.microsoft.com/"
# The Skype and Teams Tenant Admin API, acting as the admin (research/teams-voice-api.md §1,
# from Connect-MicrosoftTeams.md; DESIGN.md's table of Microsoft's APIs).
TEAMS_ADMIN_API = "48ac35b8-9aa8-4d74-927d-1f4a14a0b239/user_impersonation"
# What MSAL adds to every sign-in: an id token (the account and its tenant) and a refresh token.
OIDC = {"openid", "profile", "offline_access"}


async def _step_1_link(chat: Client) -> str:
    await chat.say("connect")
    wizard = await chat.wait_for("the wizard", _having("Step 1 of 4"))
    return _link(wizard, STEP_1)


async def _get(url: str) -> httpx.Response:
    async with httpx.AsyncClient(follow_redirects=False, timeout=30) as http:
        return await http.get(url)


def _stored(under: BotUnderTest, tenant: SeededTenant) -> list[str]:
    return under.product.runtime.vault.purposes(tenant.id)


def _query(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def _with(url: str, **params: str) -> str:
    """``url`` with some query parameters replaced."""
    parts = urllib.parse.urlsplit(url)
    query = {**dict(urllib.parse.parse_qsl(parts.query)), **params}
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _s256(verifier: str) -> str:
    """The S256 challenge of ``verifier`` (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


async def test_a_link_goes_to_the_configured_authority_only(
    sb: Harness, under: BotUnderTest, chat: Client
) -> None:
    """No parameter of ``/auth/start`` can send the browser anywhere but Microsoft."""
    link = await _step_1_link(chat)
    response = await _get(f"{link}&redirect_uri=https://evil.example/&next=https://evil.example/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(sb.endpoints.authority + "/")
    assert "evil.example" not in response.headers["Location"]


async def test_a_link_sends_microsoft_an_s256_challenge_and_keeps_the_verifier(
    under: BotUnderTest, chat: Client
) -> None:
    """The authorization code flow with PKCE (RFC 7636): the redirect carries a SHA-256
    challenge, never the verifier it proves."""
    authorize, _ = await chat.start_sign_in(await _step_1_link(chat))
    asked = _query(authorize)
    assert asked["response_type"] == "code"
    assert asked["code_challenge_method"] == "S256"
    # A SHA-256 digest, base64url without padding: 43 characters.
    assert len(asked["code_challenge"]) == 43
    assert "code_verifier" not in asked


async def test_microsoft_redeems_the_code_only_with_the_verifier_of_the_links_challenge(
    under: BotUnderTest, tenant: SeededTenant, chat: Client
) -> None:
    """The challenge swapped on the way to Microsoft: the bot's token request carries its own
    verifier, which Microsoft finds does not match (AADSTS501481, not AADSTS50148 for a
    missing one); nothing is kept."""
    authorize, cookie = await chat.start_sign_in(await _step_1_link(chat))
    swapped = _with(authorize, code_challenge=_s256("an-attackers-verifier-" + "x" * 30))
    answer = await chat.answer_of(swapped, tenant.admin)
    response = await chat.finish_sign_in(answer, cookie)
    assert response.status_code == 400
    assert "AADSTS501481" in response.text
    assert _stored(under, tenant) == []


async def test_step_1_asks_for_the_graph_permissions_the_integration_uses(
    under: BotUnderTest, chat: Client
) -> None:
    """Graph alone, delegated; reading the admin's directory roles with their ids needs
    RoleManagement.Read.Directory (research/fidelity-review-2.md F1)."""
    authorize, _ = await chat.start_sign_in(await _step_1_link(chat))
    scopes = set(_query(authorize)["scope"].split())
    assert scopes - OIDC == {
        GRAPH + permission
        for permission in (
            "User.Read",
            "Organization.Read.All",
            "Domain.ReadWrite.All",
            "User.ReadWrite.All",
            "User.DeleteRestore.All",
            "RoleManagement.Read.Directory",
            "LicenseAssignment.ReadWrite.All",
            "TeamsUserConfiguration.Read.All",
            "TeamsTelephoneNumber.ReadWrite.All",
            "TeamsPolicyUserAssign.ReadWrite.All",
        )
    }


async def test_step_3_asks_for_the_teams_admin_apis_user_impersonation(
    under: BotUnderTest, tenant: SeededTenant, chat: Client
) -> None:
    """The second sign-in is for the Teams admin API only, acting as the admin."""
    await chat.sign_in(await _step_1_link(chat), tenant.admin)
    wizard = await chat.wait_for("step 3", _having("Step 3 of 4"))
    authorize, _ = await chat.start_sign_in(_link(wizard, STEP_3))
    assert set(_query(authorize)["scope"].split()) - OIDC == {TEAMS_ADMIN_API}


async def test_a_tampered_link_is_refused(under: BotUnderTest, chat: Client) -> None:
    """Changing one character of the link's token: a page saying so, no way to Microsoft."""
    link = await _step_1_link(chat)
    token = link.split("t=", 1)[1]
    body, mac = token.split(".")
    forged = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + mac
    response = await _get(f"{under.url}/auth/start?t={forged}")
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "not valid" in response.text


async def test_an_expired_link_is_refused(
    under: BotUnderTest, tenant: SeededTenant, chat: Client
) -> None:
    """Ten minutes after the card was sent its links no longer start a sign-in."""
    signer = LinkSigner(base64.b64decode(VAULT_KEY))
    token = signer.sign(
        SignInRequest("graph", tenant.id, chat.conversation, chat.user, time.time() - 1)
    )
    response = await _get(f"{under.url}/auth/start?t={token}")
    assert response.status_code == 400
    assert "expired" in response.text


async def test_an_answer_posted_twice_is_refused_the_second_time(
    under: BotUnderTest, tenant: SeededTenant, chat: Client
) -> None:
    """A replayed answer from Microsoft changes nothing."""
    authorize, cookie = await chat.start_sign_in(await _step_1_link(chat))
    answer = await chat.answer_of(authorize, tenant.admin)
    assert (await chat.finish_sign_in(answer, cookie)).status_code == 200
    replayed = await chat.finish_sign_in(answer, cookie)
    assert replayed.status_code == 400
    assert "used already" in replayed.text


async def test_an_answer_reaching_another_browser_is_refused(
    under: BotUnderTest, tenant: SeededTenant, chat: Client
) -> None:
    """Someone else's sign-in (started in another browser) is not completed, nothing is kept,
    and the chat says why."""
    authorize, _ = await chat.start_sign_in(await _step_1_link(chat))
    answer = await chat.answer_of(authorize, tenant.admin)
    response = await chat.finish_sign_in(answer, "a-cookie-of-another-browser")
    assert response.status_code == 400
    assert "another browser" in response.text
    assert _stored(under, tenant) == []
    await chat.wait_for("the chat told", _having("The sign-in did not work"))


async def test_an_answer_without_the_browser_cookie_is_refused(
    under: BotUnderTest, tenant: SeededTenant, chat: Client
) -> None:
    """A callback forged into a browser that never opened the link (login CSRF)."""
    authorize, _ = await chat.start_sign_in(await _step_1_link(chat))
    answer = await chat.answer_of(authorize, tenant.admin)
    assert (await chat.finish_sign_in(answer, "")).status_code == 400
    assert _stored(under, tenant) == []


async def test_a_sign_in_to_another_organization_never_comes_back(
    sb: Harness, under: BotUnderTest, tenant: SeededTenant, chat: Client
) -> None:
    """The link signs in to the conversation's tenant only: Microsoft itself turns an account
    of another organization away (AADSTS50020), and nothing is kept for either."""
    other = sb.make_tenant(users=2)
    under.grant(other)
    authorize, _ = await chat.start_sign_in(await _step_1_link(chat))
    assert f"/{tenant.id}/oauth2/v2.0/authorize" in authorize
    with httpx.Client(verify=sb.endpoints.ssl_context(), follow_redirects=False) as browser:
        result = await asyncio.to_thread(sign_in, browser, authorize, other.admin)
    assert result.redirect is None
    assert result.page is not None
    assert "AADSTS50020" in result.page.text
    assert _stored(under, tenant) == []
    assert under.product.runtime.vault.purposes(other.id) == []


async def test_a_teams_admin_sign_in_without_a_teams_role_names_the_roles_it_needs(
    sb: Harness, under: BotUnderTest, tenant: SeededTenant, chat: Client
) -> None:
    """Step 3 with a User Administrator: refused now, not with a 403 mid-integration; the
    step 1 sign-in stays, the wizard stays at step 3."""
    await chat.sign_in(await _step_1_link(chat), tenant.admin)
    wizard = await chat.wait_for("step 3", _having("Step 3 of 4"))
    upn = _plain_user(sb, tenant)
    sb.control.patch(f"/tenants/{tenant.id}/users/{upn}", json={"roles": ["User Administrator"]})
    response = await chat.sign_in(_link(wizard, STEP_3), upn)
    assert response.status_code == 400
    assert "Teams Administrator" in response.text
    assert "Teams Telephony Administrator" in response.text
    assert _stored(under, tenant) == ["graph"]
    notice = await chat.wait_for("the chat told", _having("The sign-in did not work"))
    assert upn in text_of(card_of(notice)).replace("\u200b", "")


def _plain_user(sb: Harness, tenant: SeededTenant) -> str:
    users: list[dict[str, Any]] = sb.state(tenant)["users"]
    return str(
        next(
            u["userPrincipalName"]
            for u in reversed(users)
            if not u["userPrincipalName"].startswith("admin@") and u.get("accountEnabled", True)
        )
    )
