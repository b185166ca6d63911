"""The browser's side of the answer conformance table: the XForm engine the web form uses.

Each case's instance is loaded into the form in headless Chromium and checked
with the engine's own validation; it must say what the table (and the server,
tests/forms/test_answer_conformance.py) says.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_webform_engine import serve_test_page
from tests.forms.conformance import CASES, case_instance, conformance_xform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_browser_engine_judges_every_case_as_the_table_says(page, live_server, client):
    csp = client.get("/login/")["Content-Security-Policy"]
    serve_test_page(page, live_server.url, csp, "")
    page.goto("/webform-test/conformance.html")
    expect(page.locator("body[data-state=ready]")).to_be_attached()
    xform = conformance_xform()
    verdicts = {}
    for case in CASES:
        result = page.evaluate(
            "([xform, instance]) => window.conformance.check(xform, instance)",
            [xform, case_instance(xform, case)],
        )
        assert result["loadErrors"] == [], (case["name"], result)
        verdicts[case["name"]] = result["valid"]
    assert verdicts == {case["name"]: case["valid"] for case in CASES}
