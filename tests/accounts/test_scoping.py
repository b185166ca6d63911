from pollwatch.accounts.scoping import can_manage_station
from pollwatch.missions.models import Member
from pollwatch.registry.models import PollingStation


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_coordinator_sees_only_stations_in_their_areas(coordinator_north, coordinator_south):
    assert codes(PollingStation.objects.visible_to(coordinator_north)) == ["001", "002"]
    assert codes(PollingStation.objects.visible_to(coordinator_south)) == ["003"]


def test_coordinator_cannot_change_a_station_in_another_area(coordinator_north):
    south_station = PollingStation.objects.get(code="003")
    north_station = PollingStation.objects.get(code="001")
    assert not can_manage_station(coordinator_north, south_station)
    assert not coordinator_north.has_perm("registry.change_station", south_station)
    assert coordinator_north.has_perm("registry.change_station", north_station)


def test_observer_sees_own_team_only(observer_north, observer_south):
    names = sorted(Member.objects.visible_to(observer_north).values_list("full_name", flat=True))
    assert names == ["Obs-North"]
    assert codes(PollingStation.objects.visible_to(observer_north)) == ["001"]


def test_coordinator_sees_members_of_teams_in_their_area(
    coordinator_north, observer_north, observer_south
):
    names = set(Member.objects.visible_to(coordinator_north).values_list("full_name", flat=True))
    assert names == {"Coord-North", "Obs-North"}


def test_analyst_and_administrator_see_everything(analyst, administrator, election):
    assert codes(PollingStation.objects.visible_to(analyst)) == ["001", "002", "003"]
    assert codes(PollingStation.objects.visible_to(administrator)) == ["001", "002", "003"]
    assert not analyst.has_perm("registry.import_stations")
    assert administrator.has_perm("registry.import_stations")


def test_user_without_a_role_sees_nothing(outsider, election):
    assert codes(PollingStation.objects.visible_to(outsider)) == []
