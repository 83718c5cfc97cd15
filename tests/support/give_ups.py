"""How long the steps wait on Microsoft and the provider's DNS before giving up, as the admin
is told it ("after 30 minutes", "after 48 hours"): written here from SPEC.md, not imported from
the steps, so a changed give-up fails the tests that advance past it."""

from __future__ import annotations

# Entra ID and Teams showing what was just written (replication lag).
REPLICATION_GIVE_UP = 30 * 60
# A TXT record reaching every name server, and Microsoft verifying the domain.
DNS_GIVE_UP = 48 * 3600
# Microsoft activating the domain for Direct Routing.
ACTIVATION_GIVE_UP = 48 * 3600
