"""What a run logs names the run and its tenant, in the runner's tasks and in the threads its
database calls use."""

from __future__ import annotations

import asyncio
import io
import logging

from provisioning.engine.contract import Done, Outcome, StepContext
from tests.provisioning.engine.conftest import TENANT, Bench, Params
from tests.support.log_lines import lines, records

__all__ = ["lines"]  # the fixture


async def test_lines_logged_by_a_run_name_the_run_and_the_tenant(
    lines: io.StringIO, bench: Bench
) -> None:
    async def logs(ctx: StepContext[Params, object]) -> Outcome:
        logging.getLogger("provisioning.steps").info("looking at the domain")
        await asyncio.to_thread(logging.getLogger("storage").info, "saved in a thread")
        return Done()

    bench.script.then("b", logs)
    run_id = bench.start()
    await bench.runner().drain()

    about_run = [
        r for r in records(lines) if r["message"] in ("looking at the domain", "saved in a thread")
    ]
    assert len(about_run) == 2
    assert {(r["run_id"], r["tenant_id"]) for r in about_run} == {(run_id, TENANT)}
