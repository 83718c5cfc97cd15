"""The product's settings for the embedded default, from what the sandbox printed on start:
the same settings a production installation sets (README, settings reference), pointed at the
sandbox's Entra ID, Graph, Teams admin API, channel and provider DNS."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from provisioning.identity.scopes import GRAPH_SCOPES

# The Bot Framework's usual local port.
BOT_PORT = 3978
# The SBC targets of the sandbox's provider zone (sandbox/defaults.toml, provider_dns.records).
REGIONS = {
    "gbr-lon-tgw": ["192.0.2.10", "2001:db8::10"],
    "usa-nyc-tgw": ["192.0.2.20"],
    "deu-fra-tgw": ["192.0.2.30"],
}
DEFAULT_REGION = "gbr-lon-tgw"


@dataclass(frozen=True)
class DemoApp:
    """The bot's app registration in the sandbox's Entra ID (kept across restarts)."""

    client_id: str
    secret: str

    def registration(self, bot_url: str) -> dict[str, Any]:
        """The control API's body registering it, with the permissions the product asks for."""
        return {
            "client_id": self.client_id,
            "secret": self.secret,
            "display_name": "Direct Routing (demo)",
            "redirect_uris": [f"{bot_url}/auth/callback"],
            "delegated": {
                "Microsoft Graph": [s.rsplit("/", 1)[1] for s in GRAPH_SCOPES],
                "Skype and Teams Tenant Admin API": ["user_impersonation"],
            },
        }


def bot_url(port: int) -> str:
    """Where the bot listens (and the sign-in comes back to)."""
    return f"http://localhost:{port}"


def product_environment(
    endpoints: dict[str, Any], app: DemoApp, data_dir: Path, bot_port: int
) -> dict[str, str]:
    """Every setting ``app.py serve --with-runner`` needs, as environment variables."""
    dns = endpoints["dns"]
    servers = [dns["primary"], *dns["secondaries"]]
    tsig = endpoints["tsig"]
    return {
        "DATABASE_URL": f"sqlite:///{(data_dir / 'bot.db').resolve()}",
        "TOKEN_VAULT_KEY_FILE": str((data_dir / "vault.key").resolve()),
        "MicrosoftAppId": app.client_id,
        "MicrosoftAppPassword": app.secret,
        "OAUTH_REDIRECT_URI": f"{bot_url(bot_port)}/auth/callback",
        "ENTRA_AUTHORITY": endpoints["authority"],
        "ENTRA_SIGN_IN_PAGE": endpoints["login_page"],
        "GRAPH_BASE_URL": endpoints["graph"],
        "TEAMS_ADMIN_BASE_URL": endpoints["teams_admin"],
        "CA_BUNDLE": endpoints["ca_file"],
        "PROVIDER_ZONE": endpoints["zone"],
        "PROVIDER_DNS_PRIMARY": servers[0],
        "PROVIDER_DNS_SERVERS": ",".join(servers),
        "TSIG_KEY_NAME": tsig["name"],
        "TSIG_SECRET": tsig["secret"],
        "TSIG_ALGORITHM": tsig["algorithm"],
        "REGIONS": json.dumps(REGIONS),
        "DEFAULT_REGION": DEFAULT_REGION,
        "ToChannelFromBotLoginUrl": f"{endpoints['authority']}/botframework.com",
        "ToBotFromChannelOpenIdMetadataUrl": endpoints["openid_metadata"],
        "BOT_PORT": str(bot_port),
        "BOT_PUBLIC_URL": bot_url(bot_port),
    }
