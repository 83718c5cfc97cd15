"""Every table, imported together so the metadata is complete (migrations, tests)."""

from storage.conversations import CardRecord, ConversationRecord
from storage.credentials import CredentialRecord
from storage.events import AuditEvent, ProgressEvent
from storage.ledger import LedgerEntry
from storage.notifications import NotificationRecord, RunSubscription
from storage.runs import RunRecord, StepRecord
from storage.sign_ins import SignInFlowRecord
from storage.tenants import TenantRecord
from storage.users import NumberRangeRecord, TenantUserRecord, UserSyncRecord

__all__ = [
    "AuditEvent",
    "CardRecord",
    "ConversationRecord",
    "CredentialRecord",
    "LedgerEntry",
    "NotificationRecord",
    "NumberRangeRecord",
    "ProgressEvent",
    "RunRecord",
    "RunSubscription",
    "SignInFlowRecord",
    "StepRecord",
    "TenantRecord",
    "TenantUserRecord",
    "UserSyncRecord",
]
