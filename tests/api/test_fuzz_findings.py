"""Inputs the fuzzing run found to cause server errors, kept as plain regression tests."""

from __future__ import annotations

import json
import uuid

import pytest

from pollwatch.intake.models import RawPayload, Submission
from tests.builders import answers


def post(client, path, body, token):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        f"/api/v1{path}",
        data,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def item(checklist, **fields):
    return {
        "key": str(uuid.uuid4()),
        "form": "station_check",
        "version": checklist.version,
        "station": "001",
        "answers": answers(),
    } | fields


def test_impossible_device_time_is_a_422_naming_the_field(client, checklist, observer_token):
    body = item(checklist, device_time="2026-05-01T10:61:00+03:00")
    response = post(client, "/submissions", body, observer_token)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "device_time"


def test_nul_byte_in_the_body_is_kept_as_a_replacement_character(client, checklist, observer_token):
    response = post(client, "/submissions", '{"key": "\x00"}', observer_token)
    assert response.status_code == 422
    assert RawPayload.objects.get().body == '{"key": "\ufffd"}'


@pytest.mark.parametrize(
    "fields, path",
    [
        ({"station": "00\x001"}, "station"),
        ({"form": "station\x00check"}, "form"),
        ({"answers": answers(comment="a\x00b")}, "answers.comment"),
    ],
)
def test_nul_character_in_a_field_is_a_422_naming_it(
    client, checklist, observer_token, fields, path
):
    response = post(client, "/submissions", item(checklist, **fields), observer_token)
    assert response.status_code == 422
    assert path in [error["field"] for error in response.json()["errors"]]
    assert RawPayload.objects.get().status == RawPayload.Status.INVALID
    assert not Submission.objects.exists()


def test_nul_character_in_a_batch_item_rejects_only_that_item(client, checklist, observer_token):
    batch = [item(checklist, station="0\x0001"), item(checklist)]
    response = post(client, "/submissions/batch", {"submissions": batch}, observer_token)
    assert response.status_code == 200
    assert [r["result"] for r in response.json()["results"]] == ["rejected", "created"]


def test_nul_character_in_a_form_code_is_a_404(client, checklist, observer_token):
    response = client.get(
        "/api/v1/forms/station%00check/1", HTTP_AUTHORIZATION=f"Bearer {observer_token}"
    )
    assert response.status_code == 404
