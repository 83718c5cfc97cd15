"""The admin's two sign-ins (auth code with PKCE) and the per-tenant token caches in the vault."""
