"""User sync (SPEC step 4): the tenant's users and their voice state in our database."""
