"""Every card parses, validates and renders without a word of complaint in Microsoft's
``adaptivecards`` renderer, the version the web chat uses, with Teams' light and dark host
configs, both as a client with Universal Actions and as one that needs the fallbacks.

``node/check-cards.js`` does the work; its packages are pinned in ``node/package-lock.json``
and installed by ``npm ci --prefix tests/cards/node`` (``make setup``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.cards import samples

NODE_DIR = Path(__file__).with_name("node")
SCRIPT = NODE_DIR / "check-cards.js"
CARDS = samples.all_cards()
# Cards the renderer must complain about, or the check proves nothing.
FAULTY: dict[str, dict[str, Any]] = {
    "unknown element": {"body": [{"type": "TextBlokk", "text": "x"}]},
    "unknown property": {"body": [{"type": "TextBlock", "text": "x", "colour": "good"}]},
    "bad value": {"body": [{"type": "TextBlock", "text": "x", "color": "purple"}]},
    "wrong type": {"body": [{"type": "TextBlock", "text": "x", "wrap": "yes"}]},
    "1.6 property": {"body": [{"type": "Input.Text", "id": "x", "labelPosition": "inline"}]},
    "1.6 element": {"body": [{"type": "Carousel", "pages": []}]},
    "1.6 card": {"version": "1.6", "body": []},
    "unknown action": {"actions": [{"type": "Action.Exec", "title": "x"}]},
    "unknown fallback": {
        "actions": [
            {
                "type": "Action.Execute",
                "title": "x",
                "verb": "x",
                "fallback": {"type": "Action.Submitt", "title": "x"},
            }
        ]
    },
    "duplicate input id": {"body": [{"type": "Input.Text", "id": "x"}] * 2},
    "more buttons than Teams shows": {
        "actions": [
            {"type": "Action.OpenUrl", "title": f"{n}", "url": "https://x"} for n in range(7)
        ]
    },
}


@cache
def verdicts() -> dict[str, Any]:
    """The renderer's verdict on every sample card and every faulty one, from one node run."""
    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "adaptivecards").is_dir():
        pytest.fail("needs node and `npm ci --prefix tests/cards/node` (make setup)")
    faulty = {
        f"faulty/{why}": {"type": "AdaptiveCard", "version": "1.5", **card}
        for why, card in FAULTY.items()
    }
    payload = json.dumps({**CARDS, **faulty}, ensure_ascii=False)
    return run_checker(node, payload)


def run_checker(node: str, payload: str) -> dict[str, Any]:
    """``check-cards.js`` on ``payload``, a JSON object of cards by name."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as file:
        file.write(payload)
        file.flush()
        done = subprocess.run(
            [node, str(SCRIPT), file.name],
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_renderer_is_the_web_chats_version() -> None:
    """The check uses the adaptivecards release the web chat pins (3.0.6)."""
    assert verdicts()["renderer"] == "adaptivecards 3.0.6"


@pytest.mark.parametrize("name", sorted(CARDS))
def test_every_card_renders_without_warnings(name: str) -> None:
    """No parse or validation event, nothing dropped, nothing logged, in any of the four clients."""
    assert verdicts()["cards"][name]["problems"] == []


@pytest.mark.parametrize("name", sorted(CARDS))
def test_every_card_renders_its_text(name: str) -> None:
    """The rendered card shows its title."""
    first = CARDS[name]["body"][0]["inlines"][0]["text"]
    assert first in verdicts()["cards"][name]["text"]


@pytest.mark.parametrize("why", sorted(FAULTY))
def test_the_renderer_check_catches_faulty_cards(why: str) -> None:
    """The check has teeth: each faulty card gets at least one problem."""
    assert verdicts()["cards"][f"faulty/{why}"]["problems"], why
