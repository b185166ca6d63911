"""The findings map of places reports give (geopoint answers): content and who sees what."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse

from pollwatch.accounts.roles import Role
from pollwatch.forms.services import publish_form_version
from pollwatch.missions.logins import create_user
from tests.builders import CHECKLIST
from tests.conftest import PASSWORD, mission_on
from tests.intake.test_services import send, submission

WHERE = {"code": "where", "type": "geopoint", "label": {"en": "Where is the station?"}}


@pytest.fixture
def located_form(db):
    definition = copy.deepcopy(CHECKLIST)
    definition["sections"][0]["questions"].append(WHERE)
    return publish_form_version(definition)


@pytest.fixture
def located_reports(located_form, observer_north, observer_south):
    north = send(observer_north, submission(located_form, "001", where="41.7 44.8 0 5"))
    south = send(observer_south, submission(located_form, "003", where="40.1 44.2"))
    send(observer_north, submission(located_form, "001"))  # gives no place
    return {"001": north.submission_id, "003": south.submission_id}


def points_of(client, user, mission, query="?form=station_check"):
    client.force_login(user)
    return client.get(reverse("findings:points_data", args=[mission.slug]) + query)


def test_each_geopoint_answer_is_a_point_linking_its_report(
    client, core_team, mission, located_reports
):
    response = points_of(client, core_team, mission)

    assert response.status_code == 200
    points = response.json()["points"]
    north = located_reports["001"]
    assert points[0] == {
        "report": north,
        "station": "001",
        "station_name": "School One",
        "question": "where",
        "question_label": "Where is the station?",
        "lat": 41.7,
        "lon": 44.8,
        "accuracy": 5.0,
        "url": reverse("intake:submission", args=[north]),
    }
    assert [(p["station"], p["lat"], p["lon"]) for p in points] == [
        ("001", 41.7, 44.8),
        ("003", 40.1, 44.2),
    ]
    assert response.json()["areas"] == {"type": "FeatureCollection", "features": []}


def test_a_coordinator_gets_the_points_of_their_areas_only(
    client, coordinator_north, mission, located_reports
):
    points = points_of(client, coordinator_north, mission).json()["points"]
    assert [p["station"] for p in points] == ["001"]


def test_the_area_filter_narrows_the_points(client, core_team, mission, located_reports):
    south = mission.election.areas.get(code="S")
    points = points_of(client, core_team, mission, f"?form=station_check&area={south.pk}")
    assert [p["station"] for p in points.json()["points"]] == ["003"]


def test_someone_of_another_mission_gets_nothing_of_this_one(client, mission, located_reports):
    other = mission_on(mission.election, "other-mission", {"T1": "N1"})
    attacker = create_user("other-core", PASSWORD, Role.CORE_TEAM, mission=other)

    assert points_of(client, attacker, mission).status_code == 404
    client.force_login(attacker)
    assert client.get(reverse("findings:points", args=[mission.slug])).status_code == 404
    assert points_of(client, attacker, other).json()["points"] == []


def test_an_observer_may_not_read_the_points(client, observer_north, mission, located_reports):
    assert points_of(client, observer_north, mission).status_code == 403


def test_the_page_lists_the_points_under_the_map(client, core_team, mission, located_reports):
    client.force_login(core_team)
    url = reverse("findings:points", args=[mission.slug])
    page = client.get(url + "?form=station_check").content.decode()

    assert 'class="map"' in page
    source = reverse("findings:points_data", args=[mission.slug]) + "?form=station_check"
    assert f'data-source="{source}"' in page
    for report in located_reports.values():
        assert f'href="{reverse("intake:submission", args=[report])}"' in page


def test_a_form_without_a_location_question_says_so(client, core_team, mission, checklist):
    send_north = create_user("obs", PASSWORD, Role.OBSERVER, mission=mission)
    send_north.member.team = mission.teams.get(code="T1")
    send_north.member.save()
    send(send_north, submission(checklist))
    client.force_login(core_team)

    page = client.get(reverse("findings:points", args=[mission.slug])).content.decode()

    assert 'class="map"' not in page
    assert "This form asks no location question" in page


def test_no_report_with_a_place_gives_an_empty_state(
    client, core_team, mission, located_form, observer_north
):
    send(observer_north, submission(located_form, "001"))
    client.force_login(core_team)
    url = reverse("findings:points", args=[mission.slug]) + "?form=station_check"
    page = client.get(url).content.decode()
    assert 'class="map"' not in page
    assert "No report of this selection gives a location yet." in page


def test_the_findings_page_links_the_map(client, core_team, mission, located_reports):
    client.force_login(core_team)
    page = client.get(reverse("findings:dashboard", args=[mission.slug])).content.decode()
    assert reverse("findings:points", args=[mission.slug]) in page
