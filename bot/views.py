"""What the cards show, made from what the engine says: runs, checklists, tenants.

The engine has no language: what it stored (step titles, wait reasons, notes, errors, hints,
milestones) is English, and goes through ``say`` on its way into a card, in the admin's
language; what the bot writes itself here goes through ``t``.
"""

from __future__ import annotations

from cards.models import Button, CheckLine, Link, ProgressView, StepLine, WizardView
from i18n.text import N_, say, t
from provisioning.integrations import Check, RunView, TenantView

# Marked only: said in the turn's language where the wizard is made (``say``).
ADVICE = N_(
    "Sign in with a dedicated service account of this organization that holds the admin roles "
    "(Global Administrator, or Teams, User and Domain Name Administrator), not your personal "
    "admin account. You can delete it once the integration is removed."
)
_RUN_ENDS = frozenset({"run_succeeded", "run_failed", "run_cancelled"})
_ACTIVE_WORDS = {
    "pending": N_("Starting"),
    "running": N_("Working"),
    "waiting": N_("Waiting"),
    "succeeded": N_("Done"),
    "failed": N_("Stopped"),
    "cancelled": N_("Cancelled"),
}


def said(text: str | None) -> str:
    """A stored English text (or none) in the admin's language; ``""`` for none."""
    return say(text) if text else ""


def duration(seconds: float) -> str:
    """``2 h 05 min``, ``3 min 20 s``, ``12 s``."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    # The numbers are formatted first: the templates have no format specs.
    padded_minutes, padded_seconds = str(minutes).zfill(2), str(secs).zfill(2)
    if hours:
        return t("{hours} h {minutes} min", hours=hours, minutes=padded_minutes)
    if minutes:
        return t("{minutes} min {seconds} s", minutes=minutes, seconds=padded_seconds)
    return t("{seconds} s", seconds=secs)


def checklist(checks: list[Check]) -> tuple[CheckLine, ...]:
    """The readiness checks as card lines."""
    return tuple(
        CheckLine(said(c.title), c.status.value, said(c.detail), said(c.fix)) for c in checks
    )


def wizard_view(
    tenant: TenantView | None,
    tenant_name: str,
    checks: list[Check] | None,
    graph_link: str,
    teams_link: str,
    scope: dict[str, str],
) -> WizardView:
    """SPEC's four steps, showing where the tenant is."""
    advice = say(ADVICE)
    signed = set(tenant.signed_in) if tenant else set()
    who = tenant.signed_in_as if tenant else {}
    if tenant is None or "graph" not in signed:
        return WizardView(
            tenant_name,
            1,
            advice,
            graph_sign_in=Link(t("Sign in to Microsoft (step 1)"), graph_link),
        )
    lines = checklist(checks or [])
    failing = [c for c in checks or [] if c.status.value == "fail"]
    check_again = Button(t("Check again"), "readiness", dict(scope))
    common = {
        "graph_signed_in_as": who["graph"] if "graph" in who else t("an admin"),
        "checks": lines,
        "check_again": check_again,
    }
    if tenant.active_run or tenant.state in ("integrating", "integrated", "removing"):
        return WizardView(
            tenant_name,
            5,
            advice,
            teams_signed_in_as=_signed_in_as(who) if "teams_admin" in signed else None,
            **common,  # type: ignore[arg-type]
        )
    if failing:
        blocked = t("Fix what the checklist says, then check again.")
        return WizardView(tenant_name, 2, advice, blocked=blocked, **common)  # type: ignore[arg-type]
    if "teams_admin" not in signed:
        return WizardView(
            tenant_name,
            3,
            advice,
            teams_sign_in=Link(t("Sign in to the Teams admin centre (step 3)"), teams_link),
            **common,  # type: ignore[arg-type]
        )
    return WizardView(
        tenant_name,
        4,
        advice,
        teams_signed_in_as=_signed_in_as(who),
        integrate=Button(t("Integrate"), "integrate", dict(scope), "positive"),
        **common,  # type: ignore[arg-type]
    )


def _signed_in_as(who: dict[str, str]) -> str:
    """Who signed in for step 3, as the tenant remembers it."""
    return who["teams_admin"] if "teams_admin" in who else t("an admin")


def _title(run: RunView, tenant_name: str) -> str:
    """What a run's card is about."""
    if run.kind == "remove":
        return t("Removal from {name}", name=tenant_name)
    if run.kind == "activate":
        return t("Activation of {user}", user=run.about)
    if run.kind == "deactivate":
        return t("Deactivation of {user}", user=run.about)
    return t("Integration of {name}", name=tenant_name)


def _succeeded(run: RunView) -> str:
    """What a run's card says once the run succeeded."""
    if run.kind == "remove":
        return t("Everything is removed.")
    if run.kind == "activate":
        return t("{user} is active.", user=run.about)
    if run.kind == "deactivate":
        return t("{user} is no longer active.", user=run.about)
    return t("The integration is complete.")


def progress_view(
    run: RunView, tenant_name: str, scope: dict[str, str], summary: tuple[str, ...] = ()
) -> ProgressView:
    """A run's card."""
    steps = []
    current = ""
    for step in run.steps:
        detail = step.wait_reason or step.error or step.note or ""
        steps.append(StepLine(said(step.title), step.status, said(detail)))  # type: ignore[arg-type]
        if not current and step.status in ("running", "waiting"):
            current = said(step.wait_reason or step.title)
    status_text = say(_ACTIVE_WORDS[run.status]) if run.status in _ACTIVE_WORDS else run.status
    if run.active and current:
        status_text = t("{status}: {current}", status=status_text, current=current)
    elif run.status == "succeeded":
        status_text = _succeeded(run)
    buttons: list[Button | Link] = []
    data = {**scope, "run": run.run_id}
    if run.status == "failed":
        buttons.append(Button(t("Retry"), "retry", data, "positive"))
    if run.active:
        buttons.append(Button(t("Cancel"), "cancel", data, "destructive"))
    return ProgressView(
        title=_title(run, tenant_name),
        status=run.status,  # type: ignore[arg-type]
        status_text=status_text,
        steps=tuple(steps),
        elapsed=duration(run.elapsed),
        milestone=_milestone(run),
        error=said(run.error),
        hint=said(run.hint),
        summary=summary,
        buttons=tuple(buttons),
    )


def _milestone(run: RunView) -> str:
    """The last milestone reached while the run goes on; the run's end has its own words."""
    if run.milestone is None or run.milestone.name in _RUN_ENDS or not run.active:
        return ""
    return said(run.milestone.message)


def removal_summary(run: RunView) -> tuple[str, ...]:
    """What a finished removal did, what it left and why, and what the admin may do next."""
    lines = [said(step.note or step.title) for step in run.steps if step.status == "done"]
    lines.append(
        t(
            "You can check it in the Teams admin centre (Voice › Direct Routing, Voice routing "
            "policies, Dial plans) and the Microsoft 365 admin centre (Domains)."
        )
    )
    lines.append(
        t("If you created a dedicated service account for the integration, you can delete it now.")
    )
    return tuple(lines)


def integration_summary(objects: list[str]) -> tuple[str, ...]:
    """What a finished provisioning created, one object a line (the objects in words, as the
    facade gave them)."""
    lines = []
    for name in objects:
        # TRANSLATORS: {name} is an object in words, e.g. "the dial plan DP-Contoso".
        lines.append(t("Created {name}.", name=said(name)))
    return tuple(lines)
