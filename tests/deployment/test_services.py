from collections import Counter

import pytest
from django.db.models import Count

from pollwatch.audit.models import AuditEvent
from pollwatch.deployment.models import DeploymentPlan, Reassignment, RouteStop, SampledStation
from pollwatch.deployment.services import (
    DeploymentError,
    DesignChoices,
    build_routes,
    draw_plan,
    reassign_station,
    replace_from_reserve,
)
from pollwatch.missions.models import Team
from pollwatch.registry.models import PollingStation
from tests.deployment.conftest import station


def sampled_codes(plan):
    return set(plan.sampled.filter(is_reserve=False).values_list("station__code", flat=True))


def route_of(plan, team_code):
    stops = plan.stops.filter(team__code=team_code).order_by("day", "position")
    return list(stops.values_list("station__code", flat=True))


def test_a_stratified_draw_records_design_seed_probabilities_and_reserves(field, core_user):
    plan = draw_plan(
        field,
        DesignChoices(size=24, strata_levels=(0,), reserve_per_stratum=4),
        seed=77,
        actor=core_user,
    )
    frame = PollingStation.objects.filter(election=field.election)
    north = field.election.areas.get(code="N")
    region_sizes = {"North": frame.in_areas([north]).count()}
    region_sizes["South"] = frame.count() - region_sizes["North"]
    sampled = plan.sampled.filter(is_reserve=False)
    per_stratum = dict(sampled.values_list("stratum").annotate(n=Count("pk")))
    assert sum(per_stratum.values()) == 24
    for stratum, n in per_stratum.items():
        rows = sampled.filter(stratum=stratum)
        expected = n / region_sizes[stratum]
        assert all(r.inclusion_probability == pytest.approx(expected) for r in rows)
        assert all(r.weight == pytest.approx(1 / expected) for r in rows)
    assert per_stratum == {"North": 18, "South": 6}
    reserves = plan.sampled.filter(is_reserve=True)
    assert Counter(reserves.values_list("stratum", flat=True)) == {"North": 4, "South": 4}
    assert not reserves.filter(is_planned=True).exists()
    assert sorted(reserves.filter(stratum="South").values_list("reserve_rank", flat=True)) == [
        1,
        2,
        3,
        4,
    ]
    assert plan.seed == 77 and plan.design["strata_levels"] == [0]
    assert plan.design["stratified_by"] == ["region"]
    assert "stratified by region" in plan.description and "seed 77" in plan.description
    event = AuditEvent.objects.get(action="deployment.plan_drawn")
    assert event.actor == core_user and event.data["seed"] == 77


def test_the_same_seed_and_registry_give_the_same_sample_and_a_new_draw_becomes_current(
    field,
):
    choices = DesignChoices(size=10, strata_levels=(1,), reserve_per_stratum=2)
    first = draw_plan(field, choices, seed=5)
    second = draw_plan(field, choices, seed=5)
    third = draw_plan(field, choices, seed=6)
    assert sampled_codes(first) == sampled_codes(second)
    assert sampled_codes(first) != sampled_codes(third)
    assert list(DeploymentPlan.objects.filter(is_current=True)) == [third]


def test_pps_and_size_classes_give_unequal_probabilities_summing_to_the_sample(field):
    plan = draw_plan(field, DesignChoices(size=12, pps=True, size_class_bounds=(700,)), seed=3)
    probabilities = plan.sampled.values_list("inclusion_probability", flat=True)
    assert len(set(round(p, 9) for p in probabilities)) > 2
    assert "proportional to registered voters" in plan.description
    assert plan.design["stratified_by"] == ["size class of registered voters"]


def test_an_impossible_design_is_refused_with_a_message(field):
    with pytest.raises(DeploymentError, match="cannot sample"):
        draw_plan(field, DesignChoices(size=500), seed=1)
    assert not DeploymentPlan.objects.exists()


def test_every_sampled_station_is_on_exactly_one_route_of_a_team_of_its_area(routed_plan):
    stops = list(routed_plan.stops.select_related("station__area", "team"))
    assert sorted(s.station.code for s in stops) == sorted(sampled_codes(routed_plan))
    assert len({s.station_id for s in stops}) == len(stops)
    for stop in stops:
        paths = [area.path for area in stop.team.areas.all()]
        assert any(stop.station.area.path.startswith(p) for p in paths), stop


def test_teams_sharing_an_area_get_balanced_routes_within_the_daily_limit(routed_plan):
    loads = dict(routed_plan.stops.values_list("team__code").annotate(n=Count("pk")))
    assert abs(loads["T1"] - loads["T3"]) <= 1
    assert max(loads.values()) <= routed_plan.stations_per_team
    for team in loads:
        positions = list(
            routed_plan.stops.filter(team__code=team)
            .order_by("position")
            .values_list("position", flat=True)
        )
        assert positions == list(range(1, len(positions) + 1))


def test_overlapping_team_areas_still_keep_each_team_in_its_areas(field, mission):
    region = Team.objects.create(mission=mission, code="T5")
    region.areas.set(mission.election.areas.filter(code="N"))
    plan = draw_plan(field, DesignChoices(size=40, reserve_per_stratum=0), seed=11)
    outcome = build_routes(plan)
    stops = list(plan.stops.select_related("station__area", "team"))
    assert outcome.assigned == len(stops) == 40 - len(outcome.unassigned)
    for stop in stops:
        paths = [area.path for area in stop.team.areas.all()]
        assert any(stop.station.area.path.startswith(p) for p in paths), stop
    loads = Counter(stop.team.code for stop in stops)
    assert max(loads.values()) <= plan.stations_per_team
    assert loads["T5"] > 0, "the regional team takes part of the load"


def test_stations_beyond_the_teams_capacity_are_reported_not_dropped_silently(field):
    plan = draw_plan(field, DesignChoices(size=30, stations_per_team=2), seed=2)
    outcome = build_routes(plan)
    assert outcome.assigned == RouteStop.objects.filter(plan=plan).count() == 8
    assert len(outcome.unassigned) == 22
    assert "at most 2 a day" in outcome.unassigned[0].reason
    assert "22 stations have no team" in outcome.summary()


def test_a_pvt_plan_gives_each_team_one_station_for_the_day(field):
    plan = draw_plan(field, DesignChoices(size=4, strata_levels=(1,), is_pvt=True), seed=9)
    build_routes(plan)
    loads = Counter(plan.stops.values_list("team__code", flat=True))
    assert set(loads.values()) <= {1}
    assert plan.stops.filter(is_pvt=True).count() == plan.stops.count() > 0


def test_reassigning_moves_the_station_before_the_count_and_records_who_and_why(
    routed_plan, core_user
):
    moving = route_of(routed_plan, "T1")[0]
    before_t3 = route_of(routed_plan, "T3")
    t3 = Team.objects.get(code="T3")
    record = reassign_station(
        routed_plan, station(moving), t3, reason="road to the village closed", actor=core_user
    )
    assert moving not in route_of(routed_plan, "T1")
    after_t3 = route_of(routed_plan, "T3")
    assert after_t3 == before_t3[:-1] + [moving, before_t3[-1]]
    positions = routed_plan.stops.filter(team__code="T1").values_list("position", flat=True)
    assert sorted(positions) == list(range(1, len(positions) + 1))
    assert (record.kind, record.from_team.code, record.to_team.code) == ("moved", "T1", "T3")
    assert (record.actor, record.reason) == (core_user, "road to the village closed")
    event = AuditEvent.objects.get(action="deployment.station_reassigned")
    assert event.data == {"station": moving, "from": "T1", "to": "T3"}


def test_a_station_cannot_go_to_a_team_outside_its_area(routed_plan, core_user):
    moving = route_of(routed_plan, "T1")[0]
    with pytest.raises(DeploymentError, match="outside the areas of team T2"):
        reassign_station(
            routed_plan, station(moving), Team.objects.get(code="T2"), reason="x", actor=core_user
        )
    assert moving in route_of(routed_plan, "T1")
    assert not Reassignment.objects.exists()


def test_a_coordinator_changes_routes_only_in_their_own_areas(
    routed_plan, coordinator_north, coordinator_south
):
    moving = route_of(routed_plan, "T1")[0]
    t3 = Team.objects.get(code="T3")
    with pytest.raises(DeploymentError, match="your own areas"):
        reassign_station(routed_plan, station(moving), t3, reason="x", actor=coordinator_south)
    with pytest.raises(DeploymentError, match="your own areas"):
        replace_from_reserve(routed_plan, station(moving), reason="x", actor=coordinator_south)
    reassign_station(routed_plan, station(moving), t3, reason="ok", actor=coordinator_north)
    assert moving in route_of(routed_plan, "T3")


def test_a_change_needs_a_reason(routed_plan, core_user):
    moving = route_of(routed_plan, "T1")[0]
    with pytest.raises(DeploymentError, match="reason"):
        reassign_station(
            routed_plan, station(moving), Team.objects.get(code="T3"), reason=" ", actor=core_user
        )


def test_replacing_takes_the_next_reserve_of_the_stratum_in_the_teams_areas(routed_plan, core_user):
    route = route_of(routed_plan, "T2")
    lost = route[1]
    reserves = list(
        routed_plan.sampled.filter(is_reserve=True, stratum="South")
        .order_by("reserve_rank")
        .values_list("station__code", flat=True)
    )
    record = replace_from_reserve(
        routed_plan, station(lost), reason="commission refused access", actor=core_user
    )
    assert record.replacement.code == reserves[0]
    assert route_of(routed_plan, "T2") == [reserves[0] if c == lost else c for c in route]
    planned = set(routed_plan.sampled.planned().values_list("station__code", flat=True))
    assert lost not in planned and reserves[0] in planned
    second = replace_from_reserve(
        routed_plan, station(reserves[0]), reason="station closed", actor=core_user
    )
    assert second.replacement.code == reserves[1]
    assert Reassignment.objects.filter(kind="replaced").count() == 2
    event = AuditEvent.objects.filter(action="deployment.station_replaced").first()
    assert event.data["stratum"] == "South"


def test_replacing_stops_when_the_reserve_list_runs_out(routed_plan, core_user):
    current = route_of(routed_plan, "T2")[0]
    for _ in range(4):
        current = replace_from_reserve(
            routed_plan, station(current), reason="closed", actor=core_user
        ).replacement.code
    with pytest.raises(DeploymentError, match="No reserve station is left in stratum South"):
        replace_from_reserve(routed_plan, station(current), reason="closed", actor=core_user)
    assert SampledStation.objects.filter(plan=routed_plan, is_planned=True).count() == 24
