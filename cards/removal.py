"""``remove``: what will be deleted, that it cannot be undone, and the typed confirmation."""

from __future__ import annotations

from cards.elements import Json, action, card, container, line, paragraphs, run, status_line
from cards.elements import title as card_title
from cards.models import RemovalWarningView
from cards.symbols import BULLET, FAILED
from i18n.text import t


def removal_warning(view: RemovalWarningView) -> Json:
    """The removal warning for ``view``; confirm sends the typed text under ``view.input_id``."""
    body = [
        card_title(t("Remove Direct Routing from {tenant}", tenant=view.tenant_name), "attention"),
        line(run(t("This deletes:")), spacing="medium"),
        container(
            [status_line(BULLET, "default", paragraphs(item)) for item in view.deleting],
            spacing="small",
        ),
        line(run(t("This cannot be undone."), bold=True, color="attention"), spacing="medium"),
        line(run(t("To confirm, type the tenant's initial domain:")), spacing="medium"),
        line(run(view.initial_domain, bold=True, monospace=True, breakable=False), spacing="small"),
        {
            "type": "Input.Text",
            "id": view.input_id,
            "label": t("Initial domain"),
            "isRequired": True,
            "errorMessage": t("Type the initial domain to confirm."),
            "maxLength": 255,
            "spacing": "small",
        },
    ]
    if view.error:
        body.append(status_line(FAILED, "attention", paragraphs(view.error, color="attention")))
    # Keeping everything must work with the field empty, so it skips input validation.
    return card(body, [action(view.confirm), action(view.cancel, with_inputs=False)], wide=True)
