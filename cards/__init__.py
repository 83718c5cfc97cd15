"""Adaptive Card 1.5 JSON built from small view models; every card is a pure function."""

from cards.checklist import checklist
from cards.customers import customer_details, customers_list
from cards.notice import notice
from cards.progress import progress
from cards.removal import removal_warning
from cards.users import sync_progress, user_details, users_list
from cards.wizard import wizard

__all__ = [
    "checklist",
    "customer_details",
    "customers_list",
    "notice",
    "progress",
    "removal_warning",
    "sync_progress",
    "user_details",
    "users_list",
    "wizard",
]
