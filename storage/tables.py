"""Every table, imported together so the metadata is complete (migrations, tests)."""

from storage.credentials import CredentialRecord
from storage.events import AuditEvent, ProgressEvent
from storage.ledger import LedgerEntry
from storage.runs import RunRecord, StepRecord
from storage.tenants import TenantRecord

__all__ = [
    "AuditEvent",
    "CredentialRecord",
    "LedgerEntry",
    "ProgressEvent",
    "RunRecord",
    "StepRecord",
    "TenantRecord",
]
