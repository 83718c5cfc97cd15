"""Microsoft Graph v1.0: organization, me, subscribedSkus, domains, users, delta and $batch."""
