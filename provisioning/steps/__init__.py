"""Provisioning and removal as small idempotent steps, and the plans that order them."""
