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
    """A port free for both UDP and TCP (knotd listens on both)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((host, 0))
            port: int = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind((host, port))
                except OSError:
                    continue
        return port


def _zone_file(
    workdir: Path,
    zone: str,
    soa_ttl: int,
    soa_minimum: int,
    host: str,
    refresh: int = 3600,
    retry: int = 900,
) -> Path:
    path = workdir / f"{zone}.zone"
    path.write_text(
        f"$ORIGIN {zone}.\n$TTL {soa_ttl}\n"
        f"@ {soa_ttl} IN SOA ns1.{zone}. hostmaster.{zone}. 1 {refresh} {retry} 604800 "
        f"{soa_minimum}\n"
        f"@ IN NS ns1.{zone}.\nns1 IN A {host}\n"
    )
    return path


def _server_section(workdir: Path, host: str, port: int) -> str:
    return f"""
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
"""


class _Knotd:
    """One knotd process from a config file, restartable."""

    def __init__(self, workdir: Path, config: str, host: str, port: int, zone: str) -> None:
        self.workdir, self.host, self.port, self.zone = workdir, host, port, zone
        workdir.mkdir(parents=True, exist_ok=True)
        self.config = workdir / "knot.conf"
        self.config.write_text(config)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, wait_for_zone: bool = True) -> None:
        log = (self.workdir / "knotd.log").open("a")
        self.proc = subprocess.Popen(
            [KNOTD, "-c", str(self.config)], stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + 15
        query = dns.message.make_query(f"{self.zone}.", "SOA")
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"knotd exited: {(self.workdir / 'knotd.log').read_text()}")
            try:
                answer = dns.query.udp(query, self.host, port=self.port, timeout=0.3)
                if not wait_for_zone or answer.rcode() == dns.rcode.NOERROR:
                    return
            except (dns.exception.Timeout, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("knotd did not answer for its zone")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            stop(self.proc)
        self.proc = None


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
    zone_file = _zone_file(workdir, zone, soa_ttl, soa_minimum, host)
    config = (
        _server_section(workdir, host, port)
        + f"""
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
    file: "{zone_file}"
    storage: "{workdir}"
    acl: allow-update
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: changes
"""
    )
    server = _Knotd(workdir, config, host, port, zone)
    try:
        server.start()
        yield KnotServer(host, port, zone, "update-key", secret)
    finally:
        server.stop()


@dataclass
class KnotTrio:
    """A primary taking signed updates and two secondaries fed by NOTIFY and zone transfers,
    as a provider runs its zone; secondaries can be stopped and started again."""

    primary: KnotServer
    secondaries: list[_Knotd]

    @property
    def servers(self) -> list[tuple[str, int]]:
        """Every authoritative server, the primary first."""
        return [(self.primary.host, self.primary.port)] + [
            (s.host, s.port) for s in self.secondaries
        ]

    def stop_secondary(self, index: int) -> None:
        """Take one secondary down (it answers nothing)."""
        self.secondaries[index].stop()

    def start_secondary(self, index: int) -> None:
        """Bring it back; it catches up from the primary."""
        self.secondaries[index].start()

    def serves(self, index: int, name: str, rdtype: str) -> list[str]:
        """What secondary ``index`` answers for ``name`` right now."""
        s = self.secondaries[index]
        response = dns.query.udp(
            dns.message.make_query(name, rdtype), s.host, port=s.port, timeout=1
        )
        return [r.to_text() for rrset in response.answer for r in rrset]


@contextmanager
def running_knot_trio(
    workdir: Path,
    zone: str = "provider.test",
    soa_minimum: int = 300,
    host: str = "127.0.0.1",
    lagging: bool = False,
) -> Iterator[KnotTrio]:
    """Run a primary and two secondaries for ``zone``.

    With ``lagging`` the second secondary's primary is an address nobody answers on: it never
    gets the zone, and answers SERVFAIL for it, like a secondary that never catches up.
    """
    secret = base64.b64encode(secrets.token_bytes(32)).decode()
    ports = [_free_port(host) for _ in range(3)]
    dead_port = _free_port(host)
    primary_dir = workdir / "primary"
    primary_dir.mkdir(parents=True, exist_ok=True)
    # Secondaries check the primary every two seconds besides NOTIFY, so one that was down
    # catches up soon after it is back (a real provider's refresh is longer; the idea is the same).
    zone_file = _zone_file(primary_dir, zone, 3600, soa_minimum, host, refresh=2, retry=1)
    remotes = "".join(
        f"  - id: secondary{i}\n    address: {host}@{port}\n" for i, port in enumerate(ports[1:])
    )
    primary = _Knotd(
        primary_dir,
        _server_section(primary_dir, host, ports[0])
        + f"""
key:
  - id: update-key
    algorithm: hmac-sha256
    secret: {secret}
remote:
{remotes}acl:
  - id: allow-update
    key: update-key
    action: update
  - id: allow-transfer
    address: {host}
    action: transfer
zone:
  - domain: {zone}
    file: "{zone_file}"
    storage: "{primary_dir}"
    acl: [allow-update, allow-transfer]
    notify: [secondary0, secondary1]
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: changes
""",
        host,
        ports[0],
        zone,
    )
    secondaries = []
    for i, port in enumerate(ports[1:]):
        directory = workdir / f"secondary{i}"
        master_port = dead_port if lagging and i == 1 else ports[0]
        secondaries.append(
            _Knotd(
                directory,
                _server_section(directory, host, port)
                + f"""
remote:
  - id: primary
    address: {host}@{master_port}
acl:
  - id: allow-notify
    address: {host}
    action: notify
zone:
  - domain: {zone}
    storage: "{directory}"
    master: primary
    acl: allow-notify
    journal-content: changes
""",
                host,
                port,
                zone,
            )
        )
    try:
        primary.start()
        for i, secondary in enumerate(secondaries):
            secondary.start(wait_for_zone=not (lagging and i == 1))
        yield KnotTrio(KnotServer(host, ports[0], zone, "update-key", secret), secondaries)
    finally:
        for server in (*secondaries, primary):
            server.stop()
