"""Payloads left ``stored`` by a killed web worker are finished by the background worker."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import override_settings
from django.utils import timezone

from pollwatch.intake.models import Channel, RawPayload, Submission
from pollwatch.intake.recovery import INTERRUPTED, recover_stored_payloads
from pollwatch.intake.services import receive_submission, store_raw_payload
from tests.intake.test_api import item


def _left_stored(body: str, *, channel=Channel.API, user=None, age_seconds=3600) -> RawPayload:
    payload = store_raw_payload(body, channel=channel, user=user)
    RawPayload.objects.filter(pk=payload.pk).update(
        received_at=timezone.now() - datetime.timedelta(seconds=age_seconds)
    )
    return payload


def _status(payload: RawPayload) -> str:
    return RawPayload.objects.get(pk=payload.pk).status


def test_a_json_payload_left_stored_becomes_its_submission(checklist, observer_north):
    body = item(checklist)
    payload = _left_stored(json.dumps(body), user=observer_north)
    outcome = recover_stored_payloads()
    assert (outcome.received, outcome.refused) == (1, 0)
    assert _status(payload) == RawPayload.Status.ACCEPTED
    assert Submission.objects.get(key=body["key"]).payloads.get() == RawPayload.objects.get(
        pk=payload.pk
    )


def test_a_payload_whose_submission_was_stored_after_all_ends_as_its_duplicate(
    checklist, observer_north
):
    body = item(checklist)
    first = store_raw_payload(json.dumps(body), channel=Channel.API, user=observer_north)
    receive_submission(body, first, user=observer_north)
    orphan = _left_stored(json.dumps(body), user=observer_north)
    recover_stored_payloads()
    assert _status(orphan) == RawPayload.Status.DUPLICATE
    assert Submission.objects.count() == 1


def test_a_truncated_json_payload_left_stored_is_marked_invalid_for_review(observer_north):
    payload = _left_stored('{"key": "abc", ', user=observer_north)
    recover_stored_payloads()
    stored = RawPayload.objects.get(pk=payload.pk)
    assert stored.status == RawPayload.Status.INVALID
    assert stored.problems == [{"field": "body", "reason": "not valid JSON"}]


def test_an_invalid_submission_left_stored_is_marked_invalid_with_its_problems(
    checklist, observer_north
):
    payload = _left_stored(json.dumps(item(checklist) | {"station": "999"}), user=observer_north)
    recover_stored_payloads()
    stored = RawPayload.objects.get(pk=payload.pk)
    assert stored.status == RawPayload.Status.INVALID
    assert stored.problems[0]["field"] == "station"


def test_a_payload_of_another_channel_is_marked_invalid_as_interrupted(db):
    payload = _left_stored("VOTE 001 A1", channel=Channel.SMS)
    recover_stored_payloads()
    stored = RawPayload.objects.get(pk=payload.pk)
    assert (stored.status, stored.problems[0]["reason"]) == (RawPayload.Status.INVALID, INTERRUPTED)


@override_settings(POLLWATCH_INTAKE_STORED_GRACE_SECONDS=300)
def test_a_payload_younger_than_the_grace_period_is_left_to_its_request(checklist, observer_north):
    young = _left_stored(json.dumps(item(checklist)), user=observer_north, age_seconds=10)
    old = _left_stored("VOTE", channel=Channel.SMS, age_seconds=400)
    assert recover_stored_payloads().total == 1
    assert _status(young) == RawPayload.Status.STORED
    assert _status(old) == RawPayload.Status.INVALID


@pytest.mark.parametrize("body", ["[]", "null", '"text"', "[" * 50 + "]" * 50])
def test_no_payload_stays_stored_whatever_it_holds(observer_north, body):
    payload = _left_stored(body, user=observer_north)
    recover_stored_payloads()
    assert _status(payload) == RawPayload.Status.INVALID
