"""The maps draw their markers with the bundled Leaflet under the strict policy."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pollwatch.deployment.services import DesignChoices, build_routes, draw_plan
from pollwatch.findings import answer_store
from pollwatch.registry.importing import import_stations
from pollwatch.registry.models import PollingStation
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, csv_file
from tests.deployment.conftest import station_rows
from tests.findings.test_points_map import located_form, located_reports  # noqa: F401
from tests.findings.test_share_map import observed, outlined, sampled  # noqa: F401
from tests.intake.test_services import send, submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mapped_mission(mission, administrator, observer_north, checklist):
    """A routed sample, N1 outlined, and one T1 station apart from the rest with an incident."""
    election = mission.election
    import_stations(election, csv_file(station_rows()))
    ring = [[43.9, 41.9], [44.2, 41.9], [44.2, 42.2], [43.9, 42.2], [43.9, 41.9]]
    election.areas.filter(code="N1").update(geometry={"type": "Polygon", "coordinates": [ring]})
    plan = draw_plan(mission, DesignChoices(size=12), seed=20261124, actor=administrator)
    build_routes(plan, actor=administrator)
    stop = plan.stops.filter(team__code="T1").order_by("day", "position").first()
    PollingStation.objects.filter(pk=stop.station_id).update(
        latitude=Decimal("42.900000"), longitude=Decimal("43.300000")
    )
    report = send(observer_north, submission(checklist, station=stop.station.code, stuffing="yes"))
    located = plan.sampled.planned().exclude(station__latitude=None).count()
    return {"code": stop.station.code, "report": report.submission_id, "markers": located}


def test_the_station_map_shows_markers_and_opens_a_popup_without_a_policy_violation(
    page, live_server, administrator, mapped_mission
):
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text))
    page.on("pageerror", lambda error: complaints.append(str(error)))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(page, administrator.username, PASSWORD)

    page.goto("/missions/test-mission/deployment/map/")

    expect(page.locator(".map[data-ready='true']")).to_be_visible()
    expect(page.locator("path.map-marker")).to_have_count(mapped_mission["markers"])
    expect(page.locator("path.state-incident")).to_have_count(1)
    page.locator("path.state-incident").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(mapped_mission["code"])
    expect(popup.get_by_role("link", name="Station record")).to_be_visible()
    report = popup.get_by_role("link", name=f"Report {mapped_mission['report']} (voting)")
    expect(report).to_have_attribute("href", f"/reports/{mapped_mission['report']}/")

    expect(page.locator("path.map-route")).to_have_count(0)
    page.get_by_label("Show the teams' routes").check()
    expect(page.locator("path.map-route").first).to_be_attached()
    page.get_by_label("Show the teams' routes").uncheck()
    expect(page.locator("path.map-route")).to_have_count(0)

    assert [url for url in requested if not url.startswith(live_server.url)] == []
    assert complaints == []


def test_the_findings_map_shows_each_reported_place_with_a_link_to_its_report(
    page,
    live_server,
    core_team,
    located_reports,  # noqa: F811
):
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text))
    page.on("pageerror", lambda error: complaints.append(str(error)))
    log_in(page, core_team.username, PASSWORD)

    page.goto("/missions/test-mission/findings/points/?form=station_check")

    expect(page.locator(".map[data-ready='true']")).to_be_visible()
    expect(page.locator("path.state-point")).to_have_count(2)
    page.locator("path.state-point").first.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Where is the station?")
    link = popup.get_by_role("link", name=re.compile(r"^Report \d+$"))
    expect(link).to_have_attribute("href", re.compile(r"^/reports/\d+/$"))
    assert complaints == []


def test_the_choropleth_shades_the_areas_and_tells_each_share_with_its_interval(
    page,
    live_server,
    administrator,
    sampled,  # noqa: F811
    outlined,  # noqa: F811
):
    answer_store.forget_all()
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text))
    page.on("pageerror", lambda error: complaints.append(str(error)))
    log_in(page, administrator.username, PASSWORD)

    page.goto("/missions/test-mission/findings/voting/secrecy/?answer=no")

    expect(page.locator(".map[data-ready='true']")).to_be_visible()
    expect(page.locator("path.map-share")).to_have_count(2)
    answered_no = page.get_by_role("cell", name="No", exact=True)
    north = page.locator("#by-area tbody tr", has_text="North").filter(has=answered_no)
    interval = north.locator("td").nth(5).inner_text()
    page.locator("path.map-share").first.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("North")
    expect(popup).to_contain_text("Share 40.0%")
    expect(popup).to_contain_text(f"95% CI {interval}")
    expect(popup).to_contain_text("Base (stations) 5")
    expect(page.locator(".leaflet-tooltip")).to_contain_text("95% CI")
    assert complaints == []


def test_the_incident_map_links_each_incident_of_a_station_to_its_triage(
    page, live_server, administrator, mapped_mission
):
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text))
    page.on("pageerror", lambda error: complaints.append(str(error)))
    log_in(page, administrator.username, PASSWORD)

    page.goto("/missions/test-mission/incidents/")

    expect(page.locator(".map[data-ready='true']")).to_be_visible()
    expect(page.locator("path.map-marker")).to_have_count(1)
    page.locator("path.status-new").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(mapped_mission["code"])
    report = mapped_mission["report"]
    link = popup.get_by_role("link", name=f"Incident {report} (new)")
    expect(link).to_have_attribute("href", f"/reports/{report}/triage/")
    assert complaints == []


def test_a_located_station_s_page_shows_where_it_is(
    page, live_server, administrator, mapped_mission
):
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text))
    page.on("pageerror", lambda error: complaints.append(str(error)))
    log_in(page, administrator.username, PASSWORD)

    page.goto(f"/missions/test-mission/stations/{mapped_mission['code']}/")

    expect(page.locator(".map[data-ready='true']")).to_be_visible()
    expect(page.locator("path.state-station")).to_have_count(1)
    assert complaints == []
