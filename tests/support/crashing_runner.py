"""A runner process that kills itself (SIGKILL) at one point of one step, for crash tests.

``python -m tests.support.crashing_runner STEP:WHEN [--owner NAME]``; ``WHEN`` is
``after_intent``, ``before_record`` or ``after_record``. Settings come from the environment,
as for ``app.py runner``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

import app
from provisioning.engine.runner import Runner

POINTS = ("after_intent", "before_record", "after_record")


class CrashingRunner(Runner):
    """Dies at ``step``/``when``, as a power cut would."""

    crash_step = ""
    crash_when = ""

    def reached(self, point: str, step: str) -> None:
        """SIGKILL this process at the chosen point."""
        if (step, point) == (self.crash_step, self.crash_when):
            logging.getLogger("crash").warning("crash point %s/%s reached", step, point)
            os.kill(os.getpid(), signal.SIGKILL)


def main() -> int:
    """Run until the crash point kills the process (or until interrupted)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("at", metavar="STEP:WHEN")
    parser.add_argument("--owner")
    args = parser.parse_args()
    step, _, when = args.at.partition(":")
    if when not in POINTS:
        parser.error(f"WHEN must be one of {', '.join(POINTS)}")
    logging.basicConfig(level=logging.INFO)
    CrashingRunner.crash_step, CrashingRunner.crash_when = step, when
    runtime = app.build_runtime(app.Settings.load())
    runner = runtime.runner(runner_class=CrashingRunner, owner=args.owner)

    async def run() -> None:
        stop = asyncio.Event()
        await runner.run_forever(stop)

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
