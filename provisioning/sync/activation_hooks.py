"""What an activation or a deactivation that succeeded changes in the synced users, in the
same transaction as the run's end (so the list never disagrees with the run)."""

from __future__ import annotations

import json

from sqlmodel import Session

from provisioning.sync.status import status_of
from storage.runs import RunRecord, RunStatus
from storage.users import TenantUserRecord


def _user(session: Session, run: RunRecord) -> tuple[TenantUserRecord | None, dict[str, str]]:
    plan = json.loads(run.plan)
    return session.get(TenantUserRecord, (run.tenant_id, plan.get("user_id", ""))), plan


def _classify(record: TenantUserRecord, our_policy: str) -> None:
    record.status = status_of(
        teams_phone=record.teams_phone,
        enterprise_voice=record.enterprise_voice,
        numbers=record.numbers,
        routing_policy=record.routing_policy,
        dial_plan=record.dial_plan,
        our_policy=our_policy,
    ).value


def activation_finished(session: Session, run: RunRecord, status: RunStatus) -> None:
    """The user is active: our number, dial plan and policy."""
    if status != RunStatus.SUCCEEDED:
        return
    record, plan = _user(session, run)
    if record is None:
        return
    record.numbers = plan.get("number", "")
    record.routing_policy = plan.get("routing_policy", "")
    record.dial_plan = plan.get("dial_plan", "")
    # Teams turns Enterprise Voice on with the number (Set-CsPhoneNumberAssignment).
    record.enterprise_voice = True
    _classify(record, plan.get("routing_policy", ""))
    record.updated_at = run.updated_at
    session.add(record)


def deactivation_finished(session: Session, run: RunRecord, status: RunStatus) -> None:
    """The user is back to how they were before we activated them."""
    if status != RunStatus.SUCCEEDED:
        return
    record, plan = _user(session, run)
    if record is None:
        return
    number = plan.get("number", "")
    record.numbers = ",".join(n for n in record.numbers.split(",") if n and n != number)
    record.routing_policy = record.dial_plan = ""
    record.enterprise_voice = bool(record.numbers)
    _classify(record, plan.get("routing_policy", ""))
    record.updated_at = run.updated_at
    session.add(record)
