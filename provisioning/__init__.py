"""Ports and adapters for Microsoft and the provider DNS, readiness, step plans, the runner."""
