"""Microsoft's well-known identifiers the product reasons about (research/graph-entra.md)."""

from __future__ import annotations

# Service plans (inside a licence's servicePlans / a user's assignedPlans).
MCOSTANDARD_PLAN = "0feaeb32-d00e-4d66-bd5a-43b5b83db82c"  # Skype for Business Online (Plan 2)
MCOEV_PLAN = "4828c8ec-dc2e-4779-b502-87ac9ce28ab7"  # Teams Phone (Microsoft 365 Phone System)
TEAMS_PLAN = "57ff2da0-773e-42df-b2af-ffb7a2317929"  # Microsoft Teams

# Directory role templates (roleTemplateId, and the ``wids`` claim).
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
TEAMS_ADMINISTRATOR = "69091246-20e8-4a56-aa4d-066075b2a7a8"
TEAMS_TELEPHONY_ADMINISTRATOR = "aa38014f-0993-46e9-9b45-30501a20909d"
TEAMS_COMMUNICATIONS_ADMINISTRATOR = "baf37b3a-610e-45da-9e62-d9d1e5e8914b"
USER_ADMINISTRATOR = "fe930be7-5e62-47db-91af-98c3a49a38b1"
DOMAIN_NAME_ADMINISTRATOR = "8329153b-31d0-4727-b945-745eb3bc5f31"
