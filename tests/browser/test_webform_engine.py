"""The vendored XForm engine renders an XForm under the application's CSP, from this origin only.

The test page lives here, not in the app: it loads the engine the app serves
(``pollwatch/static/vendor/enketo/``), renders an XForm made by pyxform, and
gives back the instance XML. Every request to another origin is refused and
recorded, so the engine is shown to need nothing a service worker could not cache.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pyxform.xls2xform import convert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_DIR = Path(__file__).resolve().parent / "webform"
XLSFORM = """
| survey |
| | type | name | label | required | relevant | constraint | calculation |
| | text | observer | Your name | yes | | | |
| | select_one yesno | problems | Were there problems? | yes | | | |
| | begin_repeat | incident | Incident | | ${problems} = 'yes' | | |
| | text | what | What happened | yes | | | |
| | integer | minutes | Minutes lost | | | . >= 0 | |
| | end_repeat | | | | | | |
| | calculate | incidents | | | | | count(${incident}) |
| choices |
| | list_name | name | label |
| | yesno | yes | Yes |
| | yesno | no | No |
| settings |
| | form_id | form_title |
| | engine_check | Engine check |
"""
CONTENT_TYPES = {".html": "text/html", ".js": "text/javascript", ".xml": "text/xml"}


def engine_check_xform() -> str:
    return convert(xlsform=XLSFORM, warnings=[], file_type=".md").xform


def serve_test_page(page, origin: str, csp: str, xform: str) -> list[str]:
    """Serve the test page under ``/webform-test/`` with ``csp``; refuse other origins."""
    elsewhere: list[str] = []

    def only_this_origin(route):
        if route.request.url.startswith(origin):
            route.fallback()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    def test_page(route):
        name = route.request.url.rsplit("/", 1)[-1]
        body = xform if name == "form.xml" else (PAGE_DIR / name).read_text(encoding="utf-8")
        route.fulfill(
            body=body,
            headers={
                "Content-Type": CONTENT_TYPES[Path(name).suffix],
                "Content-Security-Policy": csp,
            },
        )

    page.route("**/*", only_this_origin)
    page.route(f"{origin}/webform-test/*", test_page)
    return elsewhere


def test_the_vendored_engine_fills_a_repeat_under_the_app_csp(page, live_server, client):
    csp = client.get("/login/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    elsewhere = serve_test_page(page, live_server.url, csp, engine_check_xform())

    page.goto("/webform-test/page.html")
    expect(page.locator("body[data-state=ready]")).to_be_attached()

    repeat = page.locator(".or-repeat")
    page.locator('input[name="/data/observer"]').fill("Ana")
    page.locator('input[name="/data/problems"][value="no"]').check()
    expect(repeat.first).to_be_hidden()
    page.locator('input[name="/data/problems"][value="yes"]').check()
    expect(repeat.first).to_be_visible()
    repeat.nth(0).locator('input[name="/data/incident/what"]').fill("Queue outside")
    repeat.nth(0).locator('input[name="/data/incident/minutes"]').fill("20")
    page.locator(".add-repeat-btn").click()
    repeat.nth(1).locator('input[name="/data/incident/what"]').fill("Ink ran out")
    # Enketo takes a value on "change", which a browser fires when the field loses focus.
    page.keyboard.press("Tab")

    assert page.evaluate("window.webformTest.handle.validate()") is True
    instance = ET.fromstring(page.evaluate("window.webformTest.handle.instanceXml()"))
    assert instance.findtext("observer") == "Ana"
    assert [entry.findtext("what") for entry in instance.findall("incident")] == [
        "Queue outside",
        "Ink ran out",
    ]
    assert instance.find("incident").findtext("minutes") == "20"
    assert instance.findtext("incidents") == "2"
    assert page.evaluate("window.webformTest.violations") == []
    assert errors == []
    assert elsewhere == []
