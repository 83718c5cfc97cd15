"""One tenant: its users, domains, subscriptions, role instances, consents and change log."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from sandbox.catalog.licences import PLANS_BY_ID, SKUS_BY_ID
from sandbox.directory.errors import (
    DirectoryError,
    bad_request,
    conflict,
    invalid_value,
    not_found,
)
from sandbox.directory.model import Domain, LicenceGrant, Subscription, User, new_guid
from sandbox.knobs import TenantKnobs
from sandbox.voice.state import VoiceState

# Characters Entra allows in the local part of a UPN (research/graph-entra.md §3.4).
_UPN_LOCAL = re.compile(r"^[A-Za-z0-9'.\-_!#^~]+$")
# Entra's UPN lengths: up to 64 characters before the @, 48 after it, 113 in all
# (learn.microsoft.com/entra/identity/authentication/concept-sspr-policy, "UserPrincipalName
# policies that apply to all user accounts").
_UPN_LOCAL_MAX = 64
_UPN_DOMAIN_MAX = 48
_UPN_MAX = 113
# Deleted users stay in the recycle bin for 30 days, then are purged by themselves
# (Graph user-delete; directory-deleteditems-restore: "After 30 days, the item is permanently
# deleted").
RECYCLE_BIN_SECONDS = 30 * 86400
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def valid_domain_name(name: str) -> bool:
    """Whether ``name`` is a syntactically valid DNS name with at least two labels."""
    labels = name.lower().split(".")
    return len(name) <= 253 and len(labels) >= 2 and all(_LABEL.match(label) for label in labels)


def password_is_complex(password: str) -> bool:
    """Entra's default rule: 8 to 256 characters, three of four character classes."""
    if not 8 <= len(password) <= 256:
        return False
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes) >= 3


class Change(NamedTuple):
    """One entry of a delta round: a live user, or the removal of one."""

    version: int
    user_id: str
    user: User | None
    # ``changed`` (in the recycle bin, restorable) or ``deleted`` (purged); None for live users
    # (Graph delta-query-overview: the two reasons of ``@removed``).
    removed: str | None


@dataclass
class Consents:
    """Consent granted to one application in a tenant."""

    # Delegated scope keys granted for every user (admin consent).
    tenant_wide: set[str] = field(default_factory=set)
    # Delegated scope keys a user granted for themselves, by user id.
    by_user: dict[str, set[str]] = field(default_factory=dict)
    # Application permissions (app roles), as ``<resource app id>/<value>``.
    app_roles: set[str] = field(default_factory=set)

    def delegated_for(self, user_id: str) -> set[str]:
        """Every delegated scope key ``user_id`` may get a token for."""
        return self.tenant_wide | self.by_user.get(user_id, set())


class Tenant:
    """A Microsoft 365 tenant as the sandbox holds it."""

    def __init__(
        self,
        tenant_id: str,
        display_name: str,
        initial_domain: str,
        created_at: float,
        country: str = "US",
    ) -> None:
        self.id = tenant_id
        self.display_name = display_name
        self.country = country
        self.created_at = created_at
        self.knobs = TenantKnobs()
        self.domains: dict[str, Domain] = {}
        self.users: dict[str, User] = {}
        self._upn_index: dict[str, User] = {}
        # The recycle bin: soft-deleted users by id, restorable until purged.
        self._deleted: dict[str, User] = {}
        # Microsoft lets a live user take a soft-deleted user's UPN (Restore-MsolUser's
        # -NewUserPrincipalName "should be used if the original UserPrincipalName of the user is
        # in use by another active user"; Graph's restore takes newUserPrincipalName for the same
        # reason). True makes the recycle bin hold the UPN instead (the review's reading of F6).
        self.deleted_upns_reserved = False
        # Users in creation order; deleted ones are skipped and compacted away occasionally.
        self._order: list[User] = []
        self._seqs: list[int] = []
        self._next_seq = 1
        self.subscriptions: dict[str, Subscription] = {}
        self.role_instances: dict[str, str] = {}
        self.consents: dict[str, Consents] = {}
        self.voice = VoiceState()
        # Change tracking for delta queries: every mutation gets the next version.
        self.version = 0
        # (version, user id, reason) for every soft deletion and purge, oldest first.
        self.tombstones: list[tuple[int, str, str]] = []
        domain = Domain(
            name=initial_domain.lower(),
            created_at=created_at,
            verification_code=self._verification_code(initial_domain),
            is_verified=True,
            verified_at=created_at,
            is_initial=True,
            is_default=True,
            supported_services=["Email", "OfficeCommunicationsOnline"],
        )
        self.domains[domain.name] = domain

    # ----------------------------------------------------------------- domains

    @property
    def initial_domain(self) -> Domain:
        """The ``*.onmicrosoft.com`` domain the tenant was created with."""
        return next(d for d in self.domains.values() if d.is_initial)

    def _verification_code(self, name: str) -> str:
        digest = hashlib.sha256(f"{self.id}/{name.lower()}".encode()).hexdigest()
        return f"ms{int(digest[:12], 16) % 100_000_000:08d}"

    def find_domain(self, name: str) -> Domain | None:
        """The tenant's domain called ``name``, if any."""
        return self.domains.get(name.lower())

    def add_domain(self, name: str, now: float) -> Domain:
        """Register an unverified domain (or a subdomain of a verified one, verified at once)."""
        name = name.lower().rstrip(".")
        if not valid_domain_name(name):
            raise bad_request(f"Domain name '{name}' is invalid.")
        if name.endswith(".onmicrosoft.com"):
            raise bad_request(
                "The domain 'onmicrosoft.com' is reserved and cannot be added to a tenant."
            )
        if name in self.domains:
            raise conflict("id")
        parent = self._registered_parent(name)
        domain = Domain(
            name=name,
            created_at=now,
            verification_code=self._verification_code(name),
            is_root=parent is None,
        )
        if parent is not None and parent.is_verified:
            # Subdomains of a verified root are verified automatically (§3.3).
            domain.mark_verified(now)
        self.domains[name] = domain
        return domain

    def _registered_parent(self, name: str) -> Domain | None:
        labels = name.split(".")
        for i in range(1, len(labels) - 1):
            parent = self.domains.get(".".join(labels[i:]))
            if parent is not None and not parent.is_initial:
                return parent
        return None

    def users_on_domain(self, name: str) -> list[User]:
        """Users whose UPN is on ``name``."""
        name = name.lower()
        return [u for u in self.users.values() if u.upn_domain == name]

    def delete_domain(self, name: str) -> None:
        """Remove a domain; refused for the initial domain and while users still use it.

        Users in the recycle bin count: they keep their UPN and a restore would bring it back
        (Graph domain-delete: "will fail if there are any resources or objects still dependent
        on the domain"; that soft-deleted users are among them is the review's inference, F6).
        """
        domain = self.domains.get(name.lower())
        if domain is None:
            raise not_found(name)
        if domain.is_initial:
            raise bad_request("The initial domain of a tenant cannot be deleted.")
        if domain.is_default:
            raise bad_request("The default domain of a tenant cannot be deleted.")
        in_bin = any(u.upn_domain == domain.name for u in self._deleted.values())
        if in_bin or self.users_on_domain(domain.name):
            # [INF] The wording and the 400 are the sandbox's own: no public source quotes
            # Graph's answer (searched: Graph docs and issues, code, research/). What is
            # documented is the rule and its pointer, domain-delete.md: "Attempts to delete will
            # fail if there are any resources or objects still dependent on the domain. You can
            # find all dependent resources by using the List domainNameReferences API."
            raise bad_request(
                f"Unable to delete domain '{domain.name}'. It is referenced by one or more "
                "objects. Remove the references (see domainNameReferences) and try again."
            )
        del self.domains[domain.name]

    def verified_domain_names(self) -> list[str]:
        """Names of the verified domains."""
        return [d.name for d in self.domains.values() if d.is_verified]

    # ------------------------------------------------------------------- users

    def _bump(self) -> int:
        self.version += 1
        return self.version

    def find_user(self, ref: str) -> User | None:
        """A user by object id or by UPN (case-insensitive)."""
        user = self.users.get(ref) or self.users.get(ref.lower())
        if user is None and "@" in ref:
            user = self._upn_index.get(ref.lower())
        return user

    def check_new_upn(self, upn: str) -> None:
        """Refuse a UPN that is malformed, too long, on a foreign or unverified domain, or taken."""
        local, sep, domain = upn.partition("@")
        if (
            not sep
            or not local
            or not _UPN_LOCAL.match(local)
            # "can't contain a period character '.' immediately preceding the @" (same page).
            or local.endswith(".")
            or len(local) > _UPN_LOCAL_MAX
            or len(domain) > _UPN_DOMAIN_MAX
            or len(upn) > _UPN_MAX
        ):
            raise invalid_value("userPrincipalName", "User")
        registered = self.domains.get(domain.lower())
        if registered is None or not registered.is_verified:
            raise bad_request(
                "The domain portion of the userPrincipalName property is invalid. You must use "
                "one of the verified domain names in your organization."
            )
        if upn.lower() in self._upn_index or (
            self.deleted_upns_reserved
            and any(u.user_principal_name.lower() == upn.lower() for u in self._deleted.values())
        ):
            raise conflict("userPrincipalName")

    def add_user(
        self, user_id: str, upn: str, display_name: str, mail_nickname: str, now: float
    ) -> User:
        """Create a user; the caller has validated the UPN with :meth:`check_new_upn`."""
        user = User(
            id=user_id,
            user_principal_name=upn,
            display_name=display_name,
            mail_nickname=mail_nickname,
            created_at=now,
            seq=self._next_seq,
            version=self._bump(),
        )
        self._next_seq += 1
        self.users[user.id] = user
        self._upn_index[upn.lower()] = user
        self._order.append(user)
        self._seqs.append(user.seq)
        return user

    def rename_user(self, user: User, new_upn: str) -> None:
        """Change a user's UPN, keeping the index right."""
        self.check_new_upn(new_upn)
        del self._upn_index[user.user_principal_name.lower()]
        user.user_principal_name = new_upn
        self._upn_index[new_upn.lower()] = user

    def touch(self, user: User) -> None:
        """Record that ``user`` changed, for delta queries."""
        user.version = self._bump()

    def delete_user(self, user: User, now: float) -> None:
        """Move a user to the recycle bin: gone from the directory, seats freed, restorable.

        "deleting the user frees up the Microsoft 365 license assigned to that user"
        (MicrosoftDocs/microsoft-365-docs admin/misc/deleted-user.md); the grants are remembered
        for a restore. Teams voice state goes with the user, as before soft deletion existed.
        """
        for sku_id in user.licences:
            self.subscriptions[sku_id].consumed_units -= 1
        self.voice.forget_user(user.id)
        user.deleted_at = now
        del self.users[user.id]
        del self._upn_index[user.user_principal_name.lower()]
        self._deleted[user.id] = user
        self.tombstones.append((self._bump(), user.id, "changed"))
        if len(self._order) > 1024 and len(self.users) < len(self._order) // 2:
            self._order = [u for u in self._order if not u.deleted]
            self._seqs = [u.seq for u in self._order]

    def deleted_users(self, now: float | None = None) -> list[User]:
        """Users in the recycle bin, oldest deletion first (purging expired ones when ``now``)."""
        if now is not None:
            self.purge_expired(now)
        return sorted(self._deleted.values(), key=lambda u: (u.deleted_at or 0.0, u.id))

    def find_deleted_user(self, user_id: str) -> User | None:
        """A user in the recycle bin, by object id."""
        return self._deleted.get(user_id.lower())

    def restore_user(self, user: User, new_upn: str | None = None) -> None:
        """Bring a user back from the recycle bin, with its licences where seats remain.

        The UPN must be free again (Graph directory-deleteditems-restore, ``newUserPrincipalName``
        for when it is not). "Restored users regain their previous username and license
        assignment (if available)" (third-party admin guide): a licence without a free seat is
        dropped rather than refusing the restore.
        """
        upn = user.user_principal_name
        if new_upn is not None:
            self.check_new_upn(new_upn)
            upn = new_upn
        elif upn.lower() in self._upn_index:
            raise conflict("userPrincipalName")
        for sku_id in list(user.licences):
            subscription = self.subscriptions[sku_id]
            if subscription.free_units > 0:
                subscription.consumed_units += 1
            else:
                del user.licences[sku_id]
        del self._deleted[user.id]
        user.deleted_at = None
        user.user_principal_name = upn
        self.users[user.id] = user
        self._upn_index[upn.lower()] = user
        at = bisect_left(self._seqs, user.seq)
        if at == len(self._seqs) or self._seqs[at] != user.seq:
            self._seqs.insert(at, user.seq)
            self._order.insert(at, user)
        user.version = self._bump()

    def purge_user(self, user: User) -> None:
        """Delete a user from the recycle bin for good."""
        del self._deleted[user.id]
        user.licences.clear()
        user.roles.clear()
        self.tombstones.append((self._bump(), user.id, "deleted"))

    def purge_expired(self, now: float) -> None:
        """Purge users that have been in the recycle bin for 30 days."""
        for user in list(self._deleted.values()):
            if user.deleted_at is not None and now - user.deleted_at >= RECYCLE_BIN_SECONDS:
                self.purge_user(user)

    def users_after(self, seq: int) -> Iterator[User]:
        """Live users created after sequence number ``seq``, in creation order."""
        start = bisect_right(self._seqs, seq)
        for user in self._order[start:]:
            if not user.deleted:
                yield user

    def changes_since(self, version: int) -> list[Change]:
        """The latest change of every user changed, deleted or purged after ``version``."""
        latest: dict[str, Change] = {
            u.id: Change(u.version, u.id, u, None)
            for u in self.users.values()
            if u.version > version
        }
        start = bisect_right(self.tombstones, (version, "\uffff", "\uffff"))
        for v, uid, reason in self.tombstones[start:]:
            known = latest.get(uid)
            if known is None or known.version < v:
                latest[uid] = Change(v, uid, None, reason)
        return sorted(latest.values(), key=lambda c: c.version)

    # ---------------------------------------------------------------- licences

    def subscribe(self, sku_id: str, enabled_units: int) -> Subscription:
        """Add seats of a SKU (creating the subscription on first use)."""
        sub = self.subscriptions.get(sku_id)
        if sub is None:
            sub = Subscription(sku_id=sku_id, enabled_units=0)
            self.subscriptions[sku_id] = sub
        sub.enabled_units += enabled_units
        return sub

    def assign_licences(
        self,
        user: User,
        add: Iterable[tuple[str, frozenset[str]]],
        remove: Iterable[str],
        now: float,
    ) -> None:
        """Apply ``assignLicense`` atomically: either every change happens or none does."""
        add = list(add)
        remove = [r.lower() for r in remove]
        for sku_id, _ in add:
            if sku_id not in self.subscriptions:
                raise bad_request(
                    f"License {sku_id} does not correspond to a valid company License."
                )
        for sku_id in remove:
            if sku_id not in self.subscriptions:
                raise bad_request(
                    f"License {sku_id} does not correspond to a valid company License."
                )
        if add and not user.usage_location:
            raise bad_request(
                "License assignment cannot be done for user with invalid usage location."
            )
        new = dict(user.licences)
        for sku_id in remove:
            new.pop(sku_id, None)
        for sku_id, disabled in add:
            unknown = disabled - SKUS_BY_ID[sku_id].plan_ids()
            if unknown:
                raise bad_request(
                    f"The service plan(s) {', '.join(sorted(unknown))} are not part of "
                    f"SKU {sku_id}."
                )
            previous = user.licences.get(sku_id)
            new[sku_id] = LicenceGrant(sku_id, disabled, previous.assigned_at if previous else now)
        plans = set().union(*(g.enabled_plans() for g in new.values())) if new else set()
        for plan_id in sorted(plans):
            plan = PLANS_BY_ID[plan_id]
            if plan.requires_any_of and not plans.intersection(plan.requires_any_of):
                # Microsoft's text ends without a full stop (R34).
                raise DirectoryError(
                    400,
                    "Request_BadRequest",
                    f"License assignment failed because service plan {plan.id} depends on the "
                    f"service plan(s) {','.join(plan.requires_any_of)}",
                    detail="DependencyViolation",
                )
        added = [s for s in new if s not in user.licences]
        for sku_id in added:
            if self.subscriptions[sku_id].free_units <= 0:
                raise DirectoryError(
                    400,
                    "Request_BadRequest",
                    f"Subscription with SKU {sku_id} does not have any available licenses.",
                    detail="CountViolation",
                )
        for sku_id in added:
            self.subscriptions[sku_id].consumed_units += 1
        for sku_id in user.licences:
            if sku_id not in new:
                self.subscriptions[sku_id].consumed_units -= 1
        user.licences = new
        self.touch(user)

    # ------------------------------------------------------------------- roles

    def role_instance_id(self, template_id: str) -> str:
        """The tenant's instance of a directory role (activated on first use)."""
        instance = self.role_instances.get(template_id)
        if instance is None:
            instance = new_guid()
            self.role_instances[template_id] = instance
        return instance

    def grant_role(self, user: User, template_id: str) -> None:
        """Make ``user`` an active member of a directory role."""
        self.role_instance_id(template_id)
        user.roles.add(template_id)
        self.touch(user)

    # ---------------------------------------------------------------- consents

    def consents_for(self, client_id: str) -> Consents:
        """Consent state of one application (created empty on first use)."""
        found = self.consents.get(client_id)
        if found is None:
            found = Consents()
            self.consents[client_id] = found
        return found

    # ------------------------------------------------------------- consistency

    def is_replicated(self, created_at: float, now: float) -> bool:
        """Whether an object created at ``created_at`` is visible to reads yet (§3.9)."""
        return now - created_at >= self.knobs.consistency_seconds

    def size_class_units(self) -> int:
        """Microsoft's resource-unit budget per 10 s for a tenant of this size (§3.8)."""
        n = len(self.users)
        if n < 50:
            return 3500
        if n <= 500:
            return 5000
        return 8000
