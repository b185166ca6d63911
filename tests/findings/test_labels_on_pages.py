"""Pages show labels, not codes: answers, phases, options, strata; one unit per figure;
times on the election's clock with the zone named."""

import re

import pytest
from django.urls import reverse

from tests.findings.builders import add_stations, random_plan, report
from tests.findings.test_pages import _answers, voting  # noqa: F401

ALERT = [{"question": "stuffing", "answer": "yes"}]


@pytest.fixture
def sampled(mission, voting, election):  # noqa: F811
    north = add_stations(election, "N1", 4, "N")
    south = add_stations(election, "S1", 4, "S")
    for index, station in enumerate(north + south):
        report(mission, voting, station, _answers(index % 4 == 0))
    random_plan(mission, {"N": (north, 10.0), "S": (south, 10.0)})
    return north, south


def test_the_dashboard_names_each_answer_by_its_label(client, administrator, mission, sampled):
    client.force_login(administrator)
    page = client.get(reverse("findings:dashboard", args=[mission.slug])).content.decode()
    table = re.search(r'<table class="question" id="q-overall">.*?</table>', page, re.S).group()
    assert "<td>Good</td>" in table and "<td>Bad</td>" in table
    assert ">good<" not in table and ">bad<" not in table
    chart = re.search(r'<svg class="chart" id="chart-q-overall".*?</svg>', page, re.S).group()
    assert ">Good</text>" in chart and ">good</text>" not in chart
    secrecy = re.search(r'id="q-secrecy">.*?</table>', page, re.S).group()
    assert "<td>Yes</td>" in secrecy and "<td>yes</td>" not in secrecy
    # The phase of each assessment by its name.
    assert "<li>Voting: " in page and "<li>voting: " not in page


def test_a_share_and_its_interval_are_both_percentages(client, administrator, mission, sampled):
    client.force_login(administrator)
    page = client.get(reverse("findings:dashboard", args=[mission.slug])).content.decode()
    table = re.search(r'id="q-overall">.*?</table>', page, re.S).group()
    shares = re.findall(r'<td class="num">(\d+\.\d%)</td>', table)
    intervals = re.findall(r'<td class="num">(\d+\.\d–\d+\.\d%)</td>', table)
    assert {"75.0%", "25.0%"} <= set(shares) and len(intervals) >= 2
    coverage = re.search(r'<table id="coverage">.*?</table>', page, re.S).group()
    assert re.search(r'<td class="num">\d+%</td>', coverage)


def test_the_drill_down_names_the_question_and_the_answer(client, administrator, mission, sampled):
    client.force_login(administrator)
    page = client.get(
        reverse("findings:reports", args=[mission.slug]),
        {"form": "voting", "question": "overall", "value": "bad"},
    ).content.decode()
    assert "<h1>Overall = Bad</h1>" in page


def test_pvt_strata_that_are_areas_are_named(client, administrator, mission, sampled):
    client.force_login(administrator)
    page = client.get(reverse("findings:pvt", args=[mission.slug])).content.decode()
    completeness = re.search(r'<table id="completeness">.*?</table>', page, re.S).group()
    assert "<td>North</td>" in completeness and "<td>South</td>" in completeness
    assert "<td>N</td>" not in completeness


def test_times_are_on_the_elections_clock_with_the_zone_named(
    client,
    administrator,
    mission,
    election,
    voting,  # noqa: F811
):
    election.time_zone = "Asia/Tbilisi"
    election.save()
    station = add_stations(election, "N1", 1, "X")[0]
    sent = report(mission, voting, station, _answers(True))
    sent.alerts = ALERT
    sent.save()
    client.force_login(administrator)
    pages = [
        reverse("findings:station", args=[mission.slug, station.code]),
        reverse("intake:submission", args=[sent.pk]),
        reverse("intake:incidents", args=[mission.slug]),
        reverse("findings:incidents", args=[mission.slug]),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        # Received at noon UTC: four in the afternoon in Tbilisi (the live feed gives the hour).
        assert "16:00 (Asia/Tbilisi)" in page, url
        assert "12:00" not in page, url
        assert "Ballot stuffing seen?: Yes" in page and "stuffing = yes" not in page, url


def test_downloads_keep_the_codes_and_add_the_labels(client, administrator, mission, sampled):
    client.force_login(administrator)
    download = client.get(
        reverse("findings:dashboard", args=[mission.slug]),
        {"export": "csv", "table": "questions"},
    )
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert lines[0].endswith(",answer_label")
    assert any(line.startswith("Overall,bad,") and line.endswith(",Bad") for line in lines)
    pvt = client.get(
        reverse("findings:pvt", args=[mission.slug]),
        {"export": "csv", "table": "pvt_completeness"},
    )
    rows = b"".join(pvt.streaming_content).decode().splitlines()
    assert rows[0] == "stratum,reported,expected,pct,stratum_name"
    assert rows[1].startswith("N,") and rows[1].endswith(",North")
