"""``DnsZonePort`` with dnspython: RFC 2136 UPDATE over TCP to the primary, signed with TSIG."""

from __future__ import annotations

import dns.asyncquery
import dns.exception
import dns.message
import dns.rcode
import dns.tsig
import dns.tsigkeyring
import dns.update

from provisioning import metrics
from provisioning.microsoft.errors import PROVIDER_DNS as SERVICE
from provisioning.microsoft.errors import ErrorKind, ServiceError


def _quoted(rdtype: str, values: list[str]) -> list[str]:
    if rdtype.upper() != "TXT":
        return values
    return ['"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values]


class DnsZoneAdapter:
    """Changes to the provider's zone."""

    def __init__(
        self,
        zone: str,
        primary: tuple[str, int],
        key_name: str,
        secret: str,
        algorithm: str = "hmac-sha256",
        timeout: float = 10.0,
    ) -> None:
        self._zone = zone.rstrip(".")
        self._primary = primary
        self._algorithm = algorithm
        self._keyring = (
            dns.tsigkeyring.from_text({key_name: (algorithm, secret)})
            if key_name and secret
            else None
        )
        self._timeout = timeout

    @property
    def zone(self) -> str:
        """The zone's name."""
        return self._zone

    def _update(self) -> dns.update.UpdateMessage:
        if self._keyring is None:
            raise ServiceError(
                SERVICE, ErrorKind.DENIED, "No TSIG key is configured for the provider's zone."
            )
        return dns.update.UpdateMessage(
            self._zone, keyring=self._keyring, keyalgorithm=self._algorithm
        )

    async def _send(self, update: dns.update.UpdateMessage) -> None:
        host, port = self._primary
        try:
            with metrics.microsoft_call("dns") as call:
                response = await dns.asyncquery.tcp(update, host, port=port, timeout=self._timeout)
                call.answered(dns.rcode.to_text(response.rcode()))
        except (dns.tsig.PeerBadKey, dns.tsig.PeerBadSignature, dns.tsig.PeerBadTime) as exc:
            raise ServiceError(
                SERVICE, ErrorKind.DENIED, f"The zone refused our TSIG key ({type(exc).__name__})."
            ) from exc
        except (dns.exception.DNSException, OSError) as exc:
            raise ServiceError(
                SERVICE, ErrorKind.TRANSIENT, f"No answer from {host}:{port}: {exc}"
            ) from exc
        rcode = response.rcode()
        if rcode == dns.rcode.NOERROR:
            return
        text = dns.rcode.to_text(rcode)
        if rcode in (dns.rcode.REFUSED, dns.rcode.NOTAUTH):
            raise ServiceError(
                SERVICE, ErrorKind.DENIED, f"The zone refused the update ({text}).", code=text
            )
        if rcode == dns.rcode.SERVFAIL:
            raise ServiceError(SERVICE, ErrorKind.TRANSIENT, "SERVFAIL", code=text)
        raise ServiceError(SERVICE, ErrorKind.INVALID, f"The update failed ({text}).", code=text)

    async def set_records(self, name: str, rdtype: str, values: list[str], ttl: int) -> None:
        """Replace an RRset (idempotent)."""
        update = self._update()
        update.replace(name, ttl, rdtype, *_quoted(rdtype, values))
        await self._send(update)

    async def delete_records(self, name: str, rdtype: str | None = None) -> None:
        """Delete an RRset, or all RRsets of a name (idempotent)."""
        update = self._update()
        if rdtype:
            update.delete(name, rdtype)
        else:
            update.delete(name)
        await self._send(update)

    async def check_access(self) -> None:
        """A signed update whose only content is "the zone apex exists": NOERROR proves access."""
        update = self._update()
        update.present(self._zone + ".", "SOA")
        await self._send(update)
