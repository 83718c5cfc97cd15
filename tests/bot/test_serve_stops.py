"""``python app.py serve`` stopping on SIGTERM (a deployment replacing the replica): what is in
flight is answered first, then the process exits cleanly."""

from __future__ import annotations

import asyncio
import base64
import signal
import time
from pathlib import Path

import httpx

from bot.links import LinkSigner, SignInRequest
from tests.support.bot import served_bot
from tests.support.harness import Harness
from tests.support.product import VAULT_KEY


async def test_sigterm_answers_a_request_in_flight_before_the_bot_stops(
    sb: Harness, tmp_path: Path
) -> None:
    """A sign-in link opened while Microsoft is slow to answer, the replica told to stop
    meanwhile: the admin's browser still gets its redirect to Microsoft."""
    with served_bot(sb, tmp_path) as bot:
        tenant = sb.make_tenant(users=2)
        bot.grant(tenant)
        sb.control.patch("/knobs", json={"latency_ms": {"entra": 2000}})
        link = LinkSigner(base64.b64decode(VAULT_KEY)).sign(
            SignInRequest("graph", tenant.id, "a-conversation", "a-user", time.time() + 600)
        )
        async with httpx.AsyncClient(follow_redirects=False, timeout=30) as browser:
            opening = asyncio.create_task(browser.get(f"{bot.url}/auth/start?t={link}"))
            await asyncio.sleep(0.5)
            assert not opening.done()
            bot.proc.send_signal(signal.SIGTERM)
            response = await opening
        assert response.status_code == 302
        assert response.headers["Location"].startswith(sb.endpoints.authority)
        assert await asyncio.to_thread(bot.proc.wait, 30) == 0
