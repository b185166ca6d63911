"""The API documentation page works under the site's strict Content Security Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

METHODS = ("get", "post", "put", "patch", "delete")


def _operations(page) -> list[tuple[str, str]]:
    """(method, path) of every operation the OpenAPI document describes."""
    schema = page.request.get("/api/v1/openapi.json").json()
    return [
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in METHODS
    ]


def test_the_api_docs_show_every_operation_without_a_policy_violation(page, live_server):
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text))
    page.on("pageerror", lambda error: complaints.append(str(error)))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/api/v1/docs")

    operations = _operations(page)
    assert operations
    for method, path in operations:
        block = page.locator(f".opblock-{method}:has(.opblock-summary-path[data-path='{path}'])")
        expect(block).to_be_visible()
    assert [url for url in requested if not url.startswith(live_server.url)] == []
    assert complaints == []
