"""The ``botframework.com`` tenant: where multi-tenant bots get their Bot Connector tokens.

MicrosoftDocs/bot-docs ``articles/rest-api/bot-framework-rest-connector-authentication.md``
("Bot to Connector"): ``POST https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token``
with client credentials and ``scope=https://api.botframework.com/.default``; the token's
``iss`` is ``https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/`` and its ``aud``
``https://api.botframework.com``. Entra calls the directory "Bot Framework" in its AADSTS700016
texts (microsoft/botframework-sdk#6525). It is Microsoft's tenant, not a customer's: it holds no
users and never appears among the sandbox's tenants.
"""

from __future__ import annotations

from sandbox.directory.tenant import Tenant

TENANT_ID = "d6d49420-f39b-4df7-a1dc-d59a935871db"
DOMAIN = "botframework.com"
DISPLAY_NAME = "Bot Framework"

_TENANT = Tenant(TENANT_ID, DISPLAY_NAME, DOMAIN, created_at=0.0)


def botframework_tenant(ref: str) -> Tenant | None:
    """The Bot Framework's tenant when ``ref`` (a URL's ``{tenant}``) names it."""
    return _TENANT if ref.lower() in (TENANT_ID, DOMAIN) else None


def is_botframework(tenant_id: str) -> bool:
    """Whether a token's ``tid`` is the Bot Framework's tenant."""
    return tenant_id.lower() == TENANT_ID
