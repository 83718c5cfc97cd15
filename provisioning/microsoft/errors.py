"""How outside systems fail, in terms the steps decide on (adapters translate codes and texts)."""

from __future__ import annotations

from enum import StrEnum

from i18n.text import N_
from provisioning.engine.errors import StepError

# The systems, as the admin reads their names in waits and failures.
GRAPH = "Microsoft Graph"
TEAMS_ADMIN = N_("the Teams admin API")
ENTRA = "Microsoft Entra ID"
PROVIDER_DNS = N_("the provider's DNS")


class ErrorKind(StrEnum):
    """What kind of failure, which decides between retrying, waiting and stopping."""

    TRANSIENT = "transient"  # 429, 5xx, resets, timeouts: retry, honouring Retry-After
    NOT_FOUND = "not_found"
    ALREADY_EXISTS = "already_exists"  # a create met an object with the same identity
    IN_USE = "in_use"  # a removal refused while another object depends on this one
    DOMAIN_NOT_ACTIVATED = "domain_not_activated"  # Direct Routing does not take the domain yet
    INVALID = "invalid"  # refused as it stands
    DENIED = "denied"  # the signed-in account lacks a role or the app a permission
    UNAUTHENTICATED = "unauthenticated"  # no usable token: the admin must sign in again


class ServiceError(StepError):
    """A failure reported by (or on the way to) Microsoft or the provider's DNS."""

    def __init__(
        self,
        service: str,
        kind: ErrorKind,
        message: str,
        *,
        status: int | None = None,
        code: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            service, message, transient=kind == ErrorKind.TRANSIENT, retry_after=retry_after
        )
        self.kind = kind
        self.status = status
        self.code = code
