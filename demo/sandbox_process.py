"""``python app.py sandbox`` as a child process, the endpoints line it prints on start, and
stopping child processes."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parent.parent


def start_sandbox(data_dir: Path, args: list[str], stderr: TextIO) -> subprocess.Popen[str]:
    """Start the sandbox with its state in ``data_dir``; its endpoints come on stdout."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "sandbox", "--data-dir", str(data_dir), *args],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def read_endpoints(proc: subprocess.Popen[str], timeout: float, log: Path) -> dict[str, Any]:
    """The JSON line a starting sandbox prints: its URLs, DNS servers and update key."""
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    line = ""
    while not line:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the sandbox did not start: {log.read_text()[-2000:]}")
        if selector.select(timeout=0.2):
            line = proc.stdout.readline()
    endpoints: dict[str, Any] = json.loads(line)
    return endpoints


def stop(proc: subprocess.Popen[Any], grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if the process has not exited within ``grace`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
