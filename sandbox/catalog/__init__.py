"""Microsoft's fixed identifiers: licences and service plans, directory roles, API permissions."""
