"""Entra ID v2.0: discovery, keys, authorize with sign-in and consent pages, token, consent."""
