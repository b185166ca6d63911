import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from pollwatch.audit.models import AuditEvent
from pollwatch.forensics.models import ResultsUpload
from pollwatch.forensics.services import upload_results

EXTRACT = Path(__file__).parent / "extracts" / "russia_2018_extract.csv"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, election, content: bytes, name="results.csv", mapping=""):
    return client.post(
        reverse("forensics:results", args=[election.slug]),
        {"file": SimpleUploadedFile(name, content), "mapping": mapping},
    )


def test_analyst_uploads_results_and_reads_the_report(
    client, analyst, election, django_capture_on_commit_callbacks
):
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, election, EXTRACT.read_bytes(), "2018.csv")
    done = ResultsUpload.objects.get()
    assert response.status_code == 302
    assert done.status == ResultsUpload.Status.DONE, done.error
    assert done.progress == 100 and done.summary["stations"] > 200
    page = client.get(reverse("forensics:upload", args=[election.slug, done.pk]))
    assert "Read the report" in page.content.decode()
    report = client.get(reverse("forensics:report", args=[election.slug, done.pk]))
    html = b"".join(report.streaming_content).decode()
    assert "<svg" in html and "integer" in html.lower()
    assert "'unsafe-inline'" in report["Content-Security-Policy"]
    figures = client.get(reverse("forensics:json", args=[election.slug, done.pk]))
    data = json.loads(b"".join(figures.streaming_content))
    assert data["stations"] == done.summary["stations"]
    assert set(data["integer_percentages"]) >= {"stations_included", "observed", "expected"}
    assert AuditEvent.objects.filter(action="forensics.results_uploaded").exists()


def test_unusable_file_fails_with_the_reason(
    client, analyst, election, django_capture_on_commit_callbacks
):
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, election, b"a,b\n1,2\n")
    failed = ResultsUpload.objects.get()
    assert failed.status == ResultsUpload.Status.FAILED
    assert failed.error
    page = client.get(reverse("forensics:upload", args=[election.slug, failed.pk]))
    assert failed.error in page.content.decode()
    assert (
        client.get(reverse("forensics:report", args=[election.slug, failed.pk])).status_code == 404
    )


def test_bad_mapping_text_is_refused_before_upload(client, analyst, election):
    client.force_login(analyst)
    response = upload(client, election, b"x", mapping="registered = ")
    assert "not valid TOML" in response.content.decode()
    assert not ResultsUpload.objects.exists()


def test_station_codes_attach_to_the_registry(
    analyst, election, django_capture_on_commit_callbacks
):
    text = (
        "code,registered,issued,valid,invalid,Ann,Bob\n"
        "001,1200,800,790,10,500,290\n002,800,500,495,5,300,195\n"
        "777,900,600,590,10,400,190\n"
    )
    mapping = {
        "registered": "registered",
        "given": ["issued"],
        "valid": "valid",
        "invalid": "invalid",
        "options": ["Ann", "Bob"],
        "station": "code",
    }
    with django_capture_on_commit_callbacks(execute=True):
        done = upload_results(
            election, SimpleUploadedFile("r.csv", text.encode()), mapping=mapping, actor=analyst
        )
    done.refresh_from_db()
    assert done.status == ResultsUpload.Status.DONE, done.error
    assert (done.stations_matched, done.unmatched_codes) == (2, ["777"])


def test_observers_cannot_upload(client, observer_north, election):
    client.force_login(observer_north)
    upload(client, election, EXTRACT.read_bytes())
    assert not ResultsUpload.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_runs_the_report_in_a_worker(analyst, election):
    backend = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(TASKS=backend):
        done = upload_results(
            election,
            SimpleUploadedFile("2018.csv", EXTRACT.read_bytes()),
            mapping={},
            actor=analyst,
        )
        assert ResultsUpload.objects.get(pk=done.pk).status == ResultsUpload.Status.QUEUED
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0.1)
    assert ResultsUpload.objects.get(pk=done.pk).status == ResultsUpload.Status.DONE


def test_tally_sheets_with_derived_valid_votes_are_analysed_from_the_upload_form(
    client, analyst, election, django_capture_on_commit_callbacks
):
    rows = "".join(f"{i},{900 + 7 * i},{300 + 3 * i},{200 + i},{90 + i % 7}\n" for i in range(40))
    mapping = (
        '[columns]\nregistered = "voters"\noptions = ["A", "B", "C"]\n[derive]\nvalid = "sum"\n'
    )
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, election, ("station,voters,A,B,C\n" + rows).encode(), mapping=mapping)
    done = ResultsUpload.objects.get()
    assert done.status == ResultsUpload.Status.DONE, done.error
    assert any("ballots-issued column" in reason for reason in done.summary["not_run"])
    page = client.get(reverse("forensics:upload", args=[election.slug, done.pk])).content.decode()
    assert "Holm" in page and "Not run:" in page
