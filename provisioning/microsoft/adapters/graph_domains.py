"""``DomainsPort`` over Microsoft Graph v1.0 (research/graph-entra.md §3.4)."""

from __future__ import annotations

from urllib.parse import quote

from provisioning.microsoft.adapters.http import JsonApi, as_kind, refused
from provisioning.microsoft.errors import ErrorKind, ServiceError
from provisioning.microsoft.ports.domains import Domain


class GraphDomains:
    """Domains of the tenant."""

    def __init__(self, api: JsonApi) -> None:
        self._api = api

    async def get(self, name: str) -> Domain | None:
        """A domain, or ``None``."""
        body = await self._api.get_or_none(f"/domains/{quote(name)}")
        return None if body is None else Domain(body["id"], bool(body.get("isVerified")))

    async def add(self, name: str) -> Domain:
        """``POST /domains``; a refusal because the tenant has it is told by reading it."""
        try:
            body = await self._api.json("POST", "/domains", json={"id": name})
        except ServiceError as exc:
            if refused(exc) and await self.get(name) is not None:
                raise as_kind(exc, ErrorKind.ALREADY_EXISTS) from exc
            raise
        return Domain(body["id"], bool(body.get("isVerified")))

    async def verification_txt(self, name: str) -> str:
        """The ``MS=ms…`` text of the TXT verification record."""
        body = await self._api.json("GET", f"/domains/{quote(name)}/verificationDnsRecords")
        for record in body.get("value", []):
            if str(record.get("recordType", "")).lower() == "txt":
                return str(record["text"])
        raise ServiceError(
            self._api.service,
            ErrorKind.NOT_FOUND,
            f"Microsoft offers no TXT verification record for {name}.",
        )

    async def verify(self, name: str) -> Domain:
        """``POST /domains/{name}/verify`` (a domain verified already counts as verified)."""
        try:
            body = await self._api.json("POST", f"/domains/{quote(name)}/verify")
        except ServiceError as exc:
            if refused(exc):
                domain = await self.get(name)
                if domain is not None and domain.is_verified:
                    return domain
            raise
        return Domain(body["id"], bool(body.get("isVerified")))

    async def delete(self, name: str) -> None:
        """``DELETE /domains/{name}``; refused while still there means objects still use it."""
        try:
            await self._api.request("DELETE", f"/domains/{quote(name)}")
        except ServiceError as exc:
            if refused(exc) or exc.status == 409:
                if await self.get(name) is None:
                    return
                raise as_kind(exc, ErrorKind.IN_USE) from exc
            raise
