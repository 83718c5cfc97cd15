"""``GET /export?t=…``: the user list as a CSV file, through a signed link that expires after
ten minutes, made in a personal chat for the admin who typed ``export``."""

from __future__ import annotations

import time

from aiohttp import web

from bot.links import LinkError, LinkSigner
from i18n.text import t
from provisioning.integrations import Integrations

EXPORT_LINKS = b"export links"


class ExportPage:
    """Serves exports."""

    def __init__(self, integrations: Integrations, links: LinkSigner) -> None:
        self._integrations = integrations
        self._links = links

    async def download(self, request: web.Request) -> web.StreamResponse:
        """The CSV, or 403 with what to do."""
        try:
            wanted = self._links.check(request.query.get("t", ""), time.time())
        except LinkError:
            return web.Response(
                status=403,
                # For the admin's browser, in its language.
                text=t(
                    "This download link is not valid or has expired. Type “export” in the "
                    "chat for a new one."
                ),
                content_type="text/plain",
            )
        body = await self._integrations.users.export_csv(wanted.tenant_id)
        tenant = await self._integrations.tenant(wanted.tenant_id)
        domain = (tenant.initial_domain.split(".")[0] if tenant else "") or "tenant"
        name = f"users-{domain}-{time.strftime('%Y-%m-%d', time.gmtime())}.csv"
        return web.Response(
            body=body,
            headers={
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )
