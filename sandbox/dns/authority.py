"""The provider's authoritative servers: one primary that takes TSIG-signed updates, and
secondaries that serve what the primary had ``propagation_seconds`` ago.
"""

from __future__ import annotations

import base64
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdatatype
import dns.tsig
import dns.tsigkeyring
import dns.update
import dns.zone

from sandbox.clock import Clock
from sandbox.dns import framing, tsig
from sandbox.dns.update import apply_update
from sandbox.dns.zone import Records, ZoneVersion, answer_query

TSIG_ALGORITHM = "hmac-sha256"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TsigKey:
    """The key that may update the zone."""

    name: str
    secret: str
    algorithm: str = TSIG_ALGORITHM

    def keyring(self) -> dict[dns.name.Name, dns.tsig.Key]:
        """dnspython's keyring for this key."""
        return dns.tsigkeyring.from_text({self.name: (self.algorithm, self.secret)})

    @classmethod
    def load_or_create(cls, path: Path, name: str) -> TsigKey:
        """A persistent key, so a configured client keeps working across restarts."""
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
            path.chmod(0o600)
        return cls(name=name, secret=path.read_text().strip())


def initial_records(
    origin: str,
    ns_names: list[str],
    ns_address: str,
    extra: list[str],
    soa_ttl: int = 3600,
    negative_ttl: int = 300,
    record_ttl: int = 300,
) -> Records:
    """The zone at start: SOA, NS for every server, their addresses, and configured records."""
    lines = [
        f"$ORIGIN {origin}.",
        f"$TTL {record_ttl}",
        f"@ {soa_ttl} IN SOA {ns_names[0]}. hostmaster.{origin}. 1 3600 600 1209600 {negative_ttl}",
        *(f"@ {soa_ttl} IN NS {ns}." for ns in ns_names),
        *(f"{ns}. {soa_ttl} IN A {ns_address}" for ns in ns_names),
        *extra,
    ]
    zone = dns.zone.from_text("\n".join(lines), origin=origin, relativize=False, check_origin=True)
    records: dict[dns.name.Name, dict[int, dns.rdataset.Rdataset]] = {}
    for name, node in zone.nodes.items():
        records[name] = {rds.rdtype: rds for rds in node.rdatasets}
    return records


class ProviderZone:
    """Every committed version of the zone, and the view each server serves."""

    def __init__(
        self, origin: str, clock: Clock, records: Records, propagation_seconds: Callable[[], float]
    ) -> None:
        self.origin = dns.name.from_text(origin)
        self._clock = clock
        self._propagation = propagation_seconds
        self._initial = records
        self._versions = [ZoneVersion(self.origin, records, float("-inf"))]

    def reset(self) -> None:
        """Back to the configured records."""
        self._versions = [ZoneVersion(self.origin, self._initial, float("-inf"))]

    def versions(self) -> list[ZoneVersion]:
        """The versions kept (what a snapshot saves)."""
        return list(self._versions)

    def restore(self, versions: list[ZoneVersion]) -> None:
        """Serve saved versions again (a snapshot restored)."""
        if versions:
            self._versions = list(versions)

    @property
    def primary(self) -> ZoneVersion:
        """What the primary serves: the newest version."""
        return self._versions[-1]

    def secondary(self) -> ZoneVersion:
        """What a secondary serves: the newest version at least the propagation delay old."""
        horizon = self._clock.now() - self._propagation()
        for version in reversed(self._versions):
            if version.committed_at <= horizon:
                return version
        return self._versions[0]

    def commit(self, records: Records) -> ZoneVersion:
        """Record a new version; forget versions no secondary can serve any more."""
        version = ZoneVersion(self.origin, records, self._clock.now())
        self._versions.append(version)
        horizon = self._clock.now() - self._propagation()
        keep_from = 0
        for i, old in enumerate(self._versions):
            if old.committed_at <= horizon:
                keep_from = i
        del self._versions[:keep_from]
        return version


class NameServer:
    """One authoritative server of the zone (the primary, or one of the secondaries)."""

    def __init__(self, zone: ProviderZone, key: TsigKey, primary: bool) -> None:
        self._zone = zone
        self._keys = key.keyring()
        self.primary = primary
        self.updates_applied = 0
        self.updates_refused = 0

    def _view(self) -> ZoneVersion:
        return self._zone.primary if self.primary else self._zone.secondary()

    def handle(self, wire: bytes, tcp: bool) -> bytes | None:
        """Answer one DNS message; over UDP answers fit 512 bytes or the client's EDNS size."""
        try:
            # TSIG is checked below, in RFC 8945 §5.2's order, not by the parser.
            message = dns.message.from_wire(wire, keyring=False)
        except dns.exception.DNSException:
            return _bare_response(wire, dns.rcode.FORMERR)
        if message.flags & dns.flags.QR:
            return None  # RFC 1035 §4.1.1: QR marks a response, which is never answered.
        if message.had_tsig:
            now = int(time.time())
            verdict = tsig.verify(wire, message, self._keys, now)
            if verdict.error != dns.rcode.NOERROR:
                self.updates_refused += 1
                answer = dns.message.make_response(message)
                framing.add_edns(answer, message)
                return tsig.error_answer(answer, message, verdict, now)
            # make_response signs answers with the key the query was verified with.
            message.keyring = verdict.key
        refusal = framing.bad_version(message)
        if refusal is not None:
            return refusal.to_wire()
        opcode = message.opcode()
        try:
            if opcode == dns.opcode.UPDATE:
                response = self._update(message)
            elif opcode == dns.opcode.QUERY:
                response = answer_query(self._view(), message)
            else:
                response = dns.message.make_response(message)
                response.set_rcode(dns.rcode.NOTIMP)
        except Exception:
            # A server answers SERVFAIL rather than dropping the client; the zone is unchanged
            # because updates commit only at their end.
            _log.exception("failed to answer a DNS message")
            response = dns.message.make_response(message)
            response.set_rcode(dns.rcode.SERVFAIL)
        return framing.render(response, message, tcp)

    def _update(self, message: dns.message.Message) -> dns.message.Message:
        response = dns.message.make_response(message)
        if (
            not self.primary
            or not message.had_tsig
            or not isinstance(message, dns.update.UpdateMessage)
        ):
            # Updates go to the primary, signed; anything else is refused (RFC 2136 §3.1).
            self.updates_refused += 1
            response.set_rcode(dns.rcode.REFUSED)
            return response
        result = apply_update(self._zone.primary, message)
        if result.records is not None:
            self._zone.commit(result.records)
        if result.rcode == dns.rcode.NOERROR:
            self.updates_applied += 1
        response.set_rcode(result.rcode)
        return response


def _bare_response(wire: bytes, rcode: dns.rcode.Rcode) -> bytes | None:
    """A header-only answer for a message that cannot be (or must not be) read further."""
    if len(wire) < 12:
        return None
    flags = int.from_bytes(wire[2:4], "big")
    opcode = (flags >> 11) & 0xF
    response = dns.message.Message(id=int.from_bytes(wire[0:2], "big"))
    response.flags = dns.flags.QR | (opcode << 11)
    response.set_rcode(rcode)
    return response.to_wire()
