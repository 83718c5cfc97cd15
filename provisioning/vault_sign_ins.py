"""``SignInsPort`` over the token vault: removal's last act, audited."""

from __future__ import annotations

import asyncio

from provisioning.engine.clock import Clock
from storage.audit import AuditLog
from storage.vault import TokenVault


class VaultSignIns:
    """The stored sign-ins of one tenant."""

    def __init__(self, tenant_id: str, vault: TokenVault, audit: AuditLog, clock: Clock) -> None:
        self._tenant = tenant_id
        self._vault = vault
        self._audit = audit
        self._clock = clock

    async def forget(self) -> int:
        """Delete them; the audit trail says when and how many."""
        count = await asyncio.to_thread(self._vault.delete, self._tenant)
        await asyncio.to_thread(
            self._audit.record,
            self._tenant,
            "removal",
            "credentials_deleted",
            self._clock.now(),
            count=count,
        )
        return count
