"""Fuzz the JSON API from its own OpenAPI document: no input may cause a server error.

Schemathesis generates valid and invalid requests for every operation and
sends them in-process through the WSGI application, authenticated with an
observer's device token, so the handlers and the submission service see them.
"""

from __future__ import annotations

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.pg_plugin import running_in_ci

if not running_in_ci():  # in CI a missing schemathesis fails the import instead
    pytest.importorskip("schemathesis", reason="schemathesis (a test dependency) is missing")

import schemathesis  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

# Fetching the document touches no database, so it can be loaded when the module is collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def requests_keep_the_test_connection():
    """Keep the test's transaction open across requests, as Django's test client does.

    The WSGI handler closes the connection at the end of every request when it is
    not in autocommit mode, which the transaction wrapping each test is.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def device_headers(checklist, observer_token):
    return {"Authorization": f"Bearer {observer_token}"}


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_generated_request_causes_a_server_error(
    case, device_headers, requests_keep_the_test_connection
):
    case.call_and_validate(headers=device_headers, checks=[not_a_server_error])
