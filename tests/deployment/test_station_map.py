"""The station map and its JSON: stations by state, routes, outlines, and who sees what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pollwatch.accounts.roles import Role
from pollwatch.intake.models import Submission
from pollwatch.missions.logins import create_user
from pollwatch.registry.models import Area, PollingStation
from tests.conftest import PASSWORD, mission_on
from tests.intake.test_services import send, submission


def map_json(client, user, mission):
    client.force_login(user)
    return client.get(reverse("deployment:map_data", args=[mission.slug]))


def by_code(data) -> dict[str, dict]:
    return {station["code"]: station for station in data["stations"]}


def route_of(plan, team_code: str) -> list[str]:
    stops = plan.stops.filter(team__code=team_code).order_by("day", "position")
    return list(stops.values_list("station__code", flat=True))


@pytest.fixture
def reported(routed_plan, observer_north, checklist):
    """T1's first stop reported as usual, its second with an incident."""
    first, second = route_of(routed_plan, "T1")[:2]
    report = send(observer_north, submission(checklist, station=first))
    incident = send(observer_north, submission(checklist, station=second, stuffing="yes"))
    return {"reported": (first, report.submission_id), "incident": (second, incident.submission_id)}


def test_the_map_shows_the_planned_stations_by_state_with_links_to_their_reports(
    client, core_user, routed_plan, reported
):
    response = map_json(client, core_user, routed_plan.mission)

    assert response.status_code == 200
    stations = by_code(response.json())
    planned = set(routed_plan.sampled.planned().values_list("station__code", flat=True))
    assert set(stations) == planned
    reported_code, report_id = reported["reported"]
    incident_code, incident_id = reported["incident"]
    assert stations[reported_code]["state"] == "reported"
    assert stations[incident_code]["state"] == "incident"
    assert {s["state"] for c, s in stations.items() if c not in (reported_code, incident_code)} == {
        "sampled"
    }
    assert stations[reported_code]["reports"] == [
        {
            "id": report_id,
            "phase": "voting",
            "url": reverse("intake:submission", args=[report_id]),
            "incident": False,
        }
    ]
    station = PollingStation.objects.get(code=incident_code)
    assert stations[incident_code]["lat"] == float(station.latitude)
    assert stations[incident_code]["url"] == reverse(
        "findings:station", args=[routed_plan.mission.slug, incident_code]
    )


def test_each_team_route_is_a_line_through_its_stations_in_visiting_order(
    client, core_user, routed_plan
):
    data = map_json(client, core_user, routed_plan.mission).json()

    routes = {(route["team"], route["day"]): route for route in data["routes"]}
    t1 = [route for (team, _), route in sorted(routes.items()) if team == "T1"]
    assert [code for route in t1 for code in route["stations"]] == route_of(routed_plan, "T1")
    first = PollingStation.objects.get(code=t1[0]["stations"][0])
    assert t1[0]["points"][0] == [float(first.latitude), float(first.longitude)]


def test_area_outlines_come_with_the_map(client, core_user, routed_plan):
    ring = [[44, 42], [45, 42], [45, 43], [44, 42]]
    Area.objects.filter(code="N1").update(geometry={"type": "Polygon", "coordinates": [ring]})

    areas = map_json(client, core_user, routed_plan.mission).json()["areas"]

    assert areas["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in areas["features"]] == ["N1"]
    assert areas["features"][0]["geometry"]["coordinates"] == [ring]


def test_a_coordinator_sees_only_the_stations_and_routes_of_their_areas(
    client, routed_plan, coordinator_south
):
    data = map_json(client, coordinator_south, routed_plan.mission).json()

    areas = set(
        PollingStation.objects.filter(code__in=by_code(data)).values_list("area__code", flat=True)
    )
    assert areas == {"S1"}
    assert {route["team"] for route in data["routes"]} == {"T2"}


def test_someone_of_another_mission_gets_nothing_of_this_one(
    client, routed_plan, reported, checklist
):
    """An attacker with a valid account elsewhere: the page and its data answer 404."""
    mission = routed_plan.mission
    other = mission_on(mission.election, "other-mission", {"T1": "N1"})
    attacker = create_user("other-core", PASSWORD, Role.CORE_TEAM, mission=other)
    client.force_login(attacker)

    for name in ("deployment:map", "deployment:map_data"):
        assert client.get(reverse(name, args=[mission.slug])).status_code == 404
    own = client.get(reverse("deployment:map_data", args=[other.slug])).json()
    assert own["stations"] == [] and own["routes"] == []


def test_another_mission_reports_do_not_colour_this_mission_map(
    client, core_user, routed_plan, checklist
):
    mission = routed_plan.mission
    other = mission_on(mission.election, "other-mission", {"T1": "N1"})
    spy = create_user("other-observer", PASSWORD, Role.OBSERVER, mission=other)
    spy.member.team = other.teams.get(code="T1")
    spy.member.save()
    station = route_of(routed_plan, "T1")[0]
    stored = send(spy, submission(checklist, station=station, stuffing="yes"))
    assert Submission.objects.filter(pk=stored.submission_id, mission=other).exists()

    stations = by_code(map_json(client, core_user, mission).json())

    assert stations[station]["state"] == "sampled" and stations[station]["reports"] == []


def test_an_observer_may_not_open_the_map(client, routed_plan, observer_north):
    assert map_json(client, observer_north, routed_plan.mission).status_code == 403


def test_the_page_holds_a_table_of_the_same_stations_and_the_map_data_address(
    client, core_user, routed_plan, reported
):
    client.force_login(core_user)
    page = client.get(reverse("deployment:map", args=[routed_plan.mission.slug])).content.decode()

    assert 'class="map"' in page
    assert (
        f'data-source="{reverse("deployment:map_data", args=[routed_plan.mission.slug])}"' in page
    )
    for code in routed_plan.sampled.planned().values_list("station__code", flat=True):
        assert f">{code}</a>" in page
    assert 'id="show-routes"' in page


def test_without_coordinates_the_page_says_so_instead_of_drawing(client, core_user, routed_plan):
    PollingStation.objects.update(latitude=None, longitude=None)
    client.force_login(core_user)

    page = client.get(reverse("deployment:map", args=[routed_plan.mission.slug])).content.decode()

    assert 'class="map"' not in page
    assert "None of these stations has coordinates" in page
    assert "Stations on the map" in page


def test_before_any_sample_or_report_the_page_says_there_is_nothing(client, mission, administrator):
    client.force_login(administrator)
    page = client.get(reverse("deployment:map", args=[mission.slug])).content.decode()
    assert "No station to show" in page


def test_no_tile_server_is_named_unless_the_deployment_sets_one(
    client, core_user, routed_plan, settings
):
    client.force_login(core_user)
    url = reverse("deployment:map", args=[routed_plan.mission.slug])
    assert 'data-tiles=""' in client.get(url).content.decode()

    settings.POLLWATCH_MAP_TILES = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    page = client.get(url).content.decode()
    assert 'data-tiles="https://{s}.tiles.example.org/{z}/{x}/{y}.png"' in page


def test_a_tile_template_gives_the_origin_the_policy_allows_for_images():
    from pollwatch.settings import _tile_origins

    assert _tile_origins("") == []
    assert _tile_origins("https://{s}.tiles.example.org/{z}/{x}/{y}.png") == [
        "https://*.tiles.example.org"
    ]
    assert _tile_origins("tiles/{z}/{x}/{y}.png") == []
