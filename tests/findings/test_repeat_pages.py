"""The dashboard of a real imported form with nested repeats, a place, a number and texts."""

from __future__ import annotations

import csv
import io
import json
import uuid
import warnings
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pollwatch.forms.form_import import import_form
from pollwatch.forms.services import publish_imported_form
from pollwatch.intake.models import Channel
from pollwatch.intake.services import receive_submission, store_raw_payload
from tests.findings.builders import add_stations, report

pytestmark = pytest.mark.django_db

FORM = Path(__file__).parents[1] / "forms" / "corpus" / "onadata-nested-repeats.xlsx"


@pytest.fixture
def nested(db):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl on a real workbook
        return publish_imported_form(import_form(FORM.read_bytes(), FORM.name))


def send(user, version, station, answers):
    data = {
        "key": str(uuid.uuid4()),
        "form": version.form.code,
        "version": version.version,
        "station": station,
        "answers": answers,
    }
    payload = store_raw_payload(json.dumps(data), channel=Channel.API, user=user)
    return receive_submission(data, payload, user=user)


def kid(name, age, *vaccines):
    return {
        "kids_name": name,
        "kids_age": str(age),
        "kids_immunization": [{"immunization_info": v} for v in vaccines],
    }


@pytest.fixture
def reported(nested, observer_north, observer_south):
    send(observer_north, nested, "001", {"has_kids": "1", "kids_details": [kid("Old", 1)]})
    send(
        observer_north,
        nested,
        "001",
        {
            "has_kids": "1",
            "kids_details": [kid("Ann", 7, "polio", "measles"), kid("Bob", 9)],
            "address": "Main Street 1",
            "gps": "41.7151 44.8271 520.0 4.5",
            "web_browsers": "firefox chrome",
        },
    )
    send(
        observer_south,
        nested,
        "003",
        {"has_kids": "1", "kids_details": [kid("Cy", 4, "polio")], "address": "Lake Road"},
    )
    return nested


def dashboard(client, mission, **params):
    url = reverse("findings:dashboard", args=[mission.slug])
    return client.get(url, {"form": "nested_repeats", **params})


def test_the_dashboard_shows_repeats_numbers_texts_and_places(
    client, administrator, mission, reported
):
    client.force_login(administrator)
    page = dashboard(client, mission)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="repeats"' in text
    # Station 001 counts by its latest report: Ann and Bob, not Old.
    # The kids (Ann, Bob; Cy), then their immunisations (polio, measles; polio).
    assert text.count("3 entries in 2 of 2 reports") == 2
    assert 'mean per entry</td><td class="num">6.67 (3 entries answered' in text
    assert "Main Street 1" in text and "Lake Road" in text
    assert 'id="places"' in text
    assert "Old" not in text


def test_the_findings_csv_includes_repeats_and_the_new_types(
    client, administrator, mission, reported
):
    client.force_login(administrator)
    repeats = _csv(dashboard(client, mission, export="csv", table="repeats"))
    by_section = {row["section"]: row for row in repeats}
    assert by_section["kids_details"]["entries"] == "3"
    assert by_section["kids_details"]["reports_with_entries"] == "2"
    assert by_section["kids_details"]["entries_per_report"] == "1.5"
    assert by_section["kids_immunization"]["entries"] == "3"
    assert by_section["kids_immunization"]["depth"] == "2"
    answers = _csv(dashboard(client, mission, export="csv", table="repeat_answers"))
    ages = next(row for row in answers if row["question"] == "kids_age")
    assert ages["mean_per_entry"] == str(round((7 + 9 + 4) / 3, 2))
    numbers = _csv(dashboard(client, mission, export="csv", table="texts"))
    assert {row["text"] for row in numbers} == {"Main Street 1", "Lake Road"}
    places = _csv(dashboard(client, mission, export="csv", table="places"))
    assert [(row["code"], row["answered"], row["base"]) for row in places] == [("gps", "1", "2")]


def test_texts_can_be_searched_on_the_page(client, administrator, mission, reported):
    client.force_login(administrator)
    text = dashboard(client, mission, search="lake").content.decode()
    assert "Lake Road" in text and "Main Street 1" not in text


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_a_load_costs_the_same_queries_however_many_reports_and_entries(
    client, administrator, mission, election, reported
):
    client.force_login(administrator)
    assert dashboard(client, mission).status_code == 200
    with CaptureQueriesContext(connection) as before:
        dashboard(client, mission)
    for station in add_stations(election, "N1", 20, "M"):
        answers = {"has_kids": "1", "kids_details": [{"kids_name": "A", "kids_age": 3}] * 4}
        report(mission, reported, station, answers, minutes=30)
    assert dashboard(client, mission).status_code == 200
    with CaptureQueriesContext(connection) as after:
        text = dashboard(client, mission).content.decode()
    assert "83 entries in 22 of 22 reports" in text
    assert len(after.captured_queries) == len(before.captured_queries)


@pytest.mark.parametrize(
    "table", ["numbers", "dated", "texts", "places", "media", "not_analysed", "repeats",
              "repeat_answers"],
)  # fmt: skip
def test_every_new_table_downloads_as_xlsx(client, administrator, mission, reported, table):
    client.force_login(administrator)
    response = dashboard(client, mission, export="xlsx", table=table)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:2] == b"PK"
