"""The accreditation list for the host commission: the stated columns, in CSV, XLSX and PDF."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from pollwatch.accreditation.services import grant_accreditation, request_accreditation
from pollwatch.missions.models import Delegation, Organisation

HEADER = [
    "name",
    "passport or ID number",
    "nationality",
    "delegation",
    "areas",
    "role",
    "accreditation number",
]


@pytest.fixture
def accredited(mission, core_team, observer_north, observer_south, coordinator_north):
    """Obs-North accredited (with a passport number and a delegation), Obs-South pending."""
    delegation = Delegation.objects.create(
        mission=mission, organisation=Organisation.objects.create(name="Parliament of Norland")
    )
    north = observer_north.member
    north.identity_document = "P1234567"
    north.nationality = "Norlander"
    north.delegation = delegation
    north.save()
    grant_accreditation(north, number="ACC-007", actor=core_team)
    request_accreditation(observer_south.member, actor=core_team)
    grant_accreditation(coordinator_north.member, number="ACC-001", actor=core_team)
    return mission


def _download(client, user, mission, fmt, status="granted"):
    client.force_login(user)
    url = reverse("accreditation:download", args=[mission.slug, fmt])
    response = client.get(url, {"status": status})
    assert response.status_code == 200
    return response


def test_the_csv_list_has_the_stated_columns(client, core_team, accredited):
    response = _download(client, core_team, accredited, "csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert rows == [
        HEADER,
        ["Coord-North", "", "", "", "North", "coordinator", "ACC-001"],
        [
            "Obs-North",
            "P1234567",
            "Norlander",
            "Parliament of Norland",
            "Lake",
            "observer",
            "ACC-007",
        ],
    ]


def test_the_list_filtered_by_status_holds_only_that_status(client, core_team, accredited):
    response = _download(client, core_team, accredited, "csv", status="pending")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[0] for row in rows[1:]] == ["Obs-South"]


def test_the_xlsx_list_holds_the_same_rows(client, core_team, accredited):
    response = _download(client, core_team, accredited, "xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]

    assert rows[0] == HEADER
    assert rows[2] == [
        "Obs-North",
        "P1234567",
        "Norlander",
        "Parliament of Norland",
        "Lake",
        "observer",
        "ACC-007",
    ]
    assert len(rows) == 3


def test_the_pdf_list_names_the_people_and_their_numbers(client, core_team, accredited):
    response = _download(client, core_team, accredited, "pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)

    for expected in ("passport or ID number", "Obs-North", "P1234567", "ACC-007", "ACC-001"):
        assert expected in text
    assert "Obs-South" not in text


def test_the_list_is_for_the_core_team_only(client, accredited, coordinator_north, observer_north):
    for user in (coordinator_north, observer_north):
        client.force_login(user)
        url = reverse("accreditation:download", args=[accredited.slug, "csv"])
        assert client.get(url).status_code == 403


def test_an_unknown_format_is_not_found(client, core_team, accredited):
    client.force_login(core_team)
    url = reverse("accreditation:download", args=[accredited.slug, "docx"])
    assert client.get(url).status_code == 404


def test_the_core_team_sees_who_is_certified_and_accredited(
    client, core_team, accredited, certification_rule
):
    certification_rule(lambda member: member.full_name != "Obs-South")
    client.force_login(core_team)
    url = reverse("accreditation:list", args=[accredited.slug])

    pending = client.get(url, {"status": "pending"}).content.decode()
    everyone = client.get(url).content.decode()

    assert "Obs-South" in pending and "Obs-North" not in pending
    assert "<td>no</td><td>pending</td>" in pending
    assert "<td>yes</td><td>granted</td><td>ACC-007</td>" in everyone
