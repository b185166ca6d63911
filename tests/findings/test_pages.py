"""The findings pages: figures, wording, drill-down, filters, exports and who sees what."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pollwatch.forms.services import publish_form_version
from tests.builders import CHECKLIST
from tests.conftest import csv_file
from tests.findings.builders import add_stations, random_plan, report

VOTING = {**CHECKLIST, "code": "voting"}


@pytest.fixture
def voting(db):
    return publish_form_version(VOTING)


@pytest.fixture
def observed(mission, voting, election):
    north = add_stations(election, "N1", 5, "N")
    south = add_stations(election, "S1", 5, "S")
    team_north, team_south = mission.teams.get(code="T1"), mission.teams.get(code="T2")
    for index, station in enumerate(north):
        report(mission, voting, station, _answers(index < 2), team=team_north)
    for index, station in enumerate(south):
        report(mission, voting, station, _answers(index < 1), team=team_south)
    return north, south


def _answers(bad):
    return {
        "secrecy": "no" if bad else "yes",
        "stuffing": "yes" if bad else "no",
        "overall": "bad" if bad else "good",
    }


def dashboard(client, mission, **params):
    return client.get(reverse("findings:dashboard", args=[mission.slug]), params)


def test_not_random_selection_is_said_and_no_interval_shown(
    client, administrator, mission, observed
):
    client.force_login(administrator)
    page = dashboard(client, mission).content.decode()
    assert "were not drawn at random" in page
    assert "in 30% of the 10 polling stations observed (not drawn at random" in page
    assert "95% CI" not in page


def test_random_plan_shows_intervals(client, administrator, mission, observed):
    north, south = observed
    random_plan(mission, {"N": (north, 10.0), "S": (south, 10.0)})
    client.force_login(administrator)
    page = dashboard(client, mission).content.decode()
    assert "were drawn at random" in page
    assert "(95% CI " in page and "of 10 polling stations observed" in page


def test_drill_down_lists_the_reports_behind_a_figure(client, administrator, mission, observed):
    client.force_login(administrator)
    response = client.get(
        reverse("findings:reports", args=[mission.slug]),
        {"form": "voting", "question": "secrecy", "value": "no"},
    )
    stations = [s.station.code for s in response.context["page"].object_list]
    assert stations == ["N000", "N001", "S000"]
    download = client.get(
        reverse("findings:reports", args=[mission.slug]),
        {"form": "voting", "question": "secrecy", "value": "no", "export": "csv"},
    )
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert [line.split(",")[1] for line in lines] == ["station", "N000", "N001", "S000"]


def test_team_filter_restricts_the_figures(client, administrator, mission, observed):
    client.force_login(administrator)
    team = mission.teams.get(code="T2")
    response = dashboard(client, mission, form="voting", team=str(team.pk))
    questions = {q.code: q for q, _label in response.context["questions"]}
    secrecy = {v.value: (v.figure.count, v.figure.base) for v in questions["secrecy"].values}
    assert secrecy == {"no": (1, 5), "yes": (4, 5)}


def test_tables_download_as_csv_and_xlsx(client, administrator, mission, observed):
    client.force_login(administrator)
    response = dashboard(client, mission, export="csv", table="questions")
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0].startswith("question,answer,stations,base,share_pct")
    assert "Secrecy respected?,no,3,10,30.0" in text
    response = dashboard(client, mission, export="xlsx", table="coverage")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("area_code", "area", "stations", "observed", "observed_pct")
    assert ("N", "North", 7, 5, 71.4) in rows


def test_coordinator_sees_only_the_figures_of_their_areas(
    client, coordinator_north, mission, observed
):
    client.force_login(coordinator_north)
    response = dashboard(client, mission, form="voting")
    questions = {q.code: q for q, _label in response.context["questions"]}
    assert {v.figure.base for v in questions["secrecy"].values} == {5}
    assert "cover only your areas" in response.content.decode()
    south = mission.election.areas.get(code="S")
    widened = dashboard(client, mission, form="voting", area=str(south.pk))
    bases = {v.figure.base for q, _l in widened.context["questions"] for v in q.values}
    assert bases == {5}


def test_observers_see_no_findings(client, observer_north, mission, observed):
    client.force_login(observer_north)
    assert dashboard(client, mission).status_code == 403
    assert client.get(reverse("findings:pvt", args=[mission.slug])).status_code == 403


def test_incident_feed_lists_critical_alerts(client, administrator, mission, voting, election):
    station = add_stations(election, "N1", 1, "X")[0]
    submission = report(mission, voting, station, _answers(True))
    submission.alerts = [{"question": "stuffing", "answer": "yes"}]
    submission.save()
    client.force_login(administrator)
    page = client.get(reverse("findings:incidents", args=[mission.slug])).content.decode()
    assert "X000" in page and "Ballot stuffing seen?: Yes" in page


def test_incident_feed_downloads_as_csv(client, administrator, mission, voting, election):
    station = add_stations(election, "N1", 1, "X")[0]
    submission = report(mission, voting, station, _answers(True))
    submission.alerts = [{"question": "stuffing", "answer": "yes"}]
    submission.save()
    client.force_login(administrator)
    response = client.get(reverse("findings:incidents", args=[mission.slug]), {"export": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "received_at,station,team,phase,form,alerts,report"
    assert lines[1].split(",")[1] == station.code
    assert "stuffing = yes" in lines[1] and len(lines) == 2


def test_geojson_boundaries_draw_a_choropleth(client, administrator, mission, observed):
    client.force_login(administrator)
    geojson = (
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"code": "N", "name": "North"}, "geometry": '
        '{"type": "Polygon", "coordinates": [[[0,1],[1,1],[1,2],[0,2],[0,1]]]}},'
        '{"type": "Feature", "properties": {"code": "S"}, "geometry": '
        '{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}'
    )
    client.post(
        reverse("registry:boundaries_upload", args=[mission.election.slug]),
        {"file": csv_file(geojson, "areas.geojson"), "code_property": "code"},
    )
    page = dashboard(client, mission).content.decode()
    assert '<svg id="coverage-map"' in page
    assert page.count("<path ") == 2 and "North: 71%" in page


def test_opening_times_are_shown_as_a_distribution(client, administrator, mission, election):
    opening = publish_form_version(
        {
            **CHECKLIST,
            "code": "opening",
            "phase": "opening",
            "sections": [
                {
                    "code": "main",
                    "title": {"en": "Main"},
                    "questions": [
                        {"code": "opened_at", "type": "time", "label": {"en": "Opened at"}}
                    ],
                }
            ],
        }
    )
    # The last answer is no clock time (stored before the question's type changed).
    answers = ["07:02", "07:10", "07:20", "08:05", "early"]
    for index, station in enumerate(add_stations(election, "N1", 5, "O")):
        report(mission, opening, station, {"opened_at": answers[index]})
    client.force_login(administrator)
    bins = dashboard(client, mission, form="opening").context["bins"]
    assert [(b.start, b.count) for b in bins] == [("07:00", 2), ("07:15", 1), ("08:00", 1)]
    assert bins[-1].cumulative == 1.0


def test_question_by_area_lists_each_region(client, administrator, mission, observed):
    client.force_login(administrator)
    url = reverse("findings:question", args=[mission.slug, "voting", "secrecy"])
    rows = client.get(url).context["rows"]
    found = {(area.code, v.value): (v.figure.count, v.figure.base) for area, v in rows}
    assert found[("N", "no")] == (2, 5) and found[("S", "no")] == (1, 5)
    text = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode()
    assert "N,North,no,2,5,40.0" in text


def test_pvt_page_imports_official_results_and_shows_errors(client, core_team, mission):
    client.force_login(core_team)
    url = reverse("findings:pvt", args=[mission.slug])
    page = client.get(url).content.decode()
    assert "no random PVT sample" in page
    bad = csv_file("figure,value\nregistered,100\nvalid,x\n")
    response = client.post(url, {"file": bad})
    assert "line 3: valid: not a whole number" in response.content.decode()
    good = csv_file("figure,value\nregistered,100\nballots_issued,60\nvalid,58\nann,30\nbob,28\n")
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert mission.official_results.get().totals["votes"] == {"ann": 30, "bob": 28}


def test_analysts_read_the_pvt_but_do_not_import_official_results(client, analyst, mission):
    client.force_login(analyst)
    url = reverse("findings:pvt", args=[mission.slug])
    assert client.get(url).status_code == 200
    good = csv_file("figure,value\nregistered,100\nballots_issued,60\nvalid,58\nann,30\nbob,28\n")
    assert client.post(url, {"file": good}).status_code == 403
    assert not mission.official_results.exists()


def test_pvt_estimates_refresh_as_an_htmx_fragment(client, analyst, mission):
    client.force_login(analyst)
    response = client.get(reverse("findings:pvt", args=[mission.slug]), HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content and b"PVT sample" in response.content
