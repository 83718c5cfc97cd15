"""Starting activations and deactivations of users (SPEC step 4) as runs of the engine, one
per user, many at once per tenant, so a crash resumes them. Refusals say what to do."""

from __future__ import annotations

import asyncio

from i18n.text import t
from provisioning.engine.clock import Clock
from provisioning.engine.errors import ActiveRunExists
from provisioning.engine.plans import PlanBook
from provisioning.engine.store import RunStore
from provisioning.naming import Names
from provisioning.params import ActivationParams
from provisioning.settings import ProvisioningSettings
from provisioning.sync.facade import TenantUsers, UserView
from provisioning.sync.number_ranges import NumberRange, NumberRanges, RangeRefused, e164
from provisioning.sync.status import UserStatus
from provisioning.tenants import TenantStore
from storage.runs import RunKind
from storage.tenants import TenantState


class ActivationRefused(Exception):  # noqa: N818 - a refusal the caller shows the admin
    """The activation cannot start; ``reason`` says what the admin can do."""

    def __init__(self, reason: str, run_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.run_id = run_id


def normalised(number: str, region: str) -> str:
    """``number`` as E.164 (``+4930…``); :class:`ActivationRefused` when it is no number."""
    try:
        return e164(number, region)
    except RangeRefused as refused:
        raise ActivationRefused(refused.reason) from refused


class Activations:
    """Activations and deactivations of a tenant's users."""

    def __init__(
        self,
        settings: ProvisioningSettings,
        users: TenantUsers,
        store: RunStore,
        tenants: TenantStore,
        book: PlanBook,
        clock: Clock,
    ) -> None:
        self._settings = settings
        self._users = users
        self._store = store
        self._tenants = tenants
        self._book = book
        self._clock = clock
        self._names = Names(settings.brand)
        self._ranges = NumberRanges(users.engine, store, settings.gateway_usage_location)

    async def ranges(self, tenant_id: str) -> list[NumberRange]:
        """The tenant's number ranges, with how many numbers of each are free."""
        return await asyncio.to_thread(self._ranges.ranges, tenant_id)

    async def add_range(self, tenant_id: str, first: str, last: str) -> NumberRange:
        """Add a range; :class:`ActivationRefused` says why not."""
        try:
            return await asyncio.to_thread(
                self._ranges.add, tenant_id, first, last, self._clock.now()
            )
        except RangeRefused as refused:
            raise ActivationRefused(refused.reason) from refused

    async def remove_range(self, tenant_id: str, first: str) -> bool:
        """Remove the range that starts at ``first``; whether there was one."""
        try:
            return await asyncio.to_thread(self._ranges.remove, tenant_id, first)
        except RangeRefused as refused:
            raise ActivationRefused(refused.reason) from refused

    async def user(self, tenant_id: str, query: str) -> UserView:
        """The one synced user ``query`` names (by id, address or name)."""
        by_id = await self._users.user(tenant_id, query)
        if by_id is not None:
            return by_id
        found = await self._users.find(tenant_id, query)
        if not found:
            raise ActivationRefused(
                t(
                    "No synced user matches “{query}”. Type “sync {query}” first.",
                    query=query[:80],
                )
            )
        if len(found) > 1:
            names = ", ".join(u.upn for u in found[:5])
            raise ActivationRefused(
                t(
                    "“{query}” matches several users ({names}); say which.",
                    query=query[:80],
                    names=names,
                )
            )
        return found[0]

    async def activate(
        self, tenant_id: str, query: str, number: str, requested_by: str, subscriber: str | None
    ) -> str:
        """Start activating a user with ``number``; the run id."""
        await self._integrated(tenant_id)
        user = await self.user(tenant_id, query)
        if user.status == UserStatus.OTHER:
            raise ActivationRefused(
                t(
                    "{upn} has voice set up by someone else; I do not touch their users.",
                    upn=user.upn,
                )
            )
        if user.status == UserStatus.UNLICENSED:
            raise ActivationRefused(
                t(
                    "{upn} has no Teams Phone licence; assign one in the Microsoft 365 admin "
                    "centre, then type “sync {upn}” and try again.",
                    upn=user.upn,
                )
            )
        if user.status == UserStatus.ACTIVE:
            raise ActivationRefused(
                t(
                    "{upn} is active already ({numbers}).",
                    upn=user.upn,
                    numbers=", ".join(user.numbers),
                )
            )
        if not number.strip():
            free = await asyncio.to_thread(self._ranges.next_free, tenant_id)
            if free is None:
                ranges = await self.ranges(tenant_id)
                raise ActivationRefused(
                    t("Every number of your ranges is taken; add one with “numbers add”.")
                    if ranges
                    else t(
                        "Which number? Type “activate {upn} +44 20 7946 0000”, or add a range "
                        "of numbers with “numbers add +44 20 7946 0000 - +44 20 7946 0099”.",
                        upn=user.upn,
                    )
                )
            number = free
        region = self._settings.gateway_usage_location
        e164 = normalised(number, region)
        holder = await asyncio.to_thread(self._holder, tenant_id, e164)
        if holder:
            raise ActivationRefused(
                t("{number} is assigned to {holder} already.", number=e164, holder=holder)
            )
        return await self._start(tenant_id, RunKind.ACTIVATE, user, e164, requested_by, subscriber)

    async def deactivate(
        self, tenant_id: str, query: str, requested_by: str, subscriber: str | None
    ) -> str:
        """Start deactivating a user we activated; the run id."""
        await self._integrated(tenant_id)
        user = await self.user(tenant_id, query)
        if user.status != UserStatus.ACTIVE:
            raise ActivationRefused(t("{upn} is not active with this provider.", upn=user.upn))
        number = user.numbers[0] if user.numbers else ""
        return await self._start(
            tenant_id, RunKind.DEACTIVATE, user, number, requested_by, subscriber
        )

    async def _integrated(self, tenant_id: str) -> None:
        record = await asyncio.to_thread(self._tenants.get, tenant_id)
        if record is None or record.state != TenantState.INTEGRATED.value:
            raise ActivationRefused(
                t("Users can be activated once the integration is done (type “status”).")
            )

    def _holder(self, tenant_id: str, number: str) -> str:
        """Who holds ``number`` in this tenant, as far as we know (synced or being activated)."""
        return self._ranges.holders(tenant_id).get(number, "")

    async def _start(
        self,
        tenant_id: str,
        kind: RunKind,
        user: UserView,
        number: str,
        requested_by: str,
        subscriber: str | None,
    ) -> str:
        params = ActivationParams(
            tenant_id=tenant_id,
            user_id=user.user_id,
            upn=user.upn,
            number=number,
            dial_plan=self._names.e164,
            routing_policy=self._names.e164,
        )
        try:
            return await asyncio.to_thread(
                self._store.create_run,
                tenant_id,
                self._book.current(kind.value),
                params,
                requested_by,
                self._clock.now(),
                subscriber,
                user.user_id,
            )
        except ActiveRunExists as exc:
            raise ActivationRefused(
                t("{upn} is being activated or deactivated already.", upn=user.upn),
                str(exc.args[0]) if exc.args else None,
            ) from exc
