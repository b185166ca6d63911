"""Property: whatever body the JSON API gets, it answers without a server error, and
every payload it keeps ends as a submission or in review, never left ``stored``.
"""

from __future__ import annotations

import datetime
import json
import uuid

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pollwatch.intake.models import RawPayload, Submission
from tests.builders import answers
from tests.intake.test_api import post

# 409: a key drawn twice (hypothesis favours 0) with other content is a changed resend.
ANSWERED = {200, 201, 400, 401, 403, 404, 409, 413, 422}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()  # NaN and infinities too: Python's JSON reads them
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
sensible_times = st.datetimes(
    min_value=datetime.datetime(2020, 1, 1), max_value=datetime.datetime(2030, 1, 1)
).map(lambda t: t.replace(tzinfo=datetime.UTC).isoformat())
device_times = st.one_of(
    st.just("9999-12-31T23:59:59-23:59"),
    st.just("0001-01-01T00:00:00+23:59"),
    st.datetimes(timezones=st.timezones()).map(lambda t: t.isoformat()),
    st.text(max_size=30),
    json_values,
)


@st.composite
def submissions(draw, version: int):
    """A valid submission, or one with some of its fields replaced by anything at all."""
    body = {
        "key": str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)))),
        "form": "station_check",
        "version": version,
        "station": draw(st.sampled_from(["001", "002", "003"])),
        "answers": answers(),
    }
    if draw(st.booleans()):
        body["device_time"] = draw(sensible_times)
    if draw(st.booleans()):
        return body  # left valid
    body["station"] = draw(st.sampled_from(["001", "999", " 001 ", ""]))
    body["device_time"] = draw(device_times)
    for name in draw(st.lists(st.sampled_from(sorted(body)), max_size=3, unique=True)):
        if draw(st.booleans()):
            del body[name]
        else:
            body[name] = draw(json_values)
    if draw(st.booleans()):
        body["answers"] = answers() | draw(st.dictionaries(st.text(max_size=8), json_values))
    return body


def raw_bodies(version: int):
    """Text as it may arrive: JSON of anything, cut off, or not JSON at all."""
    whole = st.one_of(submissions(version), json_values).map(json.dumps)
    return st.one_of(
        whole,
        whole.flatmap(lambda text: st.integers(0, len(text)).map(lambda cut: text[:cut])),
        st.text(max_size=60),
        st.integers(1, 3000).map(lambda depth: "[" * depth + "]" * depth),
    )


def _payloads_after(last_id: int):
    return list(RawPayload.objects.filter(pk__gt=last_id))


def _check_every_payload_ended(last_id: int) -> None:
    for payload in _payloads_after(last_id):
        assert payload.status != RawPayload.Status.STORED, payload.body[:200]
        if payload.status in (RawPayload.Status.ACCEPTED, RawPayload.Status.DUPLICATE):
            assert Submission.objects.filter(pk=payload.submission_id).exists()
        else:
            assert payload.problems, payload.body[:200]


FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(data=st.data())
def test_single_submissions_never_fail_and_never_stay_stored(
    client, checklist, observer_token, data
):
    body = data.draw(st.one_of(submissions(checklist.version).map(json.dumps), raw_bodies(1)))
    last = RawPayload.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = post(client, "/submissions", body, observer_token)
    assert response.status_code in ANSWERED, response.content[:500]
    event(f"answered {response.status_code}")
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
    _check_every_payload_ended(last)


@FUZZ
@given(data=st.data())
def test_batches_never_fail_and_never_leave_a_payload_stored(
    client, checklist, observer_token, data
):
    items = data.draw(st.lists(st.one_of(submissions(checklist.version), json_values), max_size=5))
    body = data.draw(
        st.one_of(
            st.just(json.dumps({"submissions": items})),
            raw_bodies(checklist.version),
            json_values.map(lambda value: json.dumps({"submissions": value})),
        )
    )
    last = RawPayload.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = post(client, "/submissions/batch", body, observer_token)
    assert response.status_code in ANSWERED, response.content[:500]
    event(f"answered {response.status_code}")
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
    _check_every_payload_ended(last)
