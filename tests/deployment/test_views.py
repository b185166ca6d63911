import csv
import io

import pytest

from pollwatch.deployment.models import DeploymentPlan, Reassignment
from pollwatch.missions.models import Team
from pollwatch.stats.sample_size import margin_of_error_for_stations, sample_size


@pytest.fixture
def login(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


def first_stop(plan, team_code):
    return plan.stops.filter(team__code=team_code).order_by("position").first()


def test_the_plan_page_shows_the_design_and_every_team_route(login, routed_plan, administrator):
    response = login(administrator).get("/missions/test-mission/deployment/")
    assert response.status_code == 200
    page = response.content.decode()
    assert routed_plan.description in page
    for team in ("T1", "T2", "T3", "T4"):
        assert f'id="team-{team}"' in page
    assert page.count("Reassign or replace") == routed_plan.stops.count()


def test_a_coordinator_sees_and_changes_only_the_routes_of_their_areas(
    login, routed_plan, coordinator_south
):
    page = login(coordinator_south).get("/missions/test-mission/deployment/").content.decode()
    assert 'id="team-T2"' in page
    assert 'id="team-T1"' not in page and 'id="team-T3"' not in page
    assert page.count("Reassign or replace") == routed_plan.stops.filter(team__code="T2").count()


def test_a_coordinator_cannot_reassign_a_station_outside_their_areas(
    login, routed_plan, coordinator_south
):
    stop = first_stop(routed_plan, "T1")
    client = login(coordinator_south)
    url = f"/missions/test-mission/deployment/stations/{stop.station.code}/"
    assert client.get(url).status_code == 403
    t3 = Team.objects.get(code="T3")
    response = client.post(url, {"action": "reassign", "to_team": t3.pk, "reason": "x"})
    assert response.status_code == 403
    assert not Reassignment.objects.exists()


def test_a_coordinator_reassigns_a_station_in_their_area(login, routed_plan, coordinator_north):
    stop = first_stop(routed_plan, "T1")
    client = login(coordinator_north)
    url = f"/missions/test-mission/deployment/stations/{stop.station.code}/"
    form = client.get(url).content.decode()
    t3, t2 = Team.objects.get(code="T3"), Team.objects.get(code="T2")
    assert f'value="{t3.pk}"' in form and f'value="{t2.pk}"' not in form
    response = client.post(url, {"action": "reassign", "to_team": t3.pk, "reason": "flooded road"})
    assert response.status_code == 302 and response.url.endswith("#team-T1")
    record = Reassignment.objects.get()
    assert (record.to_team, record.actor, record.reason) == (t3, coordinator_north, "flooded road")
    assert routed_plan.stops.get(station=stop.station).team == t3


def test_a_replacement_without_a_reason_is_refused_on_the_page(login, routed_plan, administrator):
    stop = first_stop(routed_plan, "T2")
    url = f"/missions/test-mission/deployment/stations/{stop.station.code}/"
    response = login(administrator).post(url, {"action": "replace", "reason": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    response = login(administrator).post(url, {"action": "replace", "reason": "closed"})
    assert response.status_code == 302
    assert Reassignment.objects.get().kind == "replaced"


def test_only_the_core_team_draws_a_sample(login, field, coordinator_north, administrator):
    url = "/missions/test-mission/deployment/draw/"
    data = {
        "size": 12,
        "strata_levels": ["0"],
        "allocation": "equal",
        "minimum_per_stratum": 0,
        "reserve_per_stratum": 2,
        "stations_per_team": 10,
        "seed": 123,
    }
    assert login(coordinator_north).post(url, data).status_code == 403
    assert not DeploymentPlan.objects.exists()
    response = login(administrator).post(url, data)
    assert response.status_code == 302
    plan = DeploymentPlan.objects.get()
    assert plan.seed == 123 and "the same number in each stratum" in plan.description
    assert plan.stops.count() == 12


def test_a_draw_the_registry_cannot_give_is_explained_on_the_form(login, field, administrator):
    data = {
        "size": 5000,
        "allocation": "proportional",
        "minimum_per_stratum": 0,
        "reserve_per_stratum": 0,
        "stations_per_team": 10,
    }
    response = login(administrator).post("/missions/test-mission/deployment/draw/", data)
    assert response.status_code == 200
    assert "cannot sample 5,000 units from a frame of 63" in response.content.decode()


def test_the_sample_csv_lists_probabilities_weights_and_reserves(login, routed_plan, analyst):
    response = login(analyst).get("/missions/test-mission/deployment/sample.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == routed_plan.sampled.count() == 24 + 8
    sampled = [r for r in rows if r["is_reserve"] == "False"]
    assert len(sampled) == 24
    for row in sampled:
        assert float(row["weight"]) == pytest.approx(1 / float(row["inclusion_probability"]))
    assert {"code", "stratum", "registered_voters", "reserve_rank"} <= set(rows[0])


def test_the_team_sheet_lists_the_route_with_the_print_stylesheet(
    login, routed_plan, observer_north
):
    client = login(observer_north)
    response = client.get("/missions/test-mission/deployment/teams/T1/sheet/")
    page = response.content.decode()
    assert "deployment/sheet.css" in page
    codes = list(
        routed_plan.stops.filter(team__code="T1")
        .order_by("position")
        .values_list("station__code", flat=True)
    )
    positions = [page.index(f"<td>{code} Station") for code in codes]
    assert positions == sorted(positions)
    assert client.get("/missions/test-mission/deployment/teams/T2/sheet/").status_code == 404


def test_the_team_sheet_before_any_plan_shows_the_team_and_no_route(login, observer_north):
    response = login(observer_north).get("/missions/test-mission/deployment/teams/T1/sheet/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "This team has no stations in the current plan." in page
    assert "seed" not in page


def test_the_calculator_page_shows_the_handbook_formula_in_voters_and_stations(login, analyst):
    query = (
        "moe=1&confidence=0.99&heterogeneity=0.5&population=14570774&station_size=200"
        "&turnout=0.6&response=0.9&stations=1000"
    )
    page = login(analyst).get(f"/deployment/calculator/?{query}").content.decode()
    expected = sample_size(
        0.01, 0.99, population=14570774, station_size=200, turnout=0.6, response_rate=0.9
    )
    assert f'data-value="stations">{expected.stations:,}<' in page
    assert f'data-value="voters">{round(expected.voters):,}<' in page
    margin = margin_of_error_for_stations(
        1000, 200, 0.99, turnout=0.6, response_rate=0.9, population_voters=14570774
    )
    assert f"± {100 * margin.station_based:.2f}" in page
    assert f"± {100 * margin.voter_based:.2f}" in page


def test_the_plan_page_without_a_plan_invites_a_draw(login, mission, administrator):
    page = login(administrator).get("/missions/test-mission/deployment/").content.decode()
    assert "No sample has been drawn" in page and "/deployment/draw/" in page


def test_the_draw_form_links_the_calculator_with_the_registry_figures(login, field, administrator):
    page = login(administrator).get("/missions/test-mission/deployment/draw/").content.decode()
    voters = sum(field.election.stations.values_list("registered_voters", flat=True))
    average = round(voters / field.election.stations.count(), 1)
    assert f"/deployment/calculator/?population={voters}&amp;station_size={average}" in page


def test_the_calculator_fills_in_defaults_for_what_a_link_leaves_out(login, analyst):
    page = login(analyst).get("/deployment/calculator/?population=90000&station_size=900")
    expected = sample_size(0.01, 0.99, population=90000, station_size=900)
    assert f'data-value="stations">{expected.stations:,}<' in page.content.decode()
