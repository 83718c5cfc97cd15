"""A real Knot DNS server for a test: one zone, TSIG-signed RFC 2136 updates allowed."""

from __future__ import annotations

import base64
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.tsigkeyring
import dns.update

from tests.support.processes import stop

KNOTD = shutil.which("knotd") or "/usr/sbin/knotd"


@dataclass(frozen=True)
class KnotServer:
    """Where the server listens, its zone and the TSIG key that may update it."""

    host: str
    port: int
    zone: str
    key_name: str
    key_secret: str

    @property
    def address(self) -> str:
        """``host:port``."""
        return f"{self.host}:{self.port}"

    def keyring(self) -> dict[dns.name.Name, dns.tsig.Key]:
        """The TSIG keyring for dnspython."""
        return dns.tsigkeyring.from_text({self.key_name: ("hmac-sha256", self.key_secret)})

    def update(self, build: object) -> dns.message.Message:
        """Send an RFC 2136 UPDATE built by ``build(update)``; raise unless it is applied."""
        update = dns.update.Update(self.zone, keyring=self.keyring(), keyalgorithm="hmac-sha256")
        build(update)  # type: ignore[operator]
        response = dns.query.tcp(update, self.host, port=self.port, timeout=5)
        if response.rcode() != dns.rcode.NOERROR:
            raise RuntimeError(f"update refused: {dns.rcode.to_text(response.rcode())}")
        return response

    def set_txt(self, name: str, text: str, ttl: int = 300) -> None:
        """Replace the TXT records of ``name`` (relative to the zone or absolute)."""
        self.update(lambda u: u.replace(name, ttl, "TXT", f'"{text}"'))

    def delete(self, name: str) -> None:
        """Delete every record of ``name``."""
        self.update(lambda u: u.delete(name))


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind((host, 0))
        port: int = udp.getsockname()[1]
    return port


@contextmanager
def running_knot(
    workdir: Path,
    zone: str = "provider.test",
    soa_ttl: int = 3600,
    soa_minimum: int = 300,
    host: str = "127.0.0.1",
) -> Iterator[KnotServer]:
    """Run ``knotd`` for ``zone`` until the block ends."""
    workdir.mkdir(parents=True, exist_ok=True)
    secret = base64.b64encode(secrets.token_bytes(32)).decode()
    port = _free_port(host)
    (workdir / f"{zone}.zone").write_text(
        f"$ORIGIN {zone}.\n$TTL {soa_ttl}\n"
        f"@ {soa_ttl} IN SOA ns1.{zone}. hostmaster.{zone}. 1 3600 900 604800 {soa_minimum}\n"
        f"@ IN NS ns1.{zone}.\nns1 IN A {host}\n"
    )
    config = workdir / "knot.conf"
    config.write_text(f"""
server:
    rundir: "{workdir}"
    listen: {host}@{port}
    background-workers: 1
    udp-workers: 1
    tcp-workers: 1
log:
  - target: stderr
    any: warning
database:
    storage: "{workdir}"
key:
  - id: update-key
    algorithm: hmac-sha256
    secret: {secret}
acl:
  - id: allow-update
    key: update-key
    action: update
zone:
  - domain: {zone}
    file: "{workdir}/{zone}.zone"
    storage: "{workdir}"
    acl: allow-update
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: changes
""")
    log = (workdir / "knotd.log").open("w")
    proc = subprocess.Popen([KNOTD, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        query = dns.message.make_query(f"{zone}.", "SOA")
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"knotd exited: {(workdir / 'knotd.log').read_text()}")
            try:
                dns.query.udp(query, host, port=port, timeout=0.3)
                break
            except (dns.exception.Timeout, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError("knotd did not answer") from None
        yield KnotServer(host, port, zone, "update-key", secret)
    finally:
        stop(proc)
        log.close()
