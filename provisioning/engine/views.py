"""What a progress card shows of a run: its steps in plan order and where it stands.

Built from the run's records and its plan, so the card needs no step names of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from provisioning.engine.plans import Plan
from provisioning.engine.store import MILESTONE
from storage.events import ProgressEvent
from storage.runs import ACTIVE, RunRecord, StepRecord, StepStatus


@dataclass(frozen=True)
class StepView:
    """One line of the progress card."""

    name: str
    title: str
    status: str  # pending | running | waiting | done | failed
    wait_reason: str | None
    wait_until: float | None
    # The system's own text when the step failed, and what the admin can do.
    error: str | None
    hint: str | None
    # What the step said when it finished (e.g. which resource accounts were left alone).
    note: str | None
    started_at: float | None
    finished_at: float | None


@dataclass(frozen=True)
class MilestoneView:
    """The latest milestone a run reached (or missed)."""

    name: str
    message: str
    at: float
    failed: bool


@dataclass(frozen=True)
class RunView:
    """A run as the admin sees it."""

    run_id: str
    tenant_id: str
    kind: str
    status: str  # pending | running | waiting | succeeded | failed | cancelled
    requested_by: str
    created_at: float
    finished_at: float | None
    elapsed: float
    next_wake_at: float | None
    error: str | None
    hint: str | None
    steps: tuple[StepView, ...]
    milestone: MilestoneView | None
    # Who or what the run is about inside the tenant, in words ("" for the integration).
    about: str = ""

    @property
    def active(self) -> bool:
        """Whether the run may still change."""
        return self.status in {s.value for s in ACTIVE}

    @property
    def done(self) -> int:
        """How many steps are done."""
        return sum(s.status == StepStatus.DONE.value for s in self.steps)


def build_view(
    run: RunRecord,
    plan: Plan[object, object],
    records: dict[str, StepRecord],
    events: list[ProgressEvent],
    now: float,
) -> RunView:
    """The view of ``run`` at ``now``."""
    notes: dict[str, str] = {}
    milestone: MilestoneView | None = None
    for event in events:
        if event.kind == "step_done" and event.step:
            notes[event.step] = event.message
        elif event.kind == MILESTONE:
            data = json.loads(event.data)
            milestone = MilestoneView(
                str(data.get("milestone", "")),
                event.message,
                event.at,
                data.get("outcome") == "failed" or data.get("milestone") == "run_failed",
            )
    steps = []
    for step in plan.steps:
        record = records.get(step.name) or StepRecord(run_id=run.id, name=step.name)
        note = notes.get(step.name)
        steps.append(
            StepView(
                name=step.name,
                title=step.title,
                status=record.status,
                wait_reason=record.wait_reason if record.status == "waiting" else None,
                wait_until=record.wait_until if record.status == "waiting" else None,
                error=record.error,
                hint=record.hint,
                note=note if note and note != step.title else None,
                started_at=record.started_at,
                finished_at=record.finished_at,
            )
        )
    end = run.finished_at if run.finished_at is not None else now
    return RunView(
        run_id=run.id,
        tenant_id=run.tenant_id,
        kind=run.kind,
        status=run.status,
        requested_by=run.requested_by,
        created_at=run.created_at,
        finished_at=run.finished_at,
        elapsed=max(0.0, end - run.created_at),
        next_wake_at=run.next_wake_at if run.status == "waiting" else None,
        error=run.error,
        hint=run.hint,
        steps=tuple(steps),
        milestone=milestone,
        about=_about(run),
    )


def _about(run: RunRecord) -> str:
    """A run about one user names them by the address it was planned with."""
    if not run.subject:
        return ""
    try:
        plan = json.loads(run.plan)
    except ValueError:
        return run.subject
    return str(plan.get("upn") or run.subject) if isinstance(plan, dict) else run.subject
