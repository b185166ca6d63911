"""The WSGI application: submissions from devices skip what only pages need, pages do not."""

import json
import uuid

import pytest
from django.core import signals
from django.db import close_old_connections
from django.test import RequestFactory

from pollwatch.wsgi import application
from tests.builders import answers


@pytest.fixture(autouse=True)
def requests_keep_the_test_connection():
    """Keep the test's transaction open across requests, as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def call(method, path, body=b"", **headers):
    request = RequestFactory().generic(method, path, body, "application/json", **headers)
    environ = request.environ
    answered = {}

    def start_response(status, response_headers, exc_info=None):
        answered["status"] = int(status.split()[0])
        answered["headers"] = dict(response_headers)

    response = application(environ, start_response)
    answered["body"] = b"".join(response)
    response.close()
    return answered


def submission(checklist):
    return json.dumps(
        {
            "key": str(uuid.uuid4()),
            "form": "station_check",
            "version": checklist.version,
            "station": "001",
            "answers": answers(),
        }
    ).encode()


def test_a_device_submission_is_stored_without_the_page_only_headers(checklist, observer_token):
    answered = call(
        "POST",
        "/api/v1/submissions",
        submission(checklist),
        HTTP_AUTHORIZATION=f"Bearer {observer_token}",
    )
    assert answered["status"] == 201, answered
    assert "Content-Security-Policy" not in answered["headers"]
    assert answered["headers"]["X-Content-Type-Options"] == "nosniff"


def test_pages_and_machine_reads_keep_the_whole_chain(db):
    docs = call("GET", "/api/v1/docs")
    assert docs["status"] == 200
    assert "Content-Security-Policy" in docs["headers"]
    login = call("GET", "/login/")
    assert "Content-Security-Policy" in login["headers"]
    assert login["headers"]["X-Frame-Options"] == "DENY"


def test_a_session_submission_still_needs_its_csrf_token(client, checklist, observer_north):
    client.force_login(observer_north)
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    answered = call("POST", "/api/v1/submissions", submission(checklist), HTTP_COOKIE=cookie)

    assert answered["status"] == 403, answered
