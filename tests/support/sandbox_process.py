"""Starts ``python app.py sandbox`` as a child process and reads its endpoints line."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from demo.sandbox_process import read_endpoints, start_sandbox
from tests.support.processes import stop

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class SandboxEndpoints:
    """What the sandbox printed on start."""

    authority: str
    graph: str
    ca_file: str
    control: str
    login_page: str
    raw: dict[str, Any]

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts the sandbox's CA (and nothing else)."""
        return ssl.create_default_context(cafile=self.ca_file)

    @property
    def teams_admin(self) -> str:
        """Base URL of the Teams admin API."""
        return str(self.raw["teams_admin"])

    @property
    def zone(self) -> str:
        """The provider's zone."""
        return str(self.raw["zone"])

    @property
    def dns_servers(self) -> list[tuple[str, int]]:
        """The zone's authoritative servers, primary first."""
        dns = self.raw["dns"]
        return [_host_port(s) for s in [dns["primary"], *dns["secondaries"]]]

    @property
    def service_url(self) -> str:
        """The Bot Connector channel's service URL."""
        return str(self.raw["service_url"])

    @property
    def openid_metadata(self) -> str:
        """Where bots find the channel's signing keys."""
        return str(self.raw["openid_metadata"])

    @property
    def chat(self) -> str:
        """The web chat page."""
        return str(self.raw["chat"])

    @property
    def tsig(self) -> dict[str, str]:
        """``name``, ``algorithm`` and ``secret`` of the update key."""
        return dict(self.raw["tsig"])


def _host_port(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


@contextmanager
def running_sandbox(
    data_dir: Path, *args: str, timeout: float = 30.0
) -> Iterator[tuple[SandboxEndpoints, subprocess.Popen[str]]]:
    """Run a sandbox until the block ends; its stderr goes to ``data_dir/stderr.log``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    stderr = (data_dir / "stderr.log").open("w")
    proc = start_sandbox(data_dir, list(args), stderr)
    try:
        raw = read_endpoints(proc, timeout, data_dir / "stderr.log")
        yield (
            SandboxEndpoints(
                raw["authority"],
                raw["graph"],
                raw["ca_file"],
                raw["control"],
                raw["login_page"],
                raw,
            ),
            proc,
        )
    finally:
        stop(proc)
        if proc.stdout is not None:
            proc.stdout.close()
        stderr.close()
