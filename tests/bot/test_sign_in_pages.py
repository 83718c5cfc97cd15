"""``/auth/start`` and ``/auth/callback``: signed, expiring links; answers that land only once,
only in the browser that started them, only for the conversation's tenant, only for an account
that holds the roles; the admin told exactly what went wrong, in the browser and in the chat."""

from __future__ import annotations

import asyncio
import base64
import time
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


async def _step_1_link(chat: Client) -> str:
    await chat.say("connect")
    wizard = await chat.wait_for("the wizard", _having("Step 1 of 4"))
    return _link(wizard, STEP_1)


async def _get(url: str) -> httpx.Response:
    async with httpx.AsyncClient(follow_redirects=False, timeout=30) as http:
        return await http.get(url)


def _stored(under: BotUnderTest, tenant: SeededTenant) -> list[str]:
    return under.product.runtime.vault.purposes(tenant.id)


async def test_a_link_goes_to_the_configured_authority_only(
    sb: Harness, under: BotUnderTest, chat: Client
) -> None:
    """No parameter of ``/auth/start`` can send the browser anywhere but Microsoft."""
    link = await _step_1_link(chat)
    response = await _get(f"{link}&redirect_uri=https://evil.example/&next=https://evil.example/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(sb.endpoints.authority + "/")
    assert "evil.example" not in response.headers["Location"]


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
