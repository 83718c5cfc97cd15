"""EDNS and the size of answers: the DO bit (RFC 3225 §3), unknown EDNS versions (RFC 6891
§6.1.3), UDP size limits (RFC 1035 §4.2.1, RFC 6891 §6.2.5) and truncation (RFC 2181 §9)."""

from __future__ import annotations

import dns.exception
import dns.flags
import dns.message
import dns.rcode

# What the servers advertise and accept over UDP with EDNS (RFC 6891 §6.2.5).
EDNS_PAYLOAD = 4096
EDNS_VERSION = 0


def add_edns(response: dns.message.Message, query: dns.message.Message) -> None:
    """An OPT record in ``response`` when ``query`` had one; RFC 3225 §3: "the DO bit of the
    query MUST be copied in the response"."""
    if query.edns >= 0:
        response.use_edns(
            EDNS_VERSION, ednsflags=query.ednsflags & dns.flags.DO, payload=EDNS_PAYLOAD
        )


def bad_version(query: dns.message.Message) -> dns.message.Message | None:
    """RFC 6891 §6.1.3: a version we do not implement gets BADVERS, with our version in the OPT
    record; ``None`` for queries we can answer."""
    if query.edns <= EDNS_VERSION:
        return None
    response = dns.message.make_response(query)
    add_edns(response, query)
    response.set_rcode(dns.rcode.BADVERS)
    return response


def render(response: dns.message.Message, query: dns.message.Message, tcp: bool) -> bytes:
    """``response`` on the wire: over UDP at most 512 bytes, or the client's EDNS size."""
    add_edns(response, query)
    max_size = 65535 if tcp else 512
    if query.edns >= 0 and not tcp:
        max_size = max(512, min(query.payload, EDNS_PAYLOAD))
    try:
        return response.to_wire(max_size=max_size)
    except dns.exception.TooBig:
        # RFC 2181 §9: what does not fit is dropped and TC set; the header stays the answer's
        # (AA, RCODE; RFC 1035 §4.1.1), so the client knows whom to ask again over TCP.
        truncated = dns.message.make_response(query)
        truncated.flags = response.flags | dns.flags.TC
        add_edns(truncated, query)
        return truncated.to_wire(max_size=max_size)
