"""Round trips to the database of one report on each channel, as docs/performance.md gives them.

Each count is of a report in the steady state of election day: the process has
already seen the station and the form version (the reports sent before warm
them), so the count is what every later report costs. A change that adds a
query to the hot path fails here: weigh it, then update the count here and in
docs/performance.md.

``django_assert_num_queries`` sees the queries sent through Django's cursors. On
PostgreSQL the token lookup and the raw payload's ``INSERT`` are bound by the
server through psycopg directly (``lib/plain_sql.py``), which Django does not
see; they are counted apart, and both numbers together are the round trips.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from itertools import count

import pytest
from django.db import connection

from pollwatch.intake.models import Submission
from pollwatch.lib import plain_sql
from tests.builders import answers

from .conftest import OBSERVER_PHONE
from .test_openrosa import (  # noqa: F401  (fixtures)
    ANSWERS,
    collect_post,
    instance_from_xform,
    media_in_tmp,
    version,
    xform_xml,
)

pytestmark = pytest.mark.django_db

GATEWAY_TOKEN = "query-count-gateway-token"
# A form version is remembered once it is locked, which the first report does.
WARM_UP = 2


def on(*, postgresql: tuple[int, int], sqlite: tuple[int, int]) -> tuple[int, int]:
    """(queries Django sees, statements bound by the server) on this database."""
    return {"postgresql": postgresql, "sqlite": sqlite}[connection.vendor]


@pytest.fixture
def server_bound(monkeypatch) -> list[str]:
    seen: list[str] = []
    run = plain_sql._run

    def counted(db, sql, params, *, fetch, prepared):
        if prepared and db.vendor == "postgresql":
            seen.append(sql)
        return run(db, sql, params, fetch=fetch, prepared=prepared)

    monkeypatch.setattr(plain_sql, "_run", counted)
    return seen


@pytest.fixture
def assert_steady_round_trips(server_bound, django_assert_num_queries):
    def check(send: Callable[[], None], expected: tuple[int, int]) -> None:
        for _ in range(WARM_UP):
            send()
        server_bound.clear()
        with django_assert_num_queries(expected[0]):
            send()
        assert len(server_bound) == expected[1], server_bound
        assert Submission.objects.count() == WARM_UP + 1

    return check


def test_a_single_api_submission(client, checklist, observer_token, assert_steady_round_trips):
    def send() -> None:
        body = {
            "key": str(uuid.uuid4()),
            "form": "station_check",
            "version": checklist.version,
            "station": "001",
            "answers": answers(),
        }
        response = client.post(
            "/api/v1/submissions", json.dumps(body), content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {observer_token}",
        )  # fmt: skip
        assert response.status_code == 201

    # The sender is remembered from the first send: one call stores the payload with its
    # submission and checks the token (SQLite looks the token up in its store path).
    assert_steady_round_trips(send, on(postgresql=(1, 0), sqlite=(10, 0)))


def test_an_sms_through_the_gateway_webhook(
    client, settings, sms_observer, sms_code, assert_steady_round_trips
):
    settings.POLLWATCH_SMS_GATEWAY_TOKEN = GATEWAY_TOKEN
    messages = iter(["SC 001 AA1 AB2 AD2", "SC 001 AA2 AB2 AD1", "SC 001 AA1 AB1 AD2"])
    ids = count(1)

    def send() -> None:
        sms = {"sender": OBSERVER_PHONE, "text": next(messages), "id": f"q-{next(ids)}"}
        response = client.post(f"/hooks/sms/generic/{GATEWAY_TOKEN}/", sms)
        assert response.json()["status"] == "accepted"

    # The message's insert, the form list (prepared on the server), the sender with their
    # recent messages, the store call, the reply's update.
    assert_steady_round_trips(send, on(postgresql=(4, 1), sqlite=(13, 0)))


def test_an_openrosa_submission(
    client,
    observer_token,
    xform_xml,  # noqa: F811
    assert_steady_round_trips,
):
    def send() -> None:
        instance = instance_from_xform(xform_xml, ANSWERS, f"uuid:{uuid.uuid4()}")
        assert collect_post(client, observer_token, instance).status_code == 201

    # The sender (member and login) remembered from the first send: one call that checks
    # the token and stores the XML as the raw payload, the submission and its instance.
    assert_steady_round_trips(send, on(postgresql=(1, 0), sqlite=(11, 0)))
