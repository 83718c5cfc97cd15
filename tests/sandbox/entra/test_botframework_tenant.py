"""The ``botframework.com`` tenant, where bots get Bot Connector tokens (bot-docs
``bot-framework-rest-connector-authentication.md``, "Bot to Connector": client credentials at
``/botframework.com/oauth2/v2.0/token``, ``scope=https://api.botframework.com/.default``)."""

from __future__ import annotations

import httpx
import jwt
import msal

from tests.support.harness import TEST_APP, Harness

TENANT_ID = "d6d49420-f39b-4df7-a1dc-d59a935871db"
SCOPE = "https://api.botframework.com/.default"


def _token(sb: Harness, tenant: str = "botframework.com", **form: str) -> httpx.Response:
    return sb.https.post(
        f"{sb.endpoints.authority}/{tenant}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": TEST_APP.client_id,
            "client_secret": TEST_APP.secret,
            "scope": SCOPE,
            **form,
        },
    )


def test_client_credentials_there_give_a_bot_framework_token(sb: Harness) -> None:
    """The token of the document's example: ``aud`` api.botframework.com, ``iss``
    sts.windows.net/d6d49420…/, the bot's ``appid``."""
    response = _token(sb)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["aud"] == "https://api.botframework.com"
    assert claims["iss"] == f"https://sts.windows.net/{TENANT_ID}/"
    assert claims["tid"] == TENANT_ID
    assert claims["appid"] == TEST_APP.client_id


def test_the_tenant_is_named_by_its_id_too(sb: Harness) -> None:
    """``{tenant}`` may be the GUID as well as the domain."""
    response = _token(sb, TENANT_ID)
    assert response.status_code == 200, response.text


def test_discovery_names_the_tenant_s_token_endpoint_and_issuer(sb: Harness) -> None:
    """What MSAL reads before asking for the token."""
    doc = sb.https.get(
        f"{sb.endpoints.authority}/botframework.com/v2.0/.well-known/openid-configuration"
    ).json()
    assert doc["token_endpoint"] == f"{sb.endpoints.authority}/botframework.com/oauth2/v2.0/token"
    assert doc["issuer"] == f"{sb.endpoints.authority}/{TENANT_ID}/v2.0"


def test_msal_gets_a_channel_token_from_botframework_com(sb: Harness) -> None:
    """MSAL with the production authority path (``…/botframework.com``) and the sandbox host."""
    with httpx.Client(verify=sb.endpoints.ssl_context(), timeout=30) as http:
        app = msal.ConfidentialClientApplication(
            TEST_APP.client_id,
            client_credential=TEST_APP.secret,
            authority=f"{sb.endpoints.authority}/botframework.com",
            instance_discovery=False,
            azure_region=False,
            http_client=http,
        )
        result = app.acquire_token_for_client([SCOPE])
    assert "access_token" in result, result
    claims = jwt.decode(result["access_token"], options={"verify_signature": False})
    assert claims["tid"] == TENANT_ID


def test_a_wrong_secret_is_refused_there(sb: Harness) -> None:
    """AADSTS7000215, as in any tenant."""
    response = _token(sb, client_secret="not-the-secret")
    assert response.status_code == 401
    assert response.json()["error_codes"] == [7000215]


def test_graph_tokens_are_not_issued_there(sb: Harness) -> None:
    """No app holds Graph permissions in Microsoft's tenant: AADSTS700016, "not found in the
    directory 'Bot Framework'", HTTP 400 (microsoft/botframework-sdk#6525,
    OfficeDev/Microsoft-Teams-Samples#214)."""
    response = _token(sb, scope="https://graph.microsoft.com/.default")
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error_codes"] == [700016]
    assert "'Bot Framework'" in body["error_description"]


def test_it_is_not_one_of_the_sandbox_s_tenants(sb: Harness) -> None:
    """Microsoft's tenant, not a customer's: the control API does not list it."""
    tenants = sb.control.get("/tenants").json()["tenants"]
    assert TENANT_ID not in {t["id"] for t in tenants}
    assert sb.control.get(f"/tenants/{TENANT_ID}").status_code == 404
