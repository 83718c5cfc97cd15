"""Every text the code marks exists in English (its template) and in German, with the same
placeholders; the catalogues hold nothing the code no longer says; and every marked text can be
extracted at all (a literal template, never an f-string)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from i18n.catalogue import languages
from tools.catalogue import PACKAGES, ROOT, Problem, extracted, problems

MARKERS = {"t": 1, "tn": 2, "N_": 1}


@pytest.fixture(scope="module")
def found() -> list[Problem]:
    return [problem for language in languages()[1:] for problem in problems(language)]


def test_the_bot_speaks_english_and_german() -> None:
    assert languages() == ("en", "de")


def test_the_code_marks_the_texts_it_shows() -> None:
    # A floor, not a count: the bot, its cards and the engine's texts are all marked.
    assert len(extracted()) > 300


def test_every_marked_text_is_translated_into_german(found: list[Problem]) -> None:
    assert [str(p) for p in found if p.kind == "untranslated"] == []


def test_every_translation_has_its_templates_placeholders(found: list[Problem]) -> None:
    assert [str(p) for p in found if p.kind == "placeholders"] == []


def test_the_catalogues_hold_nothing_the_code_no_longer_says(found: list[Problem]) -> None:
    assert [str(p) for p in found if p.kind == "stale"] == []


def test_no_marked_text_is_an_f_string(capfd: pytest.CaptureFixture[str]) -> None:
    extracted()

    assert "Skipping f-string" not in capfd.readouterr().err


def _marking_calls() -> list[tuple[str, int, ast.Call]]:
    calls = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in MARKERS
                ):
                    calls.append((str(Path(path).relative_to(ROOT)), node.lineno, node))
    return calls


def test_every_marking_call_hands_over_a_template_not_a_text_built_on_the_spot() -> None:
    # A literal is extracted; a name holds a constant marked with N_ where it is defined (the
    # gettext idiom). An f-string, a concatenation or a call builds text no catalogue can hold.
    def template(node: ast.expr) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str)
        return isinstance(node, ast.Name | ast.Subscript | ast.Attribute)

    built = [
        f"{path}:{line}"
        for path, line, call in _marking_calls()
        if len(call.args) < MARKERS[call.func.id]  # type: ignore[attr-defined]
        or not all(template(arg) for arg in call.args[: MARKERS[call.func.id]])  # type: ignore[attr-defined]
    ]

    assert built == []


def test_n_marks_only_literals() -> None:
    # What N_ marks is what the catalogue holds: it must be the text itself.
    not_literal = [
        f"{path}:{line}"
        for path, line, call in _marking_calls()
        if call.func.id == "N_"  # type: ignore[attr-defined]
        and not (isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str))
    ]

    assert not_literal == []
