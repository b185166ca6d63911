import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollwatch.deployment.routing import StationToVisit, Team, plan_routes


def scattered_stations(count, areas, seed=1, pvt_share=0.0):
    rng = random.Random(seed)
    return [
        StationToVisit(
            id=f"S{i:04d}",
            area=f"A{i % areas}",
            latitude=42 + rng.random(),
            longitude=21 + rng.random() * 1.5,
            pvt=rng.random() < pvt_share,
        )
        for i in range(count)
    ]


def assert_valid_plan(plan, stations, teams, stations_per_team):
    by_id = {s.id: s for s in stations}
    team_by_id = {t.id: t for t in teams}
    visited = Counter(station for route in plan.routes for station in route.stations)
    unassigned = Counter(u.station for u in plan.unassigned)
    assert visited + unassigned == Counter(list(by_id)), "every station once, assigned or not"
    assert [route.team for route in plan.routes] == [team.id for team in teams]
    for route in plan.routes:
        team = team_by_id[route.team]
        assert all(by_id[s].area == team.area for s in route.stations)
        assert all(by_id[s].pvt is team.pvt for s in route.stations)
        assert len(route.stations) <= (1 if team.pvt else stations_per_team)


def test_every_sampled_station_is_assigned_exactly_once_within_its_area():
    stations = scattered_stations(600, areas=6)
    teams = [Team(f"T{i:02d}", f"A{i % 6}") for i in range(60)]
    plan = plan_routes(stations, teams)
    assert plan.unassigned == ()
    assert_valid_plan(plan, stations, teams, 10)


def test_teams_of_an_area_share_its_stations_evenly():
    stations = scattered_stations(47, areas=1)
    teams = [Team(f"T{i}", "A0") for i in range(5)]
    loads = sorted(len(route.stations) for route in plan_routes(stations, teams).routes)
    assert loads == [9, 9, 9, 10, 10]


def test_pvt_teams_get_a_single_pvt_station_and_mobile_teams_the_rest():
    stations = [StationToVisit(f"S{i}", "A", pvt=i < 3) for i in range(12)]
    teams = [Team("mobile", "A"), *(Team(f"pvt{i}", "A", pvt=True) for i in range(3))]
    plan = plan_routes(stations, teams)
    routes = {route.team: route.stations for route in plan.routes}
    assert [routes[f"pvt{i}"] for i in range(3)] == [("S0",), ("S1",), ("S2",)]
    assert routes["mobile"] == tuple(f"S{i}" for i in range(3, 12))
    assert plan.unassigned == ()


def test_stations_beyond_the_teams_capacity_are_reported_not_dropped():
    stations = [StationToVisit(f"S{i}", "A") for i in range(23)]
    plan = plan_routes(stations, [Team("T1", "A"), Team("T2", "A")], stations_per_team=10)
    assert [len(route.stations) for route in plan.routes] == [10, 10]
    assert [u.station for u in plan.unassigned] == ["S20", "S21", "S22"]
    assert "23 stations for 2 teams of at most 10 a day" in plan.unassigned[0].reason


def test_an_area_without_a_team_is_reported():
    plan = plan_routes([StationToVisit("S1", "north")], [Team("T1", "south")])
    assert plan.routes[0].stations == ()
    assert plan.unassigned[0].reason == "no team in area north"


def test_route_follows_nearest_neighbours_from_one_end():
    # Stations along a road, given out of order: the route runs end to end.
    positions = [0.30, 0.00, 0.50, 0.10, 0.40, 0.20]
    stations = [
        StationToVisit(f"S{int(p * 10)}", "A", latitude=45.0, longitude=20 + p) for p in positions
    ]
    route = plan_routes(stations, [Team("T", "A")]).routes[0]
    assert route.stations in (
        ("S0", "S1", "S2", "S3", "S4", "S5"),
        ("S5", "S4", "S3", "S2", "S1", "S0"),
    )
    assert route.opening_station == route.stations[0]
    assert route.count_station == route.stations[-1]
    # 0.5° of longitude at 45° N is about 39.3 km.
    assert route.distance_km == pytest.approx(39.3, abs=0.2)


def test_teams_get_compact_groups():
    west = [StationToVisit(f"W{i}", "A", 44.0 + i * 0.01, 19.0) for i in range(8)]
    east = [StationToVisit(f"E{i}", "A", 44.0 + i * 0.01, 23.0) for i in range(8)]
    mixed = [s for pair in zip(west, east, strict=True) for s in pair]
    routes = plan_routes(mixed, [Team("T1", "A"), Team("T2", "A")]).routes
    first_letters = [{s[0] for s in route.stations} for route in routes]
    assert sorted(map(sorted, first_letters)) == [["E"], ["W"]]


def test_route_without_coordinates_keeps_the_given_order_and_has_no_distance():
    stations = [StationToVisit(f"S{i}", "A") for i in (3, 1, 2)]
    route = plan_routes(stations, [Team("T", "A")]).routes[0]
    assert route.stations == ("S3", "S1", "S2")
    assert route.distance_km is None


def test_plan_maps_stations_to_teams():
    stations = scattered_stations(30, areas=3)
    teams = [Team(f"T{i}", f"A{i % 3}") for i in range(6)]
    plan = plan_routes(stations, teams)
    mapping = plan.team_of_station()
    assert set(mapping) == {s.id for s in stations}
    assert all(mapping[s] == route.team for route in plan.routes for s in route.stations)


@pytest.mark.parametrize(
    ("stations", "teams", "message"),
    [
        (
            [StationToVisit("S", "A"), StationToVisit("S", "A")],
            [Team("T", "A")],
            "duplicate station",
        ),
        ([StationToVisit("S", "A")], [Team("T", "A"), Team("T", "B")], "duplicate team"),
        ([StationToVisit("S", "A", 95.0, 10.0)], [Team("T", "A")], "out of range"),
    ],
)
def test_bad_input_is_rejected(stations, teams, message):
    with pytest.raises(ValueError, match=message):
        plan_routes(stations, teams)


@settings(max_examples=80, deadline=None)
@given(
    count=st.integers(0, 120),
    areas=st.integers(1, 5),
    mobile=st.integers(0, 12),
    pvt=st.integers(0, 6),
    per_team=st.integers(1, 12),
    seed=st.integers(0, 10_000),
    located=st.booleans(),
)
def test_any_plan_keeps_the_routing_rules(count, areas, mobile, pvt, per_team, seed, located):
    stations = scattered_stations(count, areas, seed=seed, pvt_share=0.2)
    if not located:
        stations = [StationToVisit(s.id, s.area, pvt=s.pvt) for s in stations]
    rng = random.Random(seed)
    teams = [Team(f"M{i}", f"A{rng.randrange(areas)}") for i in range(mobile)]
    teams += [Team(f"P{i}", f"A{rng.randrange(areas)}", pvt=True) for i in range(pvt)]
    plan = plan_routes(stations, teams, stations_per_team=per_team)
    assert_valid_plan(plan, stations, teams, per_team)
    for team_area in {t.area for t in teams}:
        loads = [
            len(r.stations)
            for r, t in zip(plan.routes, teams, strict=True)
            if t.area == team_area and not t.pvt
        ]
        assert not loads or max(loads) - min(loads) <= 1
