"""SQLModel tables, engine and sessions, migrations and the encrypted token vault."""
