"""What the cards show, made from what the engine says: runs, checklists, tenants."""

from __future__ import annotations

from cards.models import Button, CheckLine, Link, ProgressView, StepLine, WizardView
from provisioning.integrations import Check, RunView, TenantView

ADVICE = (
    "Sign in with a dedicated service account of this organization that holds the admin roles "
    "(Global Administrator, or Teams, User and Domain Name Administrator), not your personal "
    "admin account. You can delete it once the integration is removed."
)
_RUN_ENDS = frozenset({"run_succeeded", "run_failed", "run_cancelled"})
_ACTIVE_WORDS = {
    "pending": "Starting",
    "running": "Working",
    "waiting": "Waiting",
    "succeeded": "Done",
    "failed": "Stopped",
    "cancelled": "Cancelled",
}


def duration(seconds: float) -> str:
    """``2 h 05 min``, ``3 min 20 s``, ``12 s``."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def checklist(checks: list[Check]) -> tuple[CheckLine, ...]:
    """The readiness checks as card lines."""
    return tuple(CheckLine(c.title, c.status.value, c.detail, c.fix) for c in checks)


def wizard_view(
    tenant: TenantView | None,
    tenant_name: str,
    checks: list[Check] | None,
    graph_link: str,
    teams_link: str,
    scope: dict[str, str],
) -> WizardView:
    """SPEC's four steps, showing where the tenant is."""
    signed = set(tenant.signed_in) if tenant else set()
    who = tenant.signed_in_as if tenant else {}
    if tenant is None or "graph" not in signed:
        return WizardView(
            tenant_name,
            1,
            ADVICE,
            graph_sign_in=Link("Sign in to Microsoft (step 1)", graph_link),
        )
    lines = checklist(checks or [])
    failing = [c for c in checks or [] if c.status.value == "fail"]
    check_again = Button("Check again", "readiness", dict(scope))
    common = {
        "graph_signed_in_as": who.get("graph", "an admin"),
        "checks": lines,
        "check_again": check_again,
    }
    if tenant.active_run or tenant.state in ("integrating", "integrated", "removing"):
        return WizardView(
            tenant_name,
            5,
            ADVICE,
            teams_signed_in_as=who.get("teams_admin", "an admin")
            if "teams_admin" in signed
            else None,
            **common,  # type: ignore[arg-type]
        )
    if failing:
        blocked = "Fix what the checklist says, then check again."
        return WizardView(tenant_name, 2, ADVICE, blocked=blocked, **common)  # type: ignore[arg-type]
    if "teams_admin" not in signed:
        return WizardView(
            tenant_name,
            3,
            ADVICE,
            teams_sign_in=Link("Sign in to the Teams admin centre (step 3)", teams_link),
            **common,  # type: ignore[arg-type]
        )
    return WizardView(
        tenant_name,
        4,
        ADVICE,
        teams_signed_in_as=who.get("teams_admin", "an admin"),
        integrate=Button("Integrate", "integrate", dict(scope), "positive"),
        **common,  # type: ignore[arg-type]
    )


def progress_view(
    run: RunView, tenant_name: str, scope: dict[str, str], summary: tuple[str, ...] = ()
) -> ProgressView:
    """A run's card."""
    titles = {
        "remove": f"Removal from {tenant_name}",
        "activate": f"Activation of {run.about}",
        "deactivate": f"Deactivation of {run.about}",
    }
    title = titles.get(run.kind, f"Integration of {tenant_name}")
    steps = []
    current = ""
    for step in run.steps:
        detail = step.wait_reason or step.error or step.note or ""
        steps.append(StepLine(step.title, step.status, detail))  # type: ignore[arg-type]
        if not current and step.status in ("running", "waiting"):
            current = step.wait_reason or step.title
    status_text = _ACTIVE_WORDS.get(run.status, run.status)
    if run.active and current:
        status_text = f"{status_text}: {current}"
    elif run.status == "succeeded":
        status_text = {
            "remove": "Everything is removed.",
            "activate": f"{run.about} is active.",
            "deactivate": f"{run.about} is no longer active.",
        }.get(run.kind, "The integration is complete.")
    buttons: list[Button | Link] = []
    data = {**scope, "run": run.run_id}
    if run.status == "failed":
        buttons.append(Button("Retry", "retry", data, "positive"))
    if run.active:
        buttons.append(Button("Cancel", "cancel", data, "destructive"))
    return ProgressView(
        title=title,
        status=run.status,  # type: ignore[arg-type]
        status_text=status_text,
        steps=tuple(steps),
        elapsed=duration(run.elapsed),
        milestone=_milestone(run),
        error=run.error or "",
        hint=run.hint or "",
        summary=summary,
        buttons=tuple(buttons),
    )


def _milestone(run: RunView) -> str:
    """The last milestone reached while the run goes on; the run's end has its own words."""
    if run.milestone is None or run.milestone.name in _RUN_ENDS or not run.active:
        return ""
    return run.milestone.message


def removal_summary(run: RunView) -> tuple[str, ...]:
    """What a finished removal did, what it left and why, and what the admin may do next."""
    lines = [step.note or step.title for step in run.steps if step.status == "done"]
    lines.append(
        "You can check it in the Teams admin centre (Voice › Direct Routing, Voice routing "
        "policies, Dial plans) and the Microsoft 365 admin centre (Domains)."
    )
    lines.append(
        "If you created a dedicated service account for the integration, you can delete it now."
    )
    return tuple(lines)


def integration_summary(objects: list[str]) -> tuple[str, ...]:
    """What a finished provisioning created, one object a line."""
    return tuple(f"Created {name}." for name in objects)
