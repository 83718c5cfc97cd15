"""Log lines as an operator's collector reads them: one JSON object a line, each naming the run
and the tenant it is about, with no credential in it whatever the code logged."""

from __future__ import annotations

import asyncio
import io
import json
import logging

from provisioning.log_context import ContextFilter, about
from provisioning.log_format import RedactingJsonFormatter, redact
from tests.support.log_lines import lines, records

__all__ = ["lines"]  # the fixture

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbkBjb250b3NvIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


def test_each_line_is_one_json_object_with_time_level_logger_and_message(
    lines: io.StringIO,
) -> None:
    logging.getLogger("bot.teams").warning("the channel answered %s", 429)

    (record,) = records(lines)
    assert record["level"] == "WARNING"
    assert record["logger"] == "bot.teams"
    assert record["message"] == "the channel answered 429"
    assert record["time"].startswith("20")


async def test_tasks_started_for_one_tenant_do_not_name_another(lines: io.StringIO) -> None:
    async def work(tenant: str) -> None:
        with about(tenant_id=tenant):
            await asyncio.sleep(0)
            logging.getLogger("sync").info("syncing")

    await asyncio.gather(work("t-1"), work("t-2"))
    logging.getLogger("sync").info("idle")

    tenants = [r["tenant_id"] for r in records(lines)]
    assert sorted(tenants[:2]) == ["t-1", "t-2"]
    assert tenants[2] == ""


def test_a_token_or_secret_in_a_message_never_reaches_the_log(lines: io.StringIO) -> None:
    logging.getLogger("x").error("refused: Authorization: Bearer %s (client_secret=s3cr3t!)", JWT)
    try:
        raise RuntimeError(f"token {JWT} rejected")
    except RuntimeError:
        logging.getLogger("x").exception("while refreshing, password=hunter2")

    written = lines.getvalue()
    assert JWT not in written
    assert "s3cr3t!" not in written
    assert "hunter2" not in written
    assert written.count("[redacted]") >= 4


def test_text_that_only_looks_technical_is_kept() -> None:
    text = "run 8a4728f3 waits for DNS on ns1.callroute.test (secret santa is not a key)"
    assert redact(text) == text


def test_a_record_without_context_carries_empty_fields() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "plain", None, None)
    ContextFilter().filter(record)
    formatted = json.loads(RedactingJsonFormatter("{message}{run_id}", style="{").format(record))
    assert (formatted["message"], formatted["run_id"], formatted["tenant_id"]) == ("plain", "", "")
