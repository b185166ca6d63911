"""The choropleth on a finding's by-area page: the table's figures, shaded, for its viewers only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from pollwatch.accounts.roles import Role
from pollwatch.findings.coverage import SHADES
from pollwatch.findings.share_map import share_classes
from pollwatch.forms.services import publish_form_version
from pollwatch.missions.logins import create_user
from pollwatch.missions.models import Member
from pollwatch.registry.models import Area
from tests.conftest import PASSWORD, mission_on
from tests.findings.builders import add_stations, random_plan, report
from tests.findings.test_pages import VOTING

CSS = Path(__file__).resolve().parents[2] / "pollwatch" / "static" / "pollwatch" / "site.css"


def square(west: float, south: float) -> dict:
    ring = [[west, south], [west + 1, south], [west + 1, south + 1], [west, south + 1]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


@pytest.fixture
def observed(mission, election):
    """Five stations reported on in each region: secrecy breached at two in North, one in South."""
    voting = publish_form_version(VOTING)
    north = add_stations(election, "N1", 5, "N")
    south = add_stations(election, "S1", 5, "S")
    for stations, breached in ((north, 2), (south, 1)):
        for index, station in enumerate(stations):
            report(mission, voting, station, {"secrecy": "no" if index < breached else "yes"})
    return north, south


@pytest.fixture
def outlined(election):
    Area.objects.filter(election=election, code="N").update(geometry=square(44, 42))
    Area.objects.filter(election=election, code="S").update(geometry=square(44, 40))


@pytest.fixture
def sampled(mission, observed):
    north, south = observed
    return random_plan(mission, {"north": (north, 20.0), "south": (south, 20.0)})


def by_area(client, user, mission, **params):
    client.force_login(user)
    url = reverse("findings:question", args=[mission.slug, "voting", "secrecy"])
    return client.get(url, params)


def embedded(response) -> dict:
    found = re.search(
        r'<script id="share-map-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found is not None
    return json.loads(found.group(1))


def test_the_map_shades_each_area_by_the_figures_the_table_shows(
    client, administrator, mission, sampled, outlined
):
    response = by_area(client, administrator, mission, answer="no")

    data = embedded(response)
    table = {area.code: v.figure for area, v in response.context["rows"] if v.value == "no"}
    assert [share["code"] for share in data["shares"]] == ["N", "S"]
    for share in data["shares"]:
        figure = table[share["code"]]
        assert figure.low is not None
        assert share["share_pct"] == pytest.approx(figure.share_pct)
        assert (share["low_pct"], share["high_pct"]) == (figure.low_pct, figure.high_pct)
        assert (share["count"], share["base"]) == (figure.count, figure.base)
    north = data["shares"][0]
    assert north["name"] == "North" and north["fill"] == SHADES[2]  # 40% of 5 stations
    assert [f["properties"]["code"] for f in data["areas"]["features"]] == ["N", "S"]


def test_the_first_answer_is_mapped_unless_another_is_asked_for(
    client,
    administrator,
    mission,
    observed,
    outlined,
):
    first = by_area(client, administrator, mission)
    assert first.context["answer"] == first.context["answers"][0]
    chosen = by_area(client, administrator, mission, answer="yes")
    assert chosen.context["answer"] == "yes"
    assert {s["share_pct"] for s in embedded(chosen)["shares"]} == {60.0, 80.0}
    unknown = by_area(client, administrator, mission, answer="perhaps")
    assert unknown.context["answer"] == first.context["answer"]


def test_stations_not_drawn_at_random_give_no_interval(
    client,
    administrator,
    mission,
    observed,
    outlined,
):
    shares = embedded(by_area(client, administrator, mission, answer="no"))["shares"]
    assert [(s["low_pct"], s["high_pct"]) for s in shares] == [(None, None), (None, None)]


def test_without_outlines_there_is_no_map_but_the_table(
    client,
    administrator,
    mission,
    observed,
):
    response = by_area(client, administrator, mission)
    assert response.context["share_map"] is None
    assert b"share-map-data" not in response.content
    assert response.context["rows"]


def test_a_coordinator_maps_only_their_areas(
    client,
    coordinator_north,
    mission,
    observed,
    outlined,
):
    data = embedded(by_area(client, coordinator_north, mission, answer="no"))
    assert [share["code"] for share in data["shares"]] == ["N"]
    assert [f["properties"]["code"] for f in data["areas"]["features"]] == ["N"]


def test_someone_of_another_mission_gets_no_map_of_this_one(
    client,
    mission,
    observed,
    outlined,
):
    other = mission_on(mission.election, "other-mission", {"T9": "N1"})
    member = Member.objects.create(mission=other, full_name="Other", role="core_team")
    stranger = create_user("other-core", PASSWORD, Role.CORE_TEAM, member=member)
    response = by_area(client, stranger, mission)
    assert response.status_code in (403, 404)
    assert b"share-map-data" not in response.content


def test_the_legend_classes_are_the_map_colours():
    css = CSS.read_text()
    for share_class in share_classes():
        rule = f".swatch.share-class-{share_class.index} {{ background: {share_class.fill}; }}"
        assert rule in css
    assert [c.fill for c in share_classes()] == list(SHADES)
    assert (share_classes()[0].low_pct, share_classes()[-1].high_pct) == (0, 100)
