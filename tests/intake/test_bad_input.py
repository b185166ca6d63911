"""Hostile input answers 400 or 422 with an explanation, never a server error (500)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from pollwatch.intake.models import RawPayload, Submission
from tests.intake.test_api import item, post

NUL = "a\x00b"

# Each list page with a search box or filters, and the parameters it reads.
LIST_PAGES = [
    ("registry:election", "election", ["q", "area", "sort", "page", "format"]),
    ("missions:detail", "mission", ["q", "role", "sort", "page"]),
    ("missions:meetings", "mission", ["institution", "date_from", "date_to"]),
    ("intake:submissions", None, ["status", "phase", "flag", "station", "sort", "page"]),
    ("intake:payloads", None, ["status", "channel", "page"]),
    ("channels:sms_log", None, ["status", "sender", "page"]),
    ("findings:dashboard", "mission", ["form", "area", "phase", "team", "since", "until"]),
    ("findings:incidents", "mission", ["form", "area", "team", "export"]),
    ("findings:reports", "mission", ["question", "value", "export"]),
]


def _url(name, argument, election, mission):
    args = {"election": [election.slug], "mission": [mission.slug], None: []}[argument]
    return reverse(name, args=args)


@pytest.mark.parametrize(
    ("name", "argument", "parameter"),
    [(name, argument, p) for name, argument, params in LIST_PAGES for p in params],
)
def test_nul_in_a_search_or_filter_parameter_is_a_400_page(
    client, administrator, election, mission, name, argument, parameter
):
    client.force_login(administrator)
    response = client.get(_url(name, argument, election, mission), {parameter: NUL})
    assert response.status_code == 400
    assert "NUL" in response.content.decode() and parameter in response.content.decode()


def test_nul_in_a_parameter_name_is_refused_too(client, administrator, election):
    client.force_login(administrator)
    url = reverse("registry:election", args=[election.slug])
    assert client.get(url + "?a%00b=1").status_code == 400


def test_a_search_without_nul_is_served(client, administrator, election):
    client.force_login(administrator)
    url = reverse("registry:election", args=[election.slug])
    assert client.get(url, {"q": "ab"}).status_code == 200


def test_nul_in_an_api_query_is_a_400_problem(client, observer_token):
    response = client.get("/api/v1/forms?x=a%00b", HTTP_AUTHORIZATION=f"Bearer {observer_token}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 400


@pytest.mark.parametrize("device_time", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"])
def test_a_device_time_beyond_the_calendar_in_utc_is_a_422(
    client, checklist, observer_token, device_time
):
    body = item(checklist) | {"device_time": device_time}
    response = post(client, "/submissions", body, observer_token)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "device_time"
    assert RawPayload.objects.get().status == RawPayload.Status.INVALID


def test_a_device_time_beyond_the_calendar_in_a_batch_rejects_that_item(
    client, checklist, observer_token
):
    items = [item(checklist), item(checklist) | {"device_time": "9999-12-31T23:59:59-23:59"}]
    response = post(client, "/submissions/batch", {"submissions": items}, observer_token)
    assert response.status_code == 200
    assert [r["result"] for r in response.json()["results"]] == ["created", "rejected"]


@pytest.mark.parametrize("path", ["/submissions", "/submissions/batch"])
def test_json_nested_100000_deep_is_stored_invalid_and_a_422(
    client, checklist, observer_token, path
):
    body = "[" * 100_000 + "]" * 100_000
    response = post(client, path, body, observer_token)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "nested deeper" in response.json()["errors"][0]["reason"]
    payload = RawPayload.objects.get()
    assert payload.status == RawPayload.Status.INVALID and len(payload.body) == 200_000
    assert f"payload {payload.pk}" in response.json()["detail"]


def test_json_nested_deeper_than_any_submission_but_parsable_is_refused(
    client, checklist, observer_token
):
    deep = item(checklist)
    deep["answers"]["notes"] = json.loads("[" * 200 + "]" * 200)
    response = post(client, "/submissions", deep, observer_token)
    assert response.status_code == 422
    assert RawPayload.objects.get().status == RawPayload.Status.INVALID
    assert not Submission.objects.exists()


def test_a_truncated_body_is_stored_as_invalid_so_review_sees_it(client, checklist, observer_token):
    response = post(client, "/submissions", '{"key": "abc", ', observer_token)
    assert response.status_code == 422
    payload = RawPayload.objects.get()
    assert payload.status == RawPayload.Status.INVALID
    assert payload.problems[0]["field"] == "body"


def test_the_review_page_of_a_deeply_nested_payload_shows_it_as_it_arrived(
    client, checklist, observer_token, administrator
):
    post(client, "/submissions", "[" * 100_000 + "]" * 100_000, observer_token)
    payload = RawPayload.objects.get()
    client.force_login(administrator)
    response = client.get(reverse("intake:payload", args=[payload.pk]))
    assert response.status_code == 200


def test_a_deeply_nested_correction_is_the_forms_error():
    from pollwatch.intake.forms import CorrectionForm

    form = CorrectionForm(data={"body": "[" * 100_000 + "]" * 100_000, "reason": "fixed"})
    assert not form.is_valid()
    assert form.errors["body"] == ["not valid JSON: nested too deeply"]
