"""What a mission's station map shows: its stations by state, its teams' routes, area outlines.

The map page renders these as a table and hands the same values to the map as
JSON, so the two always agree. Every row passes through the viewer's
``visible_to`` querysets: a coordinator sees the stations, reports and routes
of their areas, and nobody sees another mission's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from pollwatch.accounts.roles import AnyUser
from pollwatch.deployment.models import DeploymentPlan, SampledStation
from pollwatch.intake.models import Submission
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Area, PollingStation

# A station's state on the map, the most telling first.
INCIDENT, REPORTED, SAMPLED = "incident", "reported", "sampled"
MAX_REPORT_LINKS = 20


@dataclass(frozen=True, slots=True)
class ReportLink:
    id: int
    phase: str
    url: str
    incident: bool


@dataclass(frozen=True, slots=True)
class MapStation:
    code: str
    name: str
    area: str
    lat: float | None
    lon: float | None
    state: str
    sampled: bool
    url: str
    reports: list[ReportLink] = field(default_factory=list)
    report_count: int = 0


@dataclass(frozen=True, slots=True)
class MapRoute:
    team: str
    day: int
    stations: list[str]
    points: list[tuple[float, float]]


@dataclass(frozen=True, slots=True)
class StationMap:
    stations: list[MapStation]
    routes: list[MapRoute]
    areas: dict[str, Any]

    @property
    def located(self) -> int:
        return sum(1 for station in self.stations if station.lat is not None)

    def as_json(self) -> dict[str, Any]:
        return {
            "stations": [asdict(station) for station in self.stations],
            "routes": [asdict(route) for route in self.routes],
            "areas": self.areas,
        }


def station_map(user: AnyUser, mission: Mission, plan: DeploymentPlan | None) -> StationMap:
    """The plan's planned stations and every station reported on, as the user may see them."""
    visible = PollingStation.objects.visible_to(user).filter(election=mission.election_id)
    reports = _reports_by_station(user, mission)
    planned = plan.sampled.planned().values("station") if plan else SampledStation.objects.none()
    sampled = set(planned.values_list("station", flat=True))
    reported = _visible_reports(user, mission).values("station")
    stations = (
        visible.filter(Q(pk__in=planned) | Q(pk__in=reported))
        .select_related("area")
        .order_by("code")
    )
    shown = [_map_station(mission, s, s.pk in sampled, reports.get(s.pk, [])) for s in stations]
    located = {s.pk: place for s in stations if (place := _place(s)) is not None}
    routes = _routes(user, mission, plan, located) if plan else []
    return StationMap(shown, routes, Area.objects.filter(election=mission.election_id).outlines())


def _place(station: PollingStation) -> tuple[float, float] | None:
    if station.latitude is None or station.longitude is None:
        return None
    return float(station.latitude), float(station.longitude)


def _visible_reports(user: AnyUser, mission: Mission) -> QuerySet[Submission]:
    return Submission.objects.visible_to(user).filter(mission=mission)


def _reports_by_station(user: AnyUser, mission: Mission) -> dict[int, list[ReportLink]]:
    rows = (
        _visible_reports(user, mission)
        .order_by("station", "received_at", "id")
        .values_list("id", "station_id", "phase", "alerts")
    )
    reports: dict[int, list[ReportLink]] = defaultdict(list)
    for pk, station_id, phase, alerts in rows:
        url = reverse("intake:submission", args=[pk])
        reports[station_id].append(ReportLink(pk, phase, url, bool(alerts)))
    return reports


def _map_station(
    mission: Mission, station: PollingStation, sampled: bool, reports: list[ReportLink]
) -> MapStation:
    if any(report.incident for report in reports):
        state = INCIDENT
    elif reports:
        state = REPORTED
    else:
        state = SAMPLED
    place = _place(station)
    return MapStation(
        code=station.code,
        name=station.name,
        area=station.area.name,
        lat=place[0] if place else None,
        lon=place[1] if place else None,
        state=state,
        sampled=sampled,
        url=reverse("findings:station", args=[mission.slug, station.code]),
        reports=reports[-MAX_REPORT_LINKS:],
        report_count=len(reports),
    )


def _routes(
    user: AnyUser,
    mission: Mission,
    plan: DeploymentPlan,
    located: dict[int, tuple[float, float]],
) -> list[MapRoute]:
    """Each team's stops of a day in visiting order, through the stations the map shows."""
    stops = (
        plan.stops.filter(team__in=mission.teams.visible_to(user), station__in=list(located))
        .order_by("team__code", "day", "position")
        .values_list("team__code", "day", "station_id", "station__code")
    )
    routes: dict[tuple[str, int], MapRoute] = {}
    for team, day, station_id, code in stops:
        route = routes.setdefault((team, day), MapRoute(team, day, [], []))
        route.stations.append(code)
        route.points.append(located[station_id])
    return list(routes.values())
