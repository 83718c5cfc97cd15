"""Adapters: the ports implemented with httpx, msal and dnspython."""
