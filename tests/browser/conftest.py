"""Real headless Chromium driven by Playwright against Django's live server."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from django.test.testcases import LiveServerThread

from tests.pg_plugin import skip_or_fail

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# With SQLite the test database lives in memory and Django gives the live server's
# threads the test's own connection. One sqlite3 connection used by two threads at
# once can deadlock (a page whose panels reload themselves sends several requests
# together), so the live server answers one request at a time, and a test that
# writes while a page is open takes the same lock.
DATABASE_IN_USE = threading.RLock()


class _OneRequestAtATime:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        with DATABASE_IN_USE:
            response = self.app(environ, start_response)
            try:
                return list(response)  # streamed bodies too are read under the lock
            finally:
                if hasattr(response, "close"):
                    response.close()


_create_server = LiveServerThread._create_server


def _server_answering_one_request_at_a_time(self, *args, **kwargs):
    server = _create_server(self, *args, **kwargs)
    set_app = server.set_app
    server.set_app = lambda app: set_app(_OneRequestAtATime(app))
    return server


LiveServerThread._create_server = _server_answering_one_request_at_a_time


def chromium_path() -> str | None:
    configured = os.environ.get("POLLWATCH_CHROMIUM")
    return configured or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium():
    executable = chromium_path()
    if executable is None:
        skip_or_fail("Chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the live server's
    # database calls happen in their own thread, so Django's guard does not apply.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    # CI machines are small and busy: allow slow pages before declaring failure.
    expect.set_options(timeout=15000)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def policy_refusals(page):
    """What the page's console said about the Content-Security-Policy, and any script error."""
    said: list[str] = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and said.append(message.text),
    )
    page.on("pageerror", lambda error: said.append(f"error: {error}"))
    return said


def log_in(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
