"""Team routes for election day: who visits which sampled stations, in what order.

Framework-free (no Django): the application turns its models into the input
dataclasses, calls :func:`plan_routes` and stores the plan it returns.

Rules
-----
- A team only visits stations of its own area; every station is assigned at
  most once, and a station is left unassigned, with the reason, only when
  its area has no suitable team or its teams are full (then the last
  stations in the given order wait, so give them in order of priority).
- Mobile teams share their area's stations evenly (their loads differ by at
  most one) and visit at most ``stations_per_team`` a day.
- A PVT team stays at a single PVT station for the whole day; PVT stations
  go only to PVT teams and other stations only to mobile teams.
- Where every station of an area has coordinates, the area is cut into
  compact groups by recursive bisection along the wider axis (Berger and
  Bokhari 1987), and each route starts at the group's outermost station and
  continues to the nearest unvisited one (Rosenkrantz, Stearns and Lewis
  1977): the team observes the opening at the first station and the count at
  the last.
- Without coordinates the stations keep their given order.

References
----------
Berger, M. J. and Bokhari, S. H. (1987). A partitioning strategy for
nonuniform problems on multiprocessors. *IEEE Transactions on Computers*
C-36(5), 570–580. doi:10.1109/TC.1987.1676942
Rosenkrantz, D. J., Stearns, R. E. and Lewis, P. M. (1977). An analysis of
several heuristics for the traveling salesman problem. *SIAM Journal on
Computing* 6(3), 563–581. doi:10.1137/0206041
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "DeploymentPlan",
    "StationToVisit",
    "Team",
    "TeamRoute",
    "UnassignedStation",
    "plan_routes",
]

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class StationToVisit:
    """A sampled station to be observed.

    Attributes
    ----------
    id : str
        Unique identifier of the station.
    area : str
        The area whose teams may visit it.
    latitude, longitude : float or None
        Position in decimal degrees, when known.
    pvt : bool
        True for a PVT sample point, observed all day by one PVT team.
    """

    id: str
    area: str
    latitude: float | None = None
    longitude: float | None = None
    pvt: bool = False

    @property
    def located(self) -> bool:
        """Whether the station has coordinates."""
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True, slots=True)
class Team:
    """An observer team.

    Attributes
    ----------
    id : str
        Unique identifier of the team.
    area : str
        The area the team is deployed in.
    pvt : bool
        True for a PVT team, which stays at one station all day.
    """

    id: str
    area: str
    pvt: bool = False


@dataclass(frozen=True, slots=True)
class TeamRoute:
    """One team's stations for the day, in visiting order.

    Attributes
    ----------
    team : str
        Team identifier.
    area : str
        The team's area.
    stations : tuple of str
        Station identifiers in visiting order: the opening is observed at the
        first, the count at the last. Empty when the area had none left.
    distance_km : float or None
        Great-circle length of the route, when every station has coordinates.
    """

    team: str
    area: str
    stations: tuple[str, ...]
    distance_km: float | None

    @property
    def opening_station(self) -> str | None:
        """Where the team observes the opening."""
        return self.stations[0] if self.stations else None

    @property
    def count_station(self) -> str | None:
        """Where the team observes the count."""
        return self.stations[-1] if self.stations else None


@dataclass(frozen=True, slots=True)
class UnassignedStation:
    """A station no team could take, and why.

    Attributes
    ----------
    station : str
        Station identifier.
    reason : str
        What the coordinator must change (add a team, raise the load).
    """

    station: str
    reason: str


@dataclass(frozen=True, slots=True)
class DeploymentPlan:
    """Routes of all teams, in the order the teams were given.

    Attributes
    ----------
    routes : tuple of TeamRoute
        One route per team.
    unassigned : tuple of UnassignedStation
        Stations left without a team.
    stations_per_team : int
        The daily limit for a mobile team used to plan.
    """

    routes: tuple[TeamRoute, ...]
    unassigned: tuple[UnassignedStation, ...]
    stations_per_team: int

    def team_of_station(self) -> dict[str, str]:
        """Map each assigned station to its team."""
        return {station: route.team for route in self.routes for station in route.stations}


def plan_routes(
    stations: Sequence[StationToVisit],
    teams: Sequence[Team],
    *,
    stations_per_team: int = 10,
) -> DeploymentPlan:
    """Assign sampled stations to teams within their areas and order each route.

    Parameters
    ----------
    stations : sequence of StationToVisit
        The sampled stations, with unique identifiers.
    teams : sequence of Team
        The teams, with unique identifiers.
    stations_per_team : int, default 10
        Most stations a mobile team visits in a day.

    Returns
    -------
    DeploymentPlan

    Raises
    ------
    ValueError
        For duplicate identifiers, coordinates out of range or a
        non-positive daily limit.

    References
    ----------
    Berger and Bokhari (1987) for the balanced bisection; Rosenkrantz,
    Stearns and Lewis (1977) for the nearest-neighbour order.
    """
    _check_input(stations, teams, stations_per_team)
    stations_by_area: dict[str, list[StationToVisit]] = defaultdict(list)
    for station in stations:
        stations_by_area[station.area].append(station)
    teams_by_area: dict[str, list[Team]] = defaultdict(list)
    for team in teams:
        teams_by_area[team.area].append(team)
    routes: dict[str, TeamRoute] = {}
    unassigned: list[UnassignedStation] = []
    for area in sorted(stations_by_area.keys() | teams_by_area.keys()):
        area_stations, area_teams = stations_by_area[area], teams_by_area[area]
        for pvt in (True, False):
            kind_teams = [t for t in area_teams if t.pvt is pvt]
            kind_stations = [s for s in area_stations if s.pvt is pvt]
            limit = 1 if pvt else stations_per_team
            area_routes, left = _plan_area(area, kind_stations, kind_teams, limit, pvt)
            routes.update((route.team, route) for route in area_routes)
            unassigned.extend(left)
    return DeploymentPlan(
        routes=tuple(routes[team.id] for team in teams),
        unassigned=tuple(unassigned),
        stations_per_team=stations_per_team,
    )


def _check_input(
    stations: Sequence[StationToVisit], teams: Sequence[Team], stations_per_team: int
) -> None:
    if stations_per_team < 1:
        raise ValueError(f"a team must visit at least one station a day, not {stations_per_team}")
    for kind, ids in (("station", [s.id for s in stations]), ("team", [t.id for t in teams])):
        duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
        if duplicates:
            raise ValueError(f"duplicate {kind} identifiers: {', '.join(duplicates[:5])}")
    for station in stations:
        if station.located:
            latitude, longitude = _coordinates(station)
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                raise ValueError(f"station {station.id} has coordinates out of range")


def _plan_area(
    area: str, stations: list[StationToVisit], teams: list[Team], limit: int, pvt: bool
) -> tuple[list[TeamRoute], list[UnassignedStation]]:
    if not teams:
        reason = f"no {'PVT ' if pvt else ''}team in area {area}"
        return [], [UnassignedStation(s.id, reason) for s in stations]
    capacity = len(teams) * limit
    taken, left = stations[:capacity], stations[capacity:]
    if pvt:
        reason = f"area {area} has {len(stations)} PVT stations for {len(teams)} PVT teams"
    else:
        reason = (
            f"area {area} has {len(stations)} stations for {len(teams)} teams "
            f"of at most {limit} a day"
        )
    groups = _balanced_groups(taken, len(teams))
    routes = [_route(team, group) for team, group in zip(teams, groups, strict=True)]
    return routes, [UnassignedStation(s.id, reason) for s in left]


def _balanced_groups(stations: list[StationToVisit], teams: int) -> list[list[StationToVisit]]:
    base, extra = divmod(len(stations), teams)
    sizes = [base + 1 if i < extra else base for i in range(teams)]
    if stations and all(s.located for s in stations):
        return _bisect(stations, sizes)
    groups, start = [], 0
    for size in sizes:
        groups.append(stations[start : start + size])
        start += size
    return groups


def _bisect(stations: list[StationToVisit], sizes: list[int]) -> list[list[StationToVisit]]:
    """Cut ``stations`` into compact groups of the given sizes, halving the wider axis."""
    if len(sizes) == 1:
        return [stations]
    half = len(sizes) // 2
    left_count = sum(sizes[:half])
    ordered = sorted(stations, key=_wider_axis_key(stations))
    return _bisect(ordered[:left_count], sizes[:half]) + _bisect(ordered[left_count:], sizes[half:])


def _wider_axis_key(
    stations: list[StationToVisit],
) -> Callable[[StationToVisit], tuple[float, float, str]]:
    if not stations:
        return lambda s: (0.0, 0.0, s.id)
    latitudes, longitudes = zip(*(_coordinates(s) for s in stations), strict=True)
    squeeze = math.cos(math.radians(sum(latitudes) / len(latitudes)))
    wide_east_west = (max(longitudes) - min(longitudes)) * squeeze > max(latitudes) - min(latitudes)
    if wide_east_west:
        return lambda s: (_coordinates(s)[1], _coordinates(s)[0], s.id)
    return lambda s: (*_coordinates(s), s.id)


def _route(team: Team, group: list[StationToVisit]) -> TeamRoute:
    if group and all(s.located for s in group):
        ordered = _nearest_neighbour_order(group)
        legs = zip(ordered, ordered[1:], strict=False)
        distance: float | None = sum(_distance_km(a, b) for a, b in legs)
    else:
        ordered, distance = group, None
    return TeamRoute(team.id, team.area, tuple(s.id for s in ordered), distance)


def _nearest_neighbour_order(group: list[StationToVisit]) -> list[StationToVisit]:
    latitudes, longitudes = zip(*(_coordinates(s) for s in group), strict=True)
    centre = StationToVisit("centre", "", sum(latitudes) / len(group), sum(longitudes) / len(group))
    current = max(group, key=lambda s: (_distance_km(s, centre), s.id))
    route, rest = [current], [s for s in group if s is not current]
    while rest:
        current = min(rest, key=lambda s: (_distance_km(current, s), s.id))
        route.append(current)
        rest.remove(current)
    return route


def _distance_km(a: StationToVisit, b: StationToVisit) -> float:
    """Great-circle distance by the haversine formula."""
    lat1, lon1 = map(math.radians, _coordinates(a))
    lat2, lon2 = map(math.radians, _coordinates(b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(h, 1.0)))


def _coordinates(station: StationToVisit) -> tuple[float, float]:
    if station.latitude is None or station.longitude is None:
        raise ValueError(f"station {station.id} has no coordinates")
    return station.latitude, station.longitude
