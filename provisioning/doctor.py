"""``python app.py doctor``: read-only checks of every Microsoft behaviour the product relies on,
against the real tenant of a stored sign-in (or the sandbox), each ok / different / unreachable.

What no sandbox can settle is settled here, before the first customer: the shapes of the Teams
admin API's answers the adapters parse, the scopes and roles the tokens carry, the Graph Teams
endpoints, and the provider's zone (our TSIG key accepted, every authoritative server answering).
Nothing is written anywhere but a change-free signed update to the provider's zone.

An answer that departs from the shape the product was built against (the sandbox's default,
which follows the best public evidence) is "different" even where the product copes, saying how.
What only a write would show is not checked: whether the Teams admin API creates by POST or PUT,
wants the ``Key`` envelope back, unassigns with "" or null, refuses a dependency with 409 or 400,
and whether activating a Direct Routing domain needs a Teams licence beside MCOSTANDARD.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
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
    copes: bool = False  # different, in a way the product was made to cope with

    def line(self) -> str:
        """As printed."""
        return f"{self.verdict.value:<12} {self.check:<32} {self.detail}"


class _Different(Exception):  # noqa: N818 - a verdict, raised from inside a check
    """The answer came, and differs from what the product expects (``copes``: the product
    has an alternative for it)."""

    def __init__(self, detail: str, *, copes: bool = False) -> None:
        super().__init__(detail)
        self.copes = copes


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


# Any one of these lets /me/transitiveMemberOf show directory roles in full (F1; Graph's
# directoryrole-get: "Least privileged: RoleManagement.Read.Directory").
_ROLE_READING = ("RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory")
_ROLE_READING_TOO = ("Directory.Read.All", "Directory.ReadWrite.All")

# The shape of Get-CsOnlineUser over REST the Teams admin adapter was built against, which is the
# sandbox's default (fidelity-review-2.md F3: go-teams' live-validated sample).
_USERS_BUILT_FOR = (
    "one {'users': [...]} answer of camelCase users with effectivePolicyAssignments, no next link"
)
# The link keys TeamsVoiceUsers.users follows (nextLink in any casing, @odata.nextLink).
_FOLLOWED_LINKS = ("nextlink", "@odata.nextlink")
_FLAT_POLICIES = ("onlinevoiceroutingpolicy", "tenantdialplan")
# The filter graph_user_sync's delta voice pass sends; only its modifiedDateTime clause is in doubt.
_DELTA_FILTER = (
    "isEnterpriseVoiceEnabled eq true or "
    "telephoneNumbers/any(t:t/assignmentCategory eq 'primary') or "
    "modifiedDateTime ge {since}"
)


def _users_differences(body: Any) -> tuple[list[Any], list[str], list[str]]:
    """A Teams users page: its users, what differs with the product coping, and what it cannot."""
    copes: list[str] = []
    breaks: list[str] = []
    if isinstance(body, list):
        items: list[Any] = body
        copes.append("a bare list instead of the 'users' envelope (read as well)")
    elif isinstance(body, dict):
        key = "users" if isinstance(body.get("users"), list) else None
        key = key or next(
            (k for k in body if k.lower() in ("users", "value") and isinstance(body[k], list)),
            None,
        )
        if key is None:
            raise _Different(f"no list of users in the answer (keys: {sorted(body)})")
        items = body[key]
        if key != "users":
            copes.append(f"the users come under {key!r}, not 'users' (read as well)")
        links = [k for k in body if k != key and ("link" in k.lower() or "skip" in k.lower())]
        followed = [k for k in links if k.lower() in _FOLLOWED_LINKS]
        for link in followed[:1]:
            copes.append(f"paged, the next page's link under {link!r} (followed)")
        if links and not followed:
            breaks.append(
                f"paged by {', '.join(map(repr, links))}, which the product does not follow: "
                "it would read only the first page of users"
            )
    else:
        raise _Different(f"the answer is not a list of users but {type(body).__name__}")
    keys = {k for item in items if isinstance(item, dict) for k in item}
    pascal = sorted(k for k in keys if k[:1].isupper())
    if pascal:
        shown = ", ".join(pascal[:3]) + ("…" if len(pascal) > 3 else "")
        copes.append(f"PascalCase fields ({shown}) instead of camelCase (matched in any casing)")
    flat = sorted(k for k in keys if k.lower() in _FLAT_POLICIES)
    effective = any(k.lower() == "effectivepolicyassignments" for k in keys)
    if flat:
        where = "beside" if effective else "instead of"
        copes.append(
            f"flat policy fields ({', '.join(flat)}) {where} effectivePolicyAssignments "
            "(a flat field is read first)"
        )
    elif items and not effective:
        breaks.append(
            "users carry neither flat policy fields nor effectivePolicyAssignments: "
            "the product could not see their policies"
        )
    return items, copes, breaks


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
        self._clock = clock
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
            return Finding(name, Verdict.DIFFERENT, str(exc), exc.copes)
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

    async def _roles(self, graph: JsonApi) -> str:
        members = await graph.pages("/me/transitiveMemberOf")
        roles = [m for m in members if m.get("@odata.type") == "#microsoft.graph.directoryRole"]
        if any(not r.get("roleTemplateId") for r in roles):
            granted = set(str(_claims(await self._graph_token()).get("scp", "")).split())
            readers = sorted(granted & {*_ROLE_READING, *_ROLE_READING_TOO})
            why = (
                f"Graph withholds them although the token carries {', '.join(readers)}"
                if readers
                else "the token lacks RoleManagement.Read.Directory (and Directory.Read.All)"
            )
            raise _Different(
                f"directory roles come with limited information (only @odata.type and id): {why}; "
                "the product cannot see the admin's roles, so readiness fails them until an "
                "admin signs in again with that scope"
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

    async def _user_configurations(self, graph: JsonApi) -> str:
        body = await graph.json("GET", "/admin/teams/userConfigurations", params={"$top": "5"})
        items = body.get("value", []) if isinstance(body, dict) else []
        for item in items:
            missing = [f for f in ("id", "userPrincipalName", "telephoneNumbers") if f not in item]
            if missing:
                raise _Different(f"an entry lacks {', '.join(missing)}")
        since = datetime.fromtimestamp(self._clock.now() - 86400, tz=UTC)
        delta = _DELTA_FILTER.format(since=since.strftime("%Y-%m-%dT%H:%M:%SZ"))
        try:
            await graph.json(
                "GET", "/admin/teams/userConfigurations", params={"$filter": delta, "$top": "1"}
            )
        except ServiceError as exc:
            # Which properties the list filters on is undocumented ([INF]); refused, the
            # product's delta syncs read every user instead.
            if exc.kind != ErrorKind.INVALID:
                raise
            raise _Different(
                f"the delta filter on modifiedDateTime is refused ({exc.message}), where the "
                "product was built for it being taken: the product copes, its delta syncs read "
                "every user instead (slower, no change missed)",
                copes=True,
            ) from exc
        return f"{len(items)} entr(y/ies) read; fields as expected; modifiedDateTime filters"

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
        # top=1: a paging API shows its link on the first page of any tenant with two users; the
        # shape built for answers every user at once whatever top says.
        body = await teams.json("GET", "/Teams.User/users", params={"top": "1"})
        items, copes, breaks = _users_differences(body)
        for item in items:
            if not (
                json_field(item, "objectId")
                or json_field(item, "identity")
                or json_field(item, "id")
            ):
                raise _Different("a user without objectId/Identity/id")
            if not json_field(item, "userPrincipalName"):
                raise _Different("a user without userPrincipalName")
        if breaks or copes:
            coping = "" if breaks else "; the product copes with each"
            raise _Different(
                f"differs from what the product was built for ({_USERS_BUILT_FOR}): "
                f"{'; '.join(breaks + copes)}{coping}",
                copes=not breaks,
            )
        account = json_field(items[0], "accountType") if items else None
        paging = (
            "no next link"
            if len(items) > 1
            else "one user only, so whether the API pages could not be seen"
        )
        return (
            f"{len(items)} camelCase user(s) in one 'users' envelope with "
            f"effectivePolicyAssignments, {paging}; AccountType {account!r}"
        )

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
