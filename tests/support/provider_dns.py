"""A client of the sandbox's provider zone: queries to any of its servers, signed updates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsigkeyring
import dns.update

from tests.support.sandbox_process import SandboxEndpoints


class ProviderDns:
    """Talks DNS to the sandbox's primary (index 0) and secondaries (1…)."""

    def __init__(self, endpoints: SandboxEndpoints) -> None:
        self.zone = endpoints.zone
        self.servers = endpoints.dns_servers
        tsig = endpoints.tsig
        self.key_name = tsig["name"]
        self.algorithm = tsig["algorithm"]
        self.secret = tsig["secret"]
        self.keyring = dns.tsigkeyring.from_text(
            {tsig["name"]: (tsig["algorithm"], tsig["secret"])}
        )

    def fqdn(self, label: str) -> str:
        """``label`` inside the zone, absolute."""
        return f"{label}.{self.zone}."

    def update(
        self,
        build: Callable[[dns.update.UpdateMessage], Any],
        server: int = 0,
        keyring: Any = "default",
        tcp: bool = True,
    ) -> dns.message.Message:
        """Send an UPDATE (signed with the zone's key unless ``keyring`` says otherwise)."""
        ring = self.keyring if keyring == "default" else keyring
        kwargs: dict[str, Any] = {"keyring": ring, "keyalgorithm": self.algorithm} if ring else {}
        update = dns.update.UpdateMessage(self.zone, **kwargs)
        build(update)
        host, port = self.servers[server]
        send = dns.query.tcp if tcp else dns.query.udp
        return send(update, host, port=port, timeout=5)

    def query(
        self, name: str, rdtype: str, server: int = 0, tcp: bool = False, **make: Any
    ) -> dns.message.Message:
        """Ask one server."""
        request = dns.message.make_query(name, rdtype, **make)
        host, port = self.servers[server]
        send = dns.query.tcp if tcp else dns.query.udp
        return send(request, host, port=port, timeout=5)

    def set_txt(self, name: str, text: str, ttl: int = 300) -> None:
        """Replace the TXT records of ``name`` (absolute) through the primary."""
        response = self.update(lambda u: u.replace(name, ttl, "TXT", f'"{text}"'))
        assert response.rcode() == dns.rcode.NOERROR, dns.rcode.to_text(response.rcode())

    def txt(self, name: str, server: int = 0) -> list[str]:
        """The TXT strings one server gives for ``name``."""
        response = self.query(name, "TXT", server)
        return [
            b"".join(r.strings).decode()
            for rrset in response.answer
            for r in rrset
            if rrset.rdtype == dns.rdatatype.TXT
        ]
