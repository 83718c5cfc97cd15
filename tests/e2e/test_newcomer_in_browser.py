"""The newcomer's path, through the web chat only, in Debian's Chromium: ``python app.py demo``
(what ``make run`` starts), then connect, both sign-ins, readiness, integrate, the "domain
verified" notification, sync, activate a user, remove; the tenant ends as it started. A second
run restarts the whole demo in the middle of the DNS wait. Screenshots of each step go to
``test-artifacts/e2e/<test>/``."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from i18n.language import speaking
from i18n.text import t
from tests.support.bot import free_port
from tests.support.harness import Harness, SeededTenant
from tests.support.product import object_counts
from tests.support.sandbox_process import SandboxEndpoints
from tests.support.voice import MCOEV

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
# Microsoft's delays, shortened from the demo's so the test takes a minute, not five.
FAST = {
    "activation_seconds": 8,
    "grant_delay_seconds": 2,
    "number_operation_seconds": 2,
    "consistency_seconds": 1,
}
DNS_PROPAGATION_SECONDS = 6
WAIT_MS = 120_000


def _free_port_base(span: int = 12) -> int:
    """A run of ``span`` free TCP and UDP ports (the sandbox's, DNS included)."""
    for _ in range(50):
        base = free_port()
        if base + span > 65000:
            continue
        try:
            for port in range(base, base + span):
                for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                    with socket.socket(socket.AF_INET, kind) as s:
                        s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no run of free ports")


@dataclass
class Demo:
    """A running ``app.py demo``."""

    proc: subprocess.Popen[str]
    url: str
    sb: Harness
    tenant: SeededTenant


@dataclass(frozen=True)
class DemoPlace:
    """Where a demo keeps its state and listens (the same for a restart)."""

    data_dir: Path
    port_base: int
    bot_port: int


@contextmanager
def running_demo(place: DemoPlace) -> Iterator[Demo]:
    """``python app.py demo`` until the block ends (stopped with Ctrl-C's SIGINT)."""
    log = (place.data_dir.parent / "demo.out").open("a")
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "app.py"),
            "demo",
            "--data-dir",
            str(place.data_dir),
            "--port-base",
            str(place.port_base),
            "--bot-port",
            str(place.bot_port),
            "--dns-propagation-seconds",
            str(DNS_PROPAGATION_SECONDS),
        ],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        url = ""
        deadline = time.monotonic() + 120
        while not url:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "the demo stopped while starting"
            assert time.monotonic() < deadline, "the demo did not start"
            found = re.search(r"(http://\S+/chat\?\S+)", line)
            url = found.group(1) if found else ""
        raw = json.loads((place.data_dir / "sandbox-endpoints.json").read_text())
        endpoints = SandboxEndpoints(
            raw["authority"], raw["graph"], raw["ca_file"], raw["control"], raw["login_page"], raw
        )
        sb = Harness(endpoints)
        summary = sb.control.get("/tenants").json()["tenants"][0]
        admin = next(a["userPrincipalName"] for a in summary["admins"])
        tenant = SeededTenant(summary["id"], summary["initialDomain"], admin, summary)
        try:
            yield Demo(proc, url, sb, tenant)
        finally:
            sb.close()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
        finally:
            if proc.stdout is not None:
                proc.stdout.close()
            log.close()


@pytest.fixture
def place(tmp_path: Path) -> DemoPlace:
    """A fresh data folder and free ports."""
    return DemoPlace(tmp_path / "demo", _free_port_base(), free_port())


class Walk:
    """One admin in the web chat, taking a screenshot after each step."""

    def __init__(self, page: Page, shots: Path) -> None:
        self.page = page
        self.shots = shots
        self.taken = 0
        shots.mkdir(parents=True, exist_ok=True)

    async def shot(self, name: str) -> None:
        """A screenshot of the chat as it stands."""
        self.taken += 1
        await self.page.screenshot(path=self.shots / f"{self.taken:02d}-{name}.png", full_page=True)

    async def open(self, url: str) -> None:
        """The chat page, the conversation with the bot opened."""
        await self.page.goto(url)
        body = self.page.locator("body")
        await expect(body).to_have_attribute("data-ready", "true", timeout=WAIT_MS)
        await self.page.click("#open")
        await expect(body).to_have_attribute("data-live", "true", timeout=WAIT_MS)

    async def say(self, text: str) -> None:
        """Type a message and send it."""
        await self.page.fill("#text", text)
        await self.page.press("#text", "Enter")

    def card(self, text: str) -> Locator:
        """The latest of the bot's cards that shows ``text``."""
        return self.page.locator(".message.bot .card").filter(has_text=text).last

    async def sees(self, text: str) -> Locator:
        """Wait until a card of the bot shows ``text``."""
        card = self.card(text)
        await expect(card).to_be_visible(timeout=WAIT_MS)
        return card

    async def sign_in(
        self, card: Locator, link: str, upn: str, done: str = "close this tab"
    ) -> None:
        """Follow a sign-in link of a card: Microsoft's page in a new tab, then back (once the
        bot's page says ``done``)."""
        async with self.page.context.expect_page() as opened:
            await card.get_by_role("link", name=link).click()
        tab = await opened.value
        await tab.fill("input[name=login_typed]", upn)
        await tab.click("button[value=next]")
        accept = tab.locator("button[value=accept]")
        if await accept.count():
            await accept.click()
        await expect(tab.locator("body")).to_contain_text(done, timeout=30_000)
        await tab.close()


def _phone_user(sb: Harness, tenant: SeededTenant) -> str:
    """A licensed user without voice and without an admin role."""
    state = sb.state(tenant)
    with_voice = set(state["voice"]["users"])
    return str(
        next(
            u["userPrincipalName"]
            for u in state["users"]
            if MCOEV in u["enabledPlans"]
            and not u["roles"]
            and u["userPrincipalName"] not in with_voice
        )
    )


async def _connect(walk: Walk, demo: Demo) -> None:
    """connect → step 1 sign-in → readiness passes → step 3 sign-in → integrate."""
    await walk.say("connect")
    wizard = await walk.sees("Step 1 of 4")
    await walk.shot("wizard")
    await walk.sign_in(wizard, "Sign in to Microsoft (step 1)", demo.tenant.admin)
    wizard = await walk.sees("Step 3 of 4")
    await expect(wizard).to_contain_text("checks passed", timeout=WAIT_MS)
    await walk.shot("readiness-passed")
    await walk.sign_in(wizard, "Sign in to the Teams admin centre (step 3)", demo.tenant.admin)
    wizard = await walk.sees("Step 4 of 4")
    await walk.shot("ready-to-integrate")
    await wizard.get_by_role("button", name="Integrate").click()


async def _after_verification(walk: Walk, demo: Demo, before: object) -> None:
    """Connected: sync, activate one user, remove; the tenant as it started."""
    await walk.sees("Microsoft has verified the domain")
    await walk.shot("domain-verified")
    await walk.sees("is connected")
    await walk.sees("The integration is complete.")
    await walk.shot("connected")

    await walk.say("sync")
    await walk.sees("Full sync of")
    await expect(walk.card("Full sync of")).to_contain_text("inactive", timeout=WAIT_MS)
    await walk.shot("synced")

    user = _phone_user(demo.sb, demo.tenant)
    await walk.say(f"activate {user} +44 20 7946 0123")
    activation = await walk.sees(f"Activation of {user}")
    await expect(activation).to_contain_text(
        f"{user} is active with +442079460123", timeout=WAIT_MS
    )
    assert user in demo.sb.state(demo.tenant)["voice"]["users"]
    await walk.shot("activated")

    await walk.say("remove")
    warning = await walk.sees("cannot be undone")
    await walk.shot("removal-warning")
    await warning.locator("input").fill(demo.tenant.domain)
    await warning.get_by_role("button", name="Remove everything").click()
    await walk.sees("is disconnected")
    await walk.shot("disconnected")
    assert object_counts(demo.sb, demo.tenant) == before
    assert user not in demo.sb.state(demo.tenant)["voice"]["users"]


@pytest.mark.timeout(600)
async def test_a_new_admin_walks_the_whole_flow_in_the_browser(
    browser: Browser, place: DemoPlace
) -> None:
    with running_demo(place) as demo:
        demo.sb.control.patch(f"/tenants/{demo.tenant.id}/knobs", json=FAST)
        before = object_counts(demo.sb, demo.tenant)
        walk = Walk(await browser.new_page(locale="en-US"), ARTIFACTS / "whole-flow")
        await walk.open(demo.url)
        await walk.sees("Hello!")
        await walk.shot("welcome")
        await _connect(walk, demo)
        await walk.sees("Waiting")
        await walk.shot("waiting")
        await _after_verification(walk, demo, before)


@pytest.mark.timeout(600)
async def test_the_flow_survives_a_restart_in_the_middle_of_the_dns_wait(
    browser: Browser, place: DemoPlace
) -> None:
    """Ctrl-C while Microsoft waits for the TXT record to show, then ``make run`` again: the
    chat, the sign-ins, the run and the sandbox's state are all still there."""
    with running_demo(place) as demo:
        demo.sb.control.patch(f"/tenants/{demo.tenant.id}/knobs", json=FAST)
        before = object_counts(demo.sb, demo.tenant)
        walk = Walk(await browser.new_page(locale="en-US"), ARTIFACTS / "restart")
        await walk.open(demo.url)
        await _connect(walk, demo)
        await walk.sees("Waiting for DNS: the record is on")
        await walk.shot("dns-wait-before-restart")
    with running_demo(place) as demo:
        await walk.open(demo.url)
        await walk.shot("after-restart")
        await _after_verification(walk, demo, before)


def de(template: str, **args: object) -> str:
    """``template`` as the German catalogue says it."""
    with speaking("de-DE"):
        return t(template, **args)


@pytest.mark.timeout(600)
async def test_a_german_admin_connects_in_a_german_browser(
    browser: Browser, place: DemoPlace
) -> None:
    """A browser in German: the chat tells the bot so, as a Teams client in German does, and
    the wizard, the sign-in pages, the progress, the notification and the sync read German."""
    with running_demo(place) as demo:
        demo.sb.control.patch(f"/tenants/{demo.tenant.id}/knobs", json=FAST)
        walk = Walk(await browser.new_page(locale="de-DE"), ARTIFACTS / "german")
        await walk.open(demo.url)
        await walk.sees("Hallo!")
        await walk.shot("welcome")
        await walk.say("connect")
        wizard = await walk.sees(de("Step {n} of {total}", n=1, total=4))
        await walk.shot("wizard")
        closing = "Sie können diesen Tab schließen"
        link = de("Sign in to Microsoft (step 1)")
        await walk.sign_in(wizard, link, demo.tenant.admin, closing)
        wizard = await walk.sees(de("Step {n} of {total}", n=3, total=4))
        await expect(wizard).to_contain_text(de("All {n} checks passed", n=7), timeout=WAIT_MS)
        await walk.shot("readiness-passed")
        link = de("Sign in to the Teams admin centre (step 3)")
        await walk.sign_in(wizard, link, demo.tenant.admin, closing)
        wizard = await walk.sees(de("Step {n} of {total}", n=4, total=4))
        await wizard.get_by_role("button", name=de("Integrate")).click()
        await walk.sees("Warten auf DNS")
        await walk.shot("waiting")
        await walk.sees(de("Microsoft has verified the domain"))
        await walk.sees("ist verbunden")
        await walk.sees(de("The integration is complete."))
        await walk.shot("connected")
        await walk.say("sync")
        await expect(walk.card("Vollständige Synchronisierung")).to_contain_text(
            "inaktiv", timeout=WAIT_MS
        )
        await walk.shot("synced")
