"""Everything that knows Microsoft (and the provider's DNS): ports in domain terms, their
adapters over httpx and dnspython, and in-memory fakes for unit tests of the steps."""
