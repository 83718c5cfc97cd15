"""The in-memory directory: tenants with their users, domains, licences, roles and consents."""
