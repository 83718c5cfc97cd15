"""``/metrics`` on the bot's web application, as a Prometheus scrape reads it."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer, make_mocked_request

from bot.metrics_page import MetricsPage
from bot.server import build_bot
from bot.settings import BotSettings
from tests.support.fake_engine import fake_engine
from tests.support.metrics import Scrape


async def test_the_page_is_prometheus_text_with_the_runs_in_the_database(tmp_path: Path) -> None:
    fx = fake_engine(tmp_path)
    fx.start()
    page = MetricsPage(fx.integrations())

    response = await page.metrics(make_mocked_request("GET", "/metrics"))

    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert response.body is not None
    scrape = Scrape.of(bytes(response.body))  # type: ignore[arg-type]
    assert scrape.value("direct_routing_runs", kind="provision", status="pending") == 1


async def test_the_bot_serves_metrics_at_slash_metrics(tmp_path: Path) -> None:
    fx = fake_engine(tmp_path)
    settings = BotSettings.model_validate({})
    bot = build_bot(
        settings,
        fx.integrations(),
        fx.store.engine,
        b"k" * 32,
        "https://login.test",
        notifier_owner="test-notifier",
        deliver_notifications=False,
    )

    async with TestClient(TestServer(bot.app)) as client:
        response = await client.get("/metrics")
        text = await response.read()

    assert response.status == 200
    assert Scrape.of(text).value("direct_routing_database_readable") == 1
