"""A local, independent stand-in for Microsoft 365 (Entra ID, Graph) and the provider's DNS.

Written from Microsoft's documented behaviour in ``../shared/research``; it shares no code with
the product and the product never imports it.
"""
