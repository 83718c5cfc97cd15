"""``python app.py doctor``: read-only checks of every Microsoft behaviour the product relies on,
against the real tenant of a stored sign-in (or the sandbox), each ok / different / unreachable.

What no sandbox can settle is settled here, before the first customer: the shapes of the Teams
admin API's answers the adapters parse, the scopes and roles the tokens carry, the Graph Teams
endpoints, and the provider's zone (our TSIG key accepted, every authoritative server answering).
Nothing is written anywhere but a change-free signed update to the provider's zone.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import dns.asyncquery
import dns.exception
import dns.message
import dns.rcode
import httpx

from provisioning.engine.clock import Clock
from provisioning.identity.scopes import GRAPH_SCOPES, TEAMS_SCOPES, Purpose
from provisioning.identity.settings import IdentitySettings
from provisioning.identity.tokens import MsalTokens
from provisioning.microsoft.adapters.http import JsonApi, json_field
from provisioning.microsoft.adapters.tls import verify_for
from provisioning.microsoft.errors import GRAPH, TEAMS_ADMIN, ErrorKind, ServiceError
from provisioning.microsoft.settings import MicrosoftSettings, ProviderDnsSettings
from provisioning.ports_factory import probe_adapter, zone_adapter
from provisioning.readiness import missing_roles
from storage.vault import TokenVault


class Verdict(StrEnum):
    """How a check came out."""

    OK = "ok"
    DIFFERENT = "different"  # Microsoft answered, but not as the product expects
    UNREACHABLE = "unreachable"  # no answer, or no sign-in to ask with


@dataclass(frozen=True)
class Finding:
    """One line of the doctor's report."""

    check: str
    verdict: Verdict
    detail: str

    def line(self) -> str:
        """As printed."""
        return f"{self.verdict.value:<12} {self.check:<32} {self.detail}"


class _Different(Exception):  # noqa: N818 - a verdict, raised from inside a check
    """The answer came, and differs from what the product expects."""


def _claims(token: str) -> dict[str, Any]:
    """A JWT's payload, unverified (only to report what the token carries)."""
    try:
        payload = token.split(".")[1]
        data: dict[str, Any] = json.loads(
            base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        )
    except (IndexError, ValueError):
        return {}
    return data


def _expected_scopes(scopes: list[str]) -> set[str]:
    return {s.rsplit("/", 1)[-1] for s in scopes}


class Doctor:
    """Runs the checks for one tenant with its stored sign-ins."""

    def __init__(
        self,
        tenant_id: str,
        microsoft: MicrosoftSettings,
        identity: IdentitySettings,
        dns_settings: ProviderDnsSettings,
        vault: TokenVault,
        clock: Clock,
        msal_client: httpx.Client,
    ) -> None:
        self._tenant = tenant_id
        self._ms = microsoft
        self._dns = dns_settings
        self._tokens = MsalTokens(tenant_id, identity, microsoft, vault, clock, msal_client)

    async def run(self) -> list[Finding]:
        """Every check, in the order they are printed."""
        async with httpx.AsyncClient(
            verify=verify_for(self._ms.ca_bundle), timeout=self._ms.http_timeout_seconds
        ) as client:
            graph = JsonApi(GRAPH, client, self._ms.graph_base_url, self._graph_token)
            teams = JsonApi(TEAMS_ADMIN, client, self._ms.teams_admin_base_url, self._teams_token)
            checks: list[tuple[str, Callable[[], Awaitable[str]]]] = [
                ("entra.graph_token", self._graph_scopes),
                ("entra.teams_admin_token", self._teams_scopes),
                ("graph.organization", lambda: self._organization(graph)),
                ("graph.roles", lambda: self._roles(graph)),
                ("graph.subscribed_skus", lambda: self._skus(graph)),
                ("graph.users_count", lambda: self._count(graph)),
                ("graph.user_configurations", lambda: self._user_configurations(graph)),
                ("graph.number_assignments", lambda: self._numbers(graph)),
                ("teams_admin.configurations", lambda: self._configurations(teams)),
                ("teams_admin.pstn_usages", lambda: self._usages(teams)),
                ("teams_admin.users", lambda: self._teams_users(teams)),
                ("provider_dns.tsig_key", self._zone_key),
                ("provider_dns.servers", self._zone_servers),
            ]
            return [await self._one(name, check) for name, check in checks]

    async def _one(self, name: str, check: Callable[[], Awaitable[str]]) -> Finding:
        try:
            return Finding(name, Verdict.OK, await check())
        except _Different as exc:
            return Finding(name, Verdict.DIFFERENT, str(exc))
        except ServiceError as exc:
            unreachable = exc.kind in (ErrorKind.TRANSIENT, ErrorKind.UNAUTHENTICATED)
            verdict = Verdict.UNREACHABLE if unreachable else Verdict.DIFFERENT
            return Finding(name, verdict, f"{exc.service}: {exc.message}")

    async def _graph_token(self) -> str:
        return await self._tokens.access_token(Purpose.GRAPH)

    async def _teams_token(self) -> str:
        return await self._tokens.access_token(Purpose.TEAMS_ADMIN)

    # ----------------------------------------------------------------------------- Entra

    @staticmethod
    def _scope_report(token: str, wanted: set[str]) -> str:
        claims = _claims(token)
        granted = set(str(claims.get("scp", "")).split())
        missing = sorted(wanted - granted)
        if missing:
            raise _Different(
                f"the token lacks {', '.join(missing)} (it has: {' '.join(sorted(granted))})"
            )
        who = claims.get("upn") or claims.get("unique_name") or "the admin"
        return f"carries {' '.join(sorted(wanted))} for {who}"

    async def _graph_scopes(self) -> str:
        wanted = _expected_scopes(GRAPH_SCOPES)
        return self._scope_report(await self._graph_token(), wanted)

    async def _teams_scopes(self) -> str:
        wanted = _expected_scopes(TEAMS_SCOPES)
        return self._scope_report(await self._teams_token(), wanted)

    # ----------------------------------------------------------------------------- Graph

    @staticmethod
    async def _organization(graph: JsonApi) -> str:
        body = await graph.json("GET", "/organization")
        orgs = body.get("value") if isinstance(body, dict) else None
        if not orgs:
            raise _Different("no organization in the answer")
        initial = [d.get("name") for d in orgs[0].get("verifiedDomains", []) if d.get("isInitial")]
        if not initial:
            raise _Different("no verified domain is marked isInitial")
        country = orgs[0].get("countryLetterCode") or "unknown"
        return f"{orgs[0].get('displayName')}: initial domain {initial[0]}, country {country}"

    @staticmethod
    async def _roles(graph: JsonApi) -> str:
        members = await graph.pages("/me/transitiveMemberOf")
        roles = [m for m in members if m.get("@odata.type") == "#microsoft.graph.directoryRole"]
        if any(not r.get("roleTemplateId") for r in roles):
            raise _Different(
                "directory roles come without roleTemplateId (limited information): the token "
                "needs RoleManagement.Read.Directory"
            )
        held = {str(r["roleTemplateId"]) for r in roles}
        names = ", ".join(sorted(str(r.get("displayName") or r["roleTemplateId"]) for r in roles))
        if not missing_roles(held):
            return f"holds {names}"
        raise _Different(f"holds {names or 'no directory role'}: not enough to provision")

    @staticmethod
    async def _skus(graph: JsonApi) -> str:
        skus = await graph.pages("/subscribedSkus")
        for sku in skus:
            if "prepaidUnits" not in sku or "servicePlans" not in sku:
                raise _Different(f"{sku.get('skuPartNumber')} lacks prepaidUnits or servicePlans")
        return f"{len(skus)} subscription(s)"

    @staticmethod
    async def _count(graph: JsonApi) -> str:
        response = await graph.request(
            "GET", "/users/$count", headers={"ConsistencyLevel": "eventual"}
        )
        text = response.content.decode("utf-8-sig").strip()
        if not text.isdigit():
            raise _Different(f"/users/$count answered {text[:40]!r}, not a number")
        bom = " (with a byte-order mark)" if response.content.startswith(b"\xef\xbb\xbf") else ""
        return f"{text} user(s){bom}"

    @staticmethod
    async def _user_configurations(graph: JsonApi) -> str:
        body = await graph.json("GET", "/admin/teams/userConfigurations", params={"$top": "5"})
        items = body.get("value", []) if isinstance(body, dict) else []
        for item in items:
            missing = [f for f in ("id", "userPrincipalName", "telephoneNumbers") if f not in item]
            if missing:
                raise _Different(f"an entry lacks {', '.join(missing)}")
        return f"{len(items)} entr(y/ies) read; fields as expected"

    @staticmethod
    async def _numbers(graph: JsonApi) -> str:
        body = await graph.json(
            "GET",
            "/admin/teams/telephoneNumberManagement/numberAssignments",
            params={"$top": "5"},
        )
        items = body.get("value", []) if isinstance(body, dict) else []
        for item in items:
            if "numberType" not in item or "telephoneNumber" not in item:
                raise _Different("an assignment lacks numberType or telephoneNumber")
        return f"{len(items)} assignment(s) read; numberType present"

    # ------------------------------------------------------------------------ Teams admin

    @staticmethod
    async def _configurations(teams: JsonApi) -> str:
        kinds = (
            "TenantDialPlan",
            "OnlineVoiceRoutingPolicy",
            "OnlinePSTNGateway",
            "OnlineVoiceRoute",
        )
        found = []
        for kind in kinds:
            body = await teams.json("GET", f"/Skype.Policy/configurations/{kind}")
            items = body if isinstance(body, list) else (json_field(body, "value") or [body])
            if not all(isinstance(i, dict) and json_field(i, "Identity") for i in items if i):
                raise _Different(f"{kind}: entries without an Identity")
            found.append(f"{kind} {len([i for i in items if i])}")
        return ", ".join(found)

    @staticmethod
    async def _usages(teams: JsonApi) -> str:
        body = await teams.json("GET", "/Skype.Policy/configurations/OnlinePstnUsages")
        instances = body if isinstance(body, list) else [body]
        glob = next(
            (
                i
                for i in instances
                if str(json_field(i, "Identity", "")) in ("Global", "Tag:Global")
            ),
            None,
        )
        if glob is None or not isinstance(json_field(glob, "Usage"), list):
            raise _Different("no Global instance with a Usage list")
        return f"Global list with {len(json_field(glob, 'Usage'))} usage(s)"

    @staticmethod
    async def _teams_users(teams: JsonApi) -> str:
        body = await teams.json("GET", "/Teams.User/users", params={"top": "5"})
        envelope = "a bare list"
        items: list[Any] = body if isinstance(body, list) else []
        if isinstance(body, dict):
            for key in ("users", "Users", "value"):
                if isinstance(body.get(key), list):
                    envelope, items = f"'{key}'", body[key]
                    break
            else:
                raise _Different(f"no list of users in the answer (keys: {sorted(body)})")
        notes = [f"envelope {envelope}"]
        for item in items:
            if not (
                json_field(item, "objectId")
                or json_field(item, "identity")
                or json_field(item, "id")
            ):
                raise _Different("a user without objectId/Identity/id")
            if not json_field(item, "userPrincipalName"):
                raise _Different("a user without userPrincipalName")
        if items:
            first = items[0]
            casing = "PascalCase" if any(k[:1].isupper() for k in first) else "camelCase"
            flat = json_field(first, "onlineVoiceRoutingPolicy") is not None or any(
                k.lower() == "onlinevoiceroutingpolicy" for k in first
            )
            effective = json_field(first, "effectivePolicyAssignments") is not None
            if not (flat or effective):
                raise _Different("users carry neither policy fields nor effectivePolicyAssignments")
            notes += [
                casing,
                "policies "
                + ("flat" if flat else "")
                + (" + " if flat and effective else "")
                + ("effective" if effective else ""),
                f"AccountType {json_field(first, 'accountType')!r}",
            ]
        if isinstance(body, dict):
            link = next((k for k in ("nextLink", "NextLink", "@odata.nextLink") if k in body), None)
            notes.append(f"paging key {link}" if link else "no next link on this page")
        return "; ".join(notes)

    # ---------------------------------------------------------------------- provider DNS

    async def _zone_key(self) -> str:
        await zone_adapter(self._dns).check_access()
        where = self._dns.provider_dns_primary
        return f"{self._dns.provider_zone} takes our signed updates at {where}"

    async def _zone_servers(self) -> str:
        servers = self._dns.probe_servers or [self._dns.primary_server]
        zone = self._dns.provider_zone.rstrip(".") + "."
        silent = []
        for host, port in servers:
            query = dns.message.make_query(zone, "SOA")
            try:
                response, _ = await dns.asyncquery.udp_with_fallback(
                    query, host, port=port, timeout=self._dns.dns_timeout_seconds
                )
            except (dns.exception.DNSException, OSError):
                silent.append(f"{host}:{port} (no answer)")
                continue
            if response.rcode() != dns.rcode.NOERROR or not response.answer:
                silent.append(f"{host}:{port} ({dns.rcode.to_text(response.rcode())})")
        if silent:
            raise ServiceError(
                "the provider's DNS",
                ErrorKind.TRANSIENT,
                "not answering for the zone: " + ", ".join(silent),
            )
        await probe_adapter(self._dns).negative_ttl()
        return f"all {len(servers)} server(s) answer for {zone}"


def exit_code(findings: list[Finding]) -> int:
    """0 when every check is ok, 1 otherwise."""
    return 0 if all(f.verdict == Verdict.OK for f in findings) else 1
