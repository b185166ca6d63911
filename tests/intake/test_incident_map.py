"""The incident list's map: the incidents' stations, coloured by the most pressing status."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from pollwatch.intake.models import TriageStatus
from pollwatch.intake.triage import triage_incident
from pollwatch.registry.models import Area, PollingStation
from tests.intake.test_triage import (  # noqa: F401
    incident,
    other_coordinator,
    other_core,
    other_mission,
    other_observer,
    send,
)


@pytest.fixture
def located(election):
    """Stations 001 (North) and 003 (South) have coordinates; 002 has none."""
    PollingStation.objects.filter(election=election, code="001").update(
        latitude=Decimal("42.100000"), longitude=Decimal("44.100000")
    )
    PollingStation.objects.filter(election=election, code="003").update(
        latitude=Decimal("40.500000"), longitude=Decimal("44.500000")
    )
    ring = [[44, 42], [45, 42], [45, 43], [44, 43], [44, 42]]
    Area.objects.filter(election=election, code="N").update(
        geometry={"type": "Polygon", "coordinates": [ring]}
    )


def map_of(client, user, mission, query=""):
    client.force_login(user)
    return client.get(reverse("intake:incident_map_data", args=[mission.slug]) + query)


def test_each_located_station_of_an_incident_is_one_marker_linking_its_incidents(
    client, core_team, mission, checklist, observer_north, observer_south, located
):
    first = incident(observer_north, checklist, "001")
    second = incident(observer_north, checklist, "001")
    south = incident(observer_south, checklist, "003")
    incident(observer_north, checklist, "002")  # no coordinates: in the list, not on the map
    send(observer_north, checklist, "001")  # no alert: no incident
    triage_incident(first, actor=core_team, status=TriageStatus.RESOLVED, assignee=None)
    triage_incident(south, actor=core_team, status=TriageStatus.DISMISSED, assignee=None)

    response = map_of(client, core_team, mission)

    assert response.status_code == 200
    stations = response.json()["stations"]
    assert [(s["code"], s["status"], s["incident_count"]) for s in stations] == [
        ("001", "new", 2),
        ("003", "dismissed", 1),
    ]
    north = stations[0]
    assert (north["lat"], north["lon"]) == (42.1, 44.1)
    assert north["url"] == reverse("findings:station", args=[mission.slug, "001"])
    assert north["incidents"] == [
        {
            "id": second.pk,
            "status": "new",
            "status_label": "new",
            "url": reverse("intake:triage", args=[second.pk]),
        },
        {
            "id": first.pk,
            "status": "resolved",
            "status_label": "resolved",
            "url": reverse("intake:triage", args=[first.pk]),
        },
    ]
    codes = [f["properties"]["code"] for f in response.json()["areas"]["features"]]
    assert codes == ["N"]


def test_the_list_filters_apply_to_the_map(
    client, core_team, mission, checklist, observer_north, observer_south, located
):
    resolved = incident(observer_north, checklist, "001")
    incident(observer_south, checklist, "003")
    triage_incident(resolved, actor=core_team, status=TriageStatus.RESOLVED, assignee=None)

    stations = map_of(client, core_team, mission, "?status=open").json()["stations"]

    assert [s["code"] for s in stations] == ["003"]


def test_a_coordinator_maps_only_the_incidents_of_their_areas(
    client, coordinator_south, mission, checklist, observer_north, observer_south, located
):
    incident(observer_north, checklist, "001")
    incident(observer_south, checklist, "003")
    stations = map_of(client, coordinator_south, mission).json()["stations"]
    assert [s["code"] for s in stations] == ["003"]


def test_another_missions_people_get_nothing_of_this_one(
    client, mission, checklist, observer_north, located,
    other_core, other_coordinator,  # noqa: F811
):  # fmt: skip
    incident(observer_north, checklist, "001")
    for stranger in (other_core, other_coordinator):
        assert map_of(client, stranger, mission).status_code in (403, 404)


def test_another_missions_incidents_at_the_same_station_stay_off_this_map(
    client,
    core_team,
    mission,
    checklist,
    located,
    other_observer,  # noqa: F811
):
    incident(other_observer, checklist, "001")
    assert map_of(client, core_team, mission).json()["stations"] == []


def test_the_list_page_points_its_map_at_the_data_with_its_filters(
    client, core_team, mission, checklist, observer_north, located
):
    incident(observer_north, checklist, "001")
    client.force_login(core_team)
    page = client.get(reverse("intake:incidents", args=[mission.slug]), {"status": "open"})
    source = reverse("intake:incident_map_data", args=[mission.slug]) + "?status=open"
    assert f'data-source="{source}"'.encode() in page.content
    assert b'data-kind="incidents"' in page.content
