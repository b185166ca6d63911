"""Screenshots of the demo for the README, made from the demo itself so they stay current.

Builds the demo in a temporary SQLite database, serves it with granian, and
captures the pages in ``PAGES`` (the mission dashboard, the findings, the
citizen observers' PVT, the station map, the mission and its delegations, the
briefing, badges, inclusion findings, the rounds compared and a coalition's
settings) at a desktop and a phone width with headless Chromium
(Playwright) into docs/screenshots/*.png:

    python scripts/screenshots.py            # or: make screenshots

Chromium is found as for the browser tests: ``POLLWATCH_CHROMIUM``, else
``chromium`` or ``chromium-browser`` on the PATH.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshots"
MISSION = "veloria-ieom-2026"
CORPS = "veloria-civic-watch-2026"


@dataclass(frozen=True)
class Shot:
    """One page to capture.

    ``viewer`` is the demo login that opens ``path``; ``follow`` the elements to
    go through in turn from there (a link's ``href``, or a badge's check address);
    ``public`` takes the last page as someone not logged in. ``start`` is what a
    phone's screen starts at: below the menu.
    """

    name: str
    path: str
    viewer: str
    start: str = "#main"
    follow: tuple[str, ...] = ()
    public: bool = False


PAGES = [
    Shot("dashboard", "/", "core"),
    Shot("findings", f"/missions/{MISSION}/findings/", "core", "h2:has-text('Overall assessment')"),
    Shot("pvt", f"/missions/{CORPS}/pvt/?round=1", "admin"),
    Shot("map", f"/missions/{MISSION}/deployment/map/", "core", ".map-legend"),
    Shot("mission", f"/missions/{MISSION}/", "core", "h2:has-text('Delegations')"),
    Shot(
        "briefing-test",
        f"/missions/{MISSION}/briefing/",
        "observer",
        follow=("a[href$='/test/']",),
    ),
    Shot("briefing-overview", f"/missions/{MISSION}/briefing/overview/", "core"),
    Shot("badge", f"/missions/{MISSION}/badges/", "core", follow=("a.badge-link",)),
    Shot(
        "badge-check",
        f"/missions/{MISSION}/badges/",
        "core",
        follow=("a.badge-link", "img.badge-qr"),
        public=True,
    ),
    Shot("inclusion", f"/missions/{MISSION}/findings/inclusion/", "core"),
    Shot("rounds", f"/missions/{MISSION}/findings/rounds/", "core"),
    Shot("coalition", f"/missions/{CORPS}/coalition/", "admin"),
]
# (suffix, viewport width, viewport height)
WIDTHS = [("desktop", 1280, 900), ("phone", 390, 844)]
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]


def main() -> None:
    chromium = os.environ.get("POLLWATCH_CHROMIUM") or (
        shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if chromium is None:
        sys.exit("Chromium is needed: set POLLWATCH_CHROMIUM or install chromium.")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pollwatch-screenshots-") as folder:
        environment = {**os.environ, "POLLWATCH_DATA_DIR": folder}
        build_demo(environment)
        logins = json.loads((Path(folder) / "demo-logins.json").read_text())
        with served(environment) as address:
            capture(chromium, address, logins)


def build_demo(environment: dict[str, str]) -> None:
    for command in (
        ["migrate", "--no-input", "--verbosity", "0"],
        ["collectstatic", "--no-input", "--verbosity", "0"],
        ["demo"],
    ):
        subprocess.run(
            [sys.executable, "-m", "pollwatch", *command],
            env=environment,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )


@contextmanager
def served(environment: dict[str, str]) -> Iterator[str]:
    """The demo served by granian on a free local port, as ``make serve`` does."""
    port = free_port()
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "granian"),
            *("--interface", "wsgi", "pollwatch.wsgi:application"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
        ],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        wait_for(address)
        yield address
    finally:
        server.terminate()
        server.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(address: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{address}/login/", timeout=5)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def capture(chromium: str, address: str, logins: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_FLAGS
        )
        for suffix, width, height in WIDTHS:
            for shot in PAGES:
                viewport = {"width": width, "height": height}
                context = browser.new_context(base_url=address, locale="en-GB", viewport=viewport)
                page = context.new_page()
                log_in(page, shot.viewer, logins[shot.viewer])
                path = page_to_capture(page, shot)
                if shot.public:
                    context.close()
                    context = browser.new_context(
                        base_url=address, locale="en-GB", viewport=viewport
                    )
                    page = context.new_page()
                page.goto(path)
                page.wait_for_load_state("networkidle")
                if suffix == "phone":
                    page.locator(shot.start).first.evaluate("element => element.scrollIntoView()")
                target = OUTPUT / f"{shot.name}-{suffix}.png"
                page.screenshot(path=str(target), animations="disabled")
                print(f"{target.relative_to(ROOT)}")
                context.close()
        browser.close()


def page_to_capture(page, shot: Shot) -> str:
    """The path of the shot's page: its own, or where following its elements leads."""
    path = shot.path
    for selector in shot.follow:
        page.goto(path)
        found = page.locator(selector).first
        address = found.get_attribute("href") or found.get_attribute("data-check-url") or ""
        path = urlsplit(address).path
    return path


def log_in(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


if __name__ == "__main__":
    main()
