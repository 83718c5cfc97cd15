"""Syncs that happen by themselves: a sync cut off halfway (a crash, a SIGKILL) is finished,
and tenants synced before are synced again (changes only) at the configured interval."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from provisioning.settings import ProvisioningSettings
from provisioning.sync.service import UserSync
from provisioning.sync.store import SyncBusyError, SyncStore

_log = logging.getLogger(__name__)


class SyncSchedule:
    """Runs due syncs, one tenant after the other, until told to stop."""

    def __init__(self, sync: UserSync, store: SyncStore, settings: ProvisioningSettings) -> None:
        self._sync = sync
        self._store = store
        self._interval = settings.user_sync_interval_seconds
        self._check = settings.user_sync_check_seconds

    async def run_due(self) -> int:
        """Run every sync that is due now; how many ran to their end."""
        done = 0
        for tenant_id, kind in await asyncio.to_thread(self._store.due, self._interval):
            try:
                if kind == "full":
                    await self._sync.full(tenant_id)
                else:
                    await self._sync.delta(tenant_id)
                done += 1
            except SyncBusyError:
                continue  # another process took it
            except Exception as exc:  # one tenant's trouble must not stop the others'
                _log.warning("scheduled sync of %s failed: %s", tenant_id, type(exc).__name__)
        return done

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Check every ``USER_SYNC_CHECK_SECONDS`` until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.run_due()
            except Exception:
                _log.exception("looking for due user syncs failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._check)
