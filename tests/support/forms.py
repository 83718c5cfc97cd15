"""Reading HTML forms the way a browser would, to drive sign-in pages over plain HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    """One ``<form>``: where it posts, its hidden fields and its submit buttons."""

    action: str
    method: str
    hidden: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").upper()))
        elif tag == "input" and self.forms:
            name = a.get("name", "")
            if a.get("type") == "hidden":
                self.forms[-1].hidden[name] = a.get("value", "")
            elif a.get("type") not in ("submit", "checkbox") and name:
                self.forms[-1].inputs[name] = a.get("value", "")
        elif tag == "button" and self.forms and a.get("name"):
            self.forms[-1].buttons.append((a["name"], a.get("value", "")))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_forms(html: str) -> list[Form]:
    """Every form on a page."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def page_text(html: str) -> str:
    """The visible text of a page, whitespace collapsed."""
    parser = _FormParser()
    parser.feed(html)
    return " ".join(" ".join(parser.text).split())
