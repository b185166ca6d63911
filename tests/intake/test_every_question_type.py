"""A report of a form with every question type and a repeat: stored, exported and shown."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
from django.urls import reverse

from pollwatch.findings import answer_store
from pollwatch.forms.definition import QUESTION_TYPES
from pollwatch.forms.services import publish_form_version
from pollwatch.intake.answers_check import first_changed_report
from pollwatch.intake.channels.sms.forms import sms_forms
from pollwatch.intake.models import Channel, Submission
from pollwatch.intake.services import SubmissionRejected, receive_submission, store_raw_payload
from tests.forms.builders import every_type_answers, every_type_form


@pytest.fixture(autouse=True)
def fresh_answer_store():
    answer_store.forget_all()
    yield
    answer_store.forget_all()


@pytest.fixture
def every_type(db):
    return publish_form_version(every_type_form())


def send(user, version, answers):
    data = {
        "key": str(uuid.uuid4()),
        "form": "every_type",
        "version": version.version,
        "station": "001",
        "answers": answers,
    }
    payload = store_raw_payload(json.dumps(data), channel=Channel.API, user=user)
    return receive_submission(data, payload, user=user)


@pytest.fixture
def stored(observer_north, every_type):
    receipt = send(observer_north, every_type, every_type_answers())
    return Submission.objects.get(pk=receipt.submission_id)


def test_a_wrong_answer_inside_an_entry_is_refused_naming_the_entry(observer_north, every_type):
    answers = every_type_answers()
    answers["observers"][1]["age"] = "12"
    with pytest.raises(SubmissionRejected) as refused:
        send(observer_north, every_type, answers)
    assert [(p.field, p.kind) for p in refused.value.problems] == [
        ("answers.observers[2].age", "below_min")
    ]
    assert not Submission.objects.exists()


def test_the_form_uses_every_question_type_but_those_of_pollwatch_forms_tested_elsewhere():
    used = {q["type"] for s in every_type_form()["sections"] for q in s["questions"]}
    assert set(QUESTION_TYPES) - used == {"photo", "decimal"}


def test_a_report_with_every_type_and_a_repeat_is_stored_as_validated(stored):
    answers = stored.answers
    assert answers["arrived_at"] == "2026-12-05T07:30:00+03:00"
    assert answers["location"] == {"lat": 41.7151, "lon": 44.8271, "alt": 520.0, "accuracy": 4.5}
    assert [entry["name"] for entry in answers["observers"]] == ["Nino", "Giorgi"]
    assert answers["observers"][0]["shifts"] == [{"shift_start": "07:00"}, {"shift_start": "13:00"}]
    assert "intro" not in answers
    assert stored.revisions.get().answers == answers


def test_the_stored_answers_still_match_the_digest_of_their_audit_entry(stored):
    # Numbers of places go through the database's JSON and must come back the same.
    assert first_changed_report() is None


def test_the_reports_csv_export_holds_the_answers_as_json(client, administrator, stored):
    client.force_login(administrator)
    response = client.get(reverse("intake:submissions"), {"format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["key"] for row in rows] == [str(stored.key)]
    exported = json.loads(rows[0]["answers"])
    assert exported == stored.answers
    assert exported["observers"][1]["role"] == "police"
    assert exported["boundary"][0] == {"lat": 0.0, "lon": 0.0, "alt": 0.0, "accuracy": 0.0}


def test_the_report_page_shows_every_answer(client, administrator, stored):
    client.force_login(administrator)
    response = client.get(reverse("intake:submission", args=[stored.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("SEAL-0042", "2026-12-05T07:30:00+03:00", "41.7151", "Giorgi", "Other observers"):
        assert shown in page


def test_the_findings_page_of_the_form_renders(client, administrator, mission, stored):
    client.force_login(administrator)
    url = reverse("findings:dashboard", args=[mission.slug])
    response = client.get(url, {"form": "every_type"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Queue" in page
    # Questions of a repeat have no one answer per station: they are counted over the
    # entries of the repeat, never as a share of stations.
    assert 'id="q-role"' not in page
    assert "Role = Party agent" in page
    for table in ("questions", "times", "repeats", "repeat_answers", "numbers", "texts"):
        download = client.get(url, {"form": "every_type", "export": "csv", "table": table})
        assert download.status_code == 200


@pytest.mark.parametrize("question", ["queue", "district", "languages_spoken", "location"])
def test_a_question_page_of_the_form_renders(client, administrator, mission, stored, question):
    client.force_login(administrator)
    url = reverse("findings:question", args=[mission.slug, "every_type", question])
    assert client.get(url).status_code == 200


def test_a_question_of_a_repeat_has_no_question_page(client, administrator, mission, stored):
    client.force_login(administrator)
    url = reverse("findings:question", args=[mission.slug, "every_type", "role"])
    assert client.get(url).status_code == 404


def test_the_sms_guide_of_the_form_lists_only_what_an_sms_can_answer(
    client, observer_north, every_type
):
    client.force_login(observer_north)
    code = next(code for code, form in sms_forms().items() if form.code == "every_type")
    response = client.get(reverse("channels:sms_guide", args=[code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Queue" in page and "Arrival" in page
    for not_by_sms in ("Intro", "Location", "Interview", "Score", "District", "Name"):
        assert not_by_sms not in page
