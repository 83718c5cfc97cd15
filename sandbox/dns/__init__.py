"""DNS as Microsoft sees it: a caching resolver that asks the provider's authoritative servers."""
