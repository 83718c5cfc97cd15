"""The shared sandbox's provider zone, fresh names in it, and raw exchanges with its servers (for
answers a client library would refuse to hand over, such as unsigned TSIG errors)."""

from __future__ import annotations

import socket
import struct
import uuid

import dns.message
import dns.rdtypes.ANY.TSIG
import dns.tsig
import dns.wire
import pytest

from tests.support.harness import Harness
from tests.support.provider_dns import ProviderDns


@pytest.fixture
def zone(sb: Harness) -> ProviderDns:
    """The shared sandbox's provider zone."""
    return ProviderDns(sb.endpoints)


@pytest.fixture
def label() -> str:
    """A fresh name inside the zone."""
    return f"t{uuid.uuid4().hex[:10]}.gbr-lon-tgw"


def exchange(server: tuple[str, int], wire: bytes, tcp: bool = False) -> bytes:
    """Send one message as it is and return the answer's bytes, unchecked."""
    if not tcp:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.settimeout(5)
            udp.sendto(wire, server)
            return udp.recv(65535)
    with socket.create_connection(server, timeout=5) as stream:
        stream.sendall(struct.pack("!H", len(wire)) + wire)
        (length,) = struct.unpack("!H", _read(stream, 2))
        return _read(stream, length)


def _read(stream: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.recv(size - len(data))
        assert chunk, "the server closed the connection"
        data += chunk
    return data


def unverified(wire: bytes) -> dns.message.Message:
    """An answer parsed as it came, its TSIG record read but not checked."""
    return dns.message.from_wire(wire, keyring=False)


def tsig_of(message: dns.message.Message) -> dns.rdtypes.ANY.TSIG.TSIG:
    """The TSIG record's data."""
    assert message.tsig is not None, "the answer carries no TSIG record"
    rdata = message.tsig[0]
    assert isinstance(rdata, dns.rdtypes.ANY.TSIG.TSIG)
    return rdata


def mac_is_valid(answer: bytes, key: dns.tsig.Key, request_mac: bytes) -> bool:
    """RFC 8945 §5.3: the answer's MAC covers the request MAC, the answer without its TSIG
    record, and the TSIG variables (error and other data included)."""
    rdata = tsig_of(unverified(answer))
    parser = dns.wire.Parser(answer)
    _, _, questions, answers, authority, additional = parser.get_struct("!HHHHHH")
    for _ in range(questions):
        parser.get_name(decompress=True)
        parser.get_struct("!HH")
    for _ in range(answers + authority + additional - 1):
        parser.get_name(decompress=True)
        *_, rdlength = parser.get_struct("!HHIH")
        parser.get_bytes(rdlength)
    body = answer[:10] + struct.pack("!H", additional - 1) + answer[12 : parser.current]
    expected, _ = dns.tsig.sign(  # type: ignore[no-untyped-call]
        body, key, rdata.replace(mac=b""), time=rdata.time_signed, request_mac=request_mac
    )
    return bool(expected.mac == rdata.mac)
