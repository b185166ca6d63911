"""The mission dashboard: who lands on it, what each panel says, and that it shows one mission."""

from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.urls import reverse

from pollwatch.accounts.roles import Role
from pollwatch.findings.election_day import reports_over_time, team_activity
from pollwatch.findings.services import create_pvt_sample
from pollwatch.intake.models import Submission
from pollwatch.missions.models import Team
from pollwatch.registry.models import PollingStation
from tests.conftest import _user_with_member, mission_on
from tests.findings.builders import NOON, add_stations, random_plan, report
from tests.findings.test_pages import _answers, voting  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

PANELS = ("reports", "teams", "coverage", "incidents", "pvt")
ALERT = [{"question": "stuffing", "answer": "yes"}]


def dashboard_url(mission) -> str:
    return reverse("findings:mission_dashboard", args=[mission.slug])


def panel_url(mission, panel: str) -> str:
    return reverse(f"findings:mission_dashboard_{panel}", args=[mission.slug])


def raise_alert(submission: Submission) -> None:
    Submission.objects.filter(pk=submission.pk).update(alerts=ALERT)


@pytest.fixture
def election_day(mission, voting, election):  # noqa: F811
    """Five northern stations reported by T1 at noon, three southern by T2 at 13:30; one alert."""
    north = add_stations(election, "N1", 5, "N")
    south = add_stations(election, "S1", 5, "S")
    team_north, team_south = mission.teams.get(code="T1"), mission.teams.get(code="T2")
    sent = [report(mission, voting, station, _answers(False), team=team_north) for station in north]
    for station in south[:3]:
        report(mission, voting, station, _answers(False), minutes=90, team=team_south)
    raise_alert(sent[0])
    random_plan(mission, {"N": (north, 10.0), "S": (south, 10.0)})
    return north, south


@pytest.fixture
def other_mission(election, voting, election_day):  # noqa: F811
    """Another mission on the same election, busy at the same stations, with its own core team."""
    north, _south = election_day
    other = mission_on(election, "other-mission", {"ZZ9": "N1", "ZZ8": "S1"})
    intruder = _user_with_member("intruder", Role.CORE_TEAM, other, member_role="core_team")
    team = other.teams.get(code="ZZ9")
    for station in north:
        raise_alert(report(other, voting, station, _answers(True), minutes=-300, team=team))
    return other, intruder


def test_the_core_team_and_coordinators_land_on_their_dashboard(
    client, mission, core_team, coordinator_north
):
    for user in (core_team, coordinator_north):
        client.force_login(user)
        page = client.get("/")
        assert page.status_code == 200
        assert "findings/mission_dashboard.html" in [t.name for t in page.templates]
        assert dashboard_url(mission) in page.content.decode()  # the menu links it


def test_observers_and_analysts_keep_their_start_page(client, observer_north, analyst):
    for user in (observer_north, analyst):
        client.force_login(user)
        page = client.get("/")
        assert "home.html" in [t.name for t in page.templates]
        assert "findings/mission_dashboard.html" not in [t.name for t in page.templates]


def test_each_panel_reloads_itself_from_its_own_fragment(client, mission, core_team, election_day):
    client.force_login(core_team)
    page = client.get(dashboard_url(mission)).content.decode()
    for panel in PANELS:
        assert f'hx-get="{panel_url(mission, panel)}" hx-trigger="every 10s"' in page
        fragment = client.get(panel_url(mission, panel), HTTP_HX_REQUEST="true")
        assert fragment.status_code == 200
        assert "<html" not in fragment.content.decode()
    assert "<script" not in page.replace('<script src="/static/', "") and " style=" not in page


def test_reports_over_time_by_phase_are_a_chart_with_its_table(
    client, mission, core_team, election_day
):
    client.force_login(core_team)
    page = client.get(dashboard_url(mission)).content.decode()
    assert '<svg class="chart" id="chart-reports"' in page
    assert '<title id="chart-reports-title">' in page
    assert '<table id="reports-by-hour">' in page
    assert '<th scope="row">12:00</th><td class="num">5</td>' in page
    assert '<th scope="row">13:00</th><td class="num">3</td>' in page


def test_hours_are_in_the_election_time_zone(mission, core_team, election_day):
    mission.election.time_zone = "Asia/Tbilisi"  # UTC+4
    mission.election.save()
    reports = reports_over_time(mission, core_team)
    local_noon = NOON.astimezone(datetime.timezone(datetime.timedelta(hours=4)))
    assert reports.hours == (local_noon.strftime("%H:00"), f"{local_noon.hour + 1:02d}:00")
    assert reports.counts == {"voting": (5, 3)}


def test_teams_checked_in_reporting_and_silent(client, mission, core_team, election_day):
    Team.objects.create(mission=mission, code="T3")
    now = NOON + datetime.timedelta(minutes=100)
    activity = team_activity(mission, core_team, now)
    assert activity.checked_in == 2
    assert activity.reporting == 1
    assert [item.team.code for item in activity.silent] == ["T1"]
    assert [item.team.code for item in activity.not_checked_in] == ["T3"]

    client.force_login(core_team)
    with mock.patch("django.utils.timezone.now", return_value=now):
        panel = client.get(panel_url(mission, "teams")).content.decode()
    assert "T1</a>: last report at 12:00" in panel
    sheet = reverse("deployment:team_sheet", args=[mission.slug, "T3"])
    assert f'<a href="{sheet}">T3</a>' in panel


def test_the_times_of_teams_are_in_the_election_time_zone(client, mission, core_team, election_day):
    mission.election.time_zone = "Asia/Tbilisi"  # UTC+4
    mission.election.save()
    client.force_login(core_team)
    with mock.patch("django.utils.timezone.now", return_value=NOON + datetime.timedelta(hours=3)):
        panel = client.get(panel_url(mission, "teams")).content.decode()
    tbilisi = datetime.timezone(datetime.timedelta(hours=4))
    last = NOON.astimezone(tbilisi).strftime("%H:%M")
    now = (NOON + datetime.timedelta(hours=3)).astimezone(tbilisi).strftime("%H:%M")
    assert f"T1</a>: last report at {last}" in panel
    assert f"As of {now}" in panel


def test_coverage_by_area_is_a_chart_with_its_table(client, mission, core_team, election_day):
    client.force_login(core_team)
    panel = client.get(panel_url(mission, "coverage")).content.decode()
    assert '<svg class="chart" id="chart-coverage"' in panel
    assert ">100%</text>" in panel and ">60%</text>" in panel  # North 5 of 5, South 3 of 5
    assert '<table id="coverage-by-area">' in panel
    assert reverse("deployment:coverage", args=[mission.slug]) in panel


def test_no_plan_and_no_reports_say_so(client, mission, core_team):
    client.force_login(core_team)
    page = client.get(dashboard_url(mission)).content.decode()
    assert "No reports received on election day yet." in page
    assert "The mission has no deployment plan yet." in page
    assert "0 waiting for triage" in page
    # No link to a coverage page that a mission without a plan does not have.
    assert reverse("deployment:coverage", args=[mission.slug]) not in page


def test_critical_incidents_waiting_for_triage(client, mission, core_team, election_day):
    client.force_login(core_team)
    panel = client.get(panel_url(mission, "incidents")).content.decode()
    assert "1 waiting for triage" in panel
    assert reverse("intake:incidents", args=[mission.slug]) in panel


def test_pvt_completeness_for_the_core_team_only(
    client, mission, election, core_team, coordinator_north
):
    stations = add_stations(election, "N1", 4, "P")
    create_pvt_sample(mission, stations, ["N"] * 4, {"N": 40}, description="one stratum", seed=1)
    client.force_login(core_team)
    panel = client.get(panel_url(mission, "pvt")).content.decode()
    assert "0 of 4 sampled stations" in panel
    assert reverse("findings:pvt", args=[mission.slug]) in panel

    client.force_login(coordinator_north)
    assert 'id="panel-pvt"' not in client.get(dashboard_url(mission)).content.decode()
    assert client.get(panel_url(mission, "pvt")).status_code == 403


def test_a_coordinator_sees_only_the_reports_of_their_areas(
    client, mission, coordinator_north, election_day
):
    client.force_login(coordinator_north)
    page = client.get(dashboard_url(mission)).content.decode()
    assert '<th scope="row">12:00</th><td class="num">5</td>' in page
    assert "13:00" not in page.split('id="reports-by-hour"')[1].split("</table>")[0]


def test_another_missions_member_cannot_open_the_dashboard_or_its_panels(
    client, mission, other_mission
):
    _other, intruder = other_mission
    client.force_login(intruder)
    assert client.get(dashboard_url(mission)).status_code == 404
    for panel in PANELS:
        assert client.get(panel_url(mission, panel)).status_code == 404


def test_the_dashboard_shows_only_the_viewers_mission(
    client, mission, core_team, election_day, other_mission
):
    other, intruder = other_mission
    client.force_login(core_team)
    page = client.get(dashboard_url(mission)).content.decode()
    panels = "".join(client.get(panel_url(mission, p)).content.decode() for p in PANELS)
    for shown in (page, panels):
        assert "ZZ9" not in shown and "ZZ8" not in shown
        assert "1 waiting for triage" in shown
        assert "07:00" not in shown  # the other mission's reports came five hours earlier

    # And the other way round: the intruder's own dashboard shows nothing of ours.
    client.force_login(intruder)
    theirs = client.get("/").content.decode()
    # as whole words: the page's random CSRF token may hold "T2" by chance
    assert not re.search(r"\bT[12]\b", theirs)
    assert "5 waiting for triage" in theirs
    assert '<th scope="row">07:00</th><td class="num">5</td>' in theirs
    assert "12:00" not in theirs.split('id="reports-by-hour"')[1].split("</table>")[0]


# The same on PostgreSQL and SQLite: a fixed number of grouped queries per panel
# (the PVT panel's includes one for the names of the strata that are areas, and
# one for the election's rounds; the coverage panel one for the end of the plan's
# round, so that only that round's reports cover a station).
DASHBOARD_QUERIES = 26


def test_a_dashboard_load_costs_the_same_queries_however_many_reports(
    client,
    mission,
    election,
    core_team,
    voting,  # noqa: F811
    election_day,
    django_assert_num_queries,
):
    url = dashboard_url(mission)
    client.force_login(core_team)
    assert client.get(url).status_code == 200
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(url).status_code == 200

    more = add_stations(election, "S1", 10, "M")
    for index, station in enumerate(more):
        team = Team.objects.create(mission=mission, code=f"M{index}")
        sent = report(mission, voting, station, _answers(index < 3), minutes=index * 20, team=team)
        if index < 3:
            raise_alert(sent)
    assert PollingStation.objects.filter(code__startswith="M").count() == 10
    assert client.get(url).status_code == 200
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(url).status_code == 200


def test_a_mission_that_runs_no_pvt_is_not_shown_as_missing_every_pvt_report(
    client, mission, core_team, election_day
):
    """A random deployment plan alone is no PVT: with no PVT sample and no PVT report,
    the panel says so instead of "0 of N sampled stations"."""
    client.force_login(core_team)
    panel = client.get(panel_url(mission, "pvt")).content.decode()
    assert "sampled stations" not in panel
    assert "The mission runs no parallel vote tabulation" in panel
