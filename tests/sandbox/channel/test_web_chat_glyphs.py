"""The web chat draws no missing-glyph boxes in Debian's headless Chromium: every character it
shows is text that the machine's fonts have (its icons are SVG from @fluentui/svg-icons, not
emoji or icon-font code points), and every image and icon it loads arrives."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Page, Response, expect

from tests.sandbox.channel.conftest import quote
from tests.support.harness import Harness, SeededTenant
from tests.support.standin_bot import CARD, StandinBot

FC_LIST = shutil.which("fc-list")
# What a page may draw without caring about the machine's fonts: Basic Latin, Latin-1 and the
# common punctuation that Debian's default fonts (DejaVu) have.
PUNCTUATION = set("‐‑‒–—―‘’‚“”„•…‹›")

# Every string the page draws: text nodes, placeholders and values of inputs, and the text of
# ::before / ::after pseudo-elements (CSS `content:`, where icon fonts put their code points).
DRAWN_TEXT = """() => {
  const drawn = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("script, style")) continue;
    if (node.nodeValue.trim()) drawn.push(node.nodeValue);
  }
  for (const el of document.querySelectorAll("input, textarea")) {
    if (el.placeholder) drawn.push(el.placeholder);
    if (el.value) drawn.push(el.value);
  }
  const unescape = (s) => s
    .replace(/\\\\([0-9a-fA-F]{1,6}) ?/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/\\\\(.)/g, "$1");
  for (const el of document.querySelectorAll("*")) {
    for (const pseudo of ["::before", "::after"]) {
      const content = getComputedStyle(el, pseudo).content;
      for (const m of content.matchAll(/"((?:[^"\\\\]|\\\\.)*)"/g)) drawn.push(unescape(m[1]));
    }
  }
  return drawn;
}"""

# Images that did not load, and the icons of the left rail (inline <svg> or an SVG image drawn
# as a CSS mask or background).
IMAGES = """() => ({
  broken: [...document.images].filter((i) => !i.complete || i.naturalWidth === 0)
    .map((i) => i.src),
  rail: [...document.querySelectorAll(".rail-item")].map((item) => {
    const urls = [];
    let inline = false;
    for (const el of item.querySelectorAll("*")) {
      if (el.tagName.toLowerCase() === "svg") inline = true;
      const style = getComputedStyle(el);
      for (const value of [style.maskImage, style.webkitMaskImage, style.backgroundImage]) {
        for (const m of (value || "").matchAll(/url\\("?([^")]+)"?\\)/g)) urls.push(m[1]);
      }
    }
    return { label: item.textContent.trim(), inline, urls: [...new Set(urls)] };
  }),
})"""


def drawable(char: str) -> bool:
    """Text any machine's default fonts draw."""
    code = ord(char)
    return char in "\t\n\r" or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF or char in PUNCTUATION


def installed_fonts_with(char: str) -> list[str]:
    """The fonts fontconfig (Chromium's font lookup on Linux) knows that have ``char``."""
    assert FC_LIST is not None
    listed = subprocess.run(
        [FC_LIST, f":charset={ord(char):x}", "family"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return [line for line in listed.stdout.splitlines() if line.strip()]


async def _a_busy_chat(page: Page, sb: Harness, bot: StandinBot, tenant: SeededTenant) -> None:
    """The page with a bit of everything it draws: the rail, a message, an edited message, a
    card with buttons and an input, and a card with an expanded and a closed Action.ShowCard."""
    query = urlencode({"tenant": tenant.id, "user": tenant.admin, "bot": bot.app_id})
    await page.goto(f"{sb.endpoints.chat}?{query}")
    await expect(page.locator("body")).to_have_attribute("data-ready", "true")
    await page.click("#open")
    await expect(page.locator("body")).to_have_attribute("data-live", "true")

    await page.fill("#text", "hello")
    await page.press("#text", "Enter")
    await expect(page.locator(".message.bot .bubble").last).to_have_text("echo: hello")
    echo = await page.locator(".message.bot").last.get_attribute("data-id")
    await page.fill("#text", "card please")
    await page.press("#text", "Enter")
    await expect(page.locator(".message.bot .card").last).to_contain_text("Approve?")

    conversation = quote(str(await page.evaluate("() => state.conversation")))
    shown = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "Shown"}]}
    show_cards = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": "More?", "wrap": True}],
        "actions": [
            {"type": "Action.ShowCard", "title": "Details", "card": shown},
            {"type": "Action.ShowCard", "title": "History", "card": shown},
        ],
    }
    posted = await bot.call(
        "POST",
        f"/v3/conversations/{conversation}/activities",
        json={"type": "message", "attachments": [{"contentType": CARD, "content": show_cards}]},
    )
    assert posted.status_code == 201, posted.text
    edited = await bot.call(
        "PUT",
        f"/v3/conversations/{conversation}/activities/{echo}",
        json={"type": "message", "text": "echo: hello, edited"},
    )
    assert edited.status_code == 200, edited.text
    await expect(page.locator(".message.updated")).to_have_count(1)
    await page.get_by_role("button", name="Details").click()
    await expect(page.locator(".message.bot .card").last).to_contain_text("Shown")


async def test_the_web_chat_draws_no_missing_glyph_boxes(
    browser: Browser, sb: Harness, bot: StandinBot, tenant: SeededTenant
) -> None:
    """No emoji, icon-font or symbol characters the fonts lack; the rail's icons are SVG that
    loaded; no image or icon request failed."""
    page = await browser.new_page(ignore_https_errors=True, locale="en-US")
    loaded: dict[str, tuple[int, str]] = {}
    failed: list[str] = []

    def on_response(response: Response) -> None:
        loaded[urlsplit(response.url).path] = (
            response.status,
            response.headers.get("content-type", ""),
        )
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    page.on("requestfailed", lambda request: failed.append(f"failed {request.url}"))
    await _a_busy_chat(page, sb, bot, tenant)

    drawn: list[str] = await page.evaluate(DRAWN_TEXT)
    assert any("Edited" in text for text in drawn)  # the pseudo-element text is seen
    odd = {
        f"U+{ord(char):04X} {char!r} in {text.strip()[:40]!r}"
        for text in drawn
        for char in text
        if not drawable(char)
    }
    assert not odd, "characters that may draw as missing-glyph boxes:\n" + "\n".join(sorted(odd))
    if FC_LIST is not None:
        unfonted = {
            f"U+{ord(char):04X} {char!r}"
            for char in set("".join(drawn))
            if ord(char) > 0x7E and not installed_fonts_with(char)
        }
        assert not unfonted, f"no installed font has {sorted(unfonted)}"

    images: dict[str, Any] = await page.evaluate(IMAGES)
    assert images["broken"] == []
    assert [item["label"] for item in images["rail"]] == ["Chat", "Teams", "Apps"]
    for item in images["rail"]:
        assert item["inline"] or item["urls"], f"the rail's {item['label']} has no icon"
        for url in item["urls"]:
            path = urlsplit(url).path
            for _ in range(100):  # CSS images load when first drawn
                if path in loaded:
                    break
                await asyncio.sleep(0.1)
            assert loaded.get(path, (0, ""))[0] == 200, f"{url}: {loaded.get(path)}"
            assert loaded[path][1].startswith("image/svg+xml"), f"{url}: {loaded[path]}"
    assert failed == []
    await page.close()


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("chat_24_regular.svg", 200),
        ("chevron_down_12_regular.svg", 200),
        ("no_such_icon_24_regular.svg", 404),
        ("..%2Fpackage.json", 404),
        ("chat_24_regular.png", 404),
    ],
)
def test_icons_are_served_from_the_fluent_package(sb: Harness, name: str, status: int) -> None:
    """``/chat/vendor/icons/<name>.svg``: an icon file of @fluentui/svg-icons, nothing else."""
    base = sb.endpoints.chat.rstrip("/")
    response = httpx.get(f"{base}/vendor/icons/{name}", timeout=30)
    assert response.status_code == status, response.text
    if status == 200:
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert response.text.startswith("<svg")
