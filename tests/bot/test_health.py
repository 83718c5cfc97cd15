"""``/healthz`` and ``/readyz`` as a load balancer sees them: ready only when the database
answers with the schema this code needs, and saying why not otherwise."""

from __future__ import annotations

import json
from pathlib import Path

from aiohttp.test_utils import make_mocked_request
from sqlalchemy import Engine

from bot.health import Readiness, healthz
from storage.database import make_engine, migrate
from tests.support.bot import free_port


async def _ready(engine: Engine) -> tuple[int, dict[str, str]]:
    response = await Readiness(engine).readyz(make_mocked_request("GET", "/readyz"))
    assert response.body is not None
    body: dict[str, str] = json.loads(bytes(response.body))  # type: ignore[arg-type]
    return response.status, body


async def test_a_migrated_database_is_ready(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    migrate(engine)

    assert await _ready(engine) == (200, {"status": "ready"})


async def test_a_database_not_migrated_is_not_ready_and_says_what_to_run(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")

    status, body = await _ready(engine)

    assert status == 503
    assert "python app.py migrate" in body["problem"]


async def test_a_database_that_does_not_answer_is_not_ready_and_its_address_stays_private() -> None:
    url = f"postgresql+psycopg://bot:s3cret@127.0.0.1:{free_port()}/bot"
    engine = make_engine(url)

    status, body = await _ready(engine)

    assert status == 503
    assert "does not answer" in body["problem"]
    assert "s3cret" not in json.dumps(body)


async def test_a_live_process_is_healthy_whatever_its_database() -> None:
    response = await healthz(make_mocked_request("GET", "/healthz"))
    assert response.status == 200
