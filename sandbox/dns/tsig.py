"""TSIG as a server checks it (RFC 8945 §5.2): key, then MAC, then time, in that order; and the
error answers each failure gets (§5.2.1-§5.2.3, shaped as §5.3.2 says).

The time check uses the wall clock, not the sandbox's movable clock: clients sign with theirs.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Mapping
from dataclasses import dataclass

import dns.exception
import dns.message
import dns.name
import dns.rcode
import dns.rdtypes.ANY.TSIG
import dns.rrset
import dns.tsig
import dns.wire


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a signed message: its key, or the TSIG error to answer with."""

    key: dns.tsig.Key | None
    error: int = dns.rcode.NOERROR


def _tsig_offset(wire: bytes) -> int:
    """Where the TSIG record (the last one of the message, RFC 8945 §5.1) starts."""
    parser = dns.wire.Parser(wire)
    _, _, questions, answers, authority, additional = parser.get_struct("!HHHHHH")
    for _ in range(questions):
        parser.get_name(decompress=True)
        parser.get_struct("!HH")
    for _ in range(answers + authority + additional - 1):
        parser.get_name(decompress=True)
        *_, rdlength = parser.get_struct("!HHIH")
        parser.get_bytes(rdlength)
    return parser.current


def verify(
    wire: bytes,
    message: dns.message.Message,
    keys: Mapping[dns.name.Name, dns.tsig.Key],
    now: int,
) -> Verdict:
    """Check the TSIG of ``message`` (parsed from ``wire`` without verification)."""
    assert message.tsig is not None
    owner = message.tsig.name
    rdata = message.tsig[0]
    assert isinstance(rdata, dns.rdtypes.ANY.TSIG.TSIG)
    key = keys.get(owner)
    # §5.2.1: an unknown key name, or a known name with another algorithm, is BADKEY.
    if key is None or key.algorithm != rdata.algorithm:
        return Verdict(None, dns.rcode.BADKEY)
    try:
        # §5.2.2 before §5.2.3: the MAC is checked as if the clocks agreed, so a forged
        # message is BADSIG whatever its time says.
        dns.tsig.validate(  # type: ignore[no-untyped-call]
            wire, key, owner, rdata, rdata.time_signed, None, _tsig_offset(wire)
        )
    except dns.exception.DNSException:
        return Verdict(key, dns.rcode.BADSIG)
    if abs(rdata.time_signed - now) > rdata.fudge:
        return Verdict(key, dns.rcode.BADTIME)
    return Verdict(key)


def _append(wire: bytes, owner: dns.name.Name, rdata: dns.rdtypes.ANY.TSIG.TSIG) -> bytes:
    """``wire`` with a TSIG record added at the end of its additional section."""
    record = io.BytesIO()
    dns.rrset.from_rdata(owner, 0, rdata).to_wire(record)
    (additional,) = struct.unpack("!H", wire[10:12])
    return wire[:10] + struct.pack("!H", additional + 1) + wire[12:] + record.getvalue()


def error_answer(
    answer: dns.message.Message, request: dns.message.Message, verdict: Verdict, now: int
) -> bytes:
    """``answer`` (NOTAUTH) with the TSIG record that names ``verdict.error``.

    §5.2.1 and §5.2.2: BADKEY and BADSIG answers "MUST be unsigned" (MAC size 0, §5.3.2). §5.2.3:
    a BADTIME answer "MUST be signed by the same key as the request", with the client's time in
    Time Signed and the server's time (48 bits) in Other Data.
    """
    assert request.tsig is not None
    owner = request.tsig.name
    asked = request.tsig[0]
    assert isinstance(asked, dns.rdtypes.ANY.TSIG.TSIG)
    answer.set_rcode(dns.rcode.NOTAUTH)
    wire = answer.to_wire()
    if verdict.error != dns.rcode.BADTIME or verdict.key is None:
        unsigned = asked.replace(mac=b"", error=verdict.error, other=b"")
        assert isinstance(unsigned, dns.rdtypes.ANY.TSIG.TSIG)
        return _append(wire, owner, unsigned)
    variables = asked.replace(mac=b"", error=verdict.error, other=now.to_bytes(6, "big"))
    signed, _ = dns.tsig.sign(  # type: ignore[no-untyped-call]
        wire, verdict.key, variables, time=asked.time_signed, request_mac=asked.mac
    )
    assert isinstance(signed, dns.rdtypes.ANY.TSIG.TSIG)
    return _append(wire, owner, signed)
