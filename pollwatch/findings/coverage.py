"""Coverage by area, opening-time distributions, the incident feed and the choropleth map.

The map is drawn on the server as inline SVG from the GeoJSON the mission
uploaded (equirectangular projection scaled by the cosine of the middle
latitude), so it works offline and needs no script or tile server; each
area is shaded by the share of its stations observed. Without boundaries the
same figures are shown as a table.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.fields.json import KeyTextTransform

from pollwatch.accounts.roles import AnyUser
from pollwatch.findings.counted_report import counted_rows
from pollwatch.findings.figures import Scope
from pollwatch.intake.models import Submission
from pollwatch.missions.models import Mission
from pollwatch.registry.models import Area, PollingStation

MAP_WIDTH = 640
MAP_HEIGHT = 420
SHADES = ("#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d")


@dataclass(frozen=True, slots=True)
class AreaCoverage:
    area: Area
    stations: int
    observed: int

    @property
    def share(self) -> float:
        return self.observed / self.stations if self.stations else 0.0


def shown_areas(mission: Mission, parent: Area | None) -> list[Area]:
    """The areas a coverage table lists: the children of ``parent``, or the top level."""
    areas = Area.objects.filter(election=mission.election)
    return list(areas.filter(parent=parent) if parent is not None else areas.filter(level=0))


def area_coverage(scope: Scope, areas: list[Area]) -> list[AreaCoverage]:
    """Stations and observed stations per area: two queries grouped by the stations' areas.

    A station lies in exactly one area, so distinct counts per area add up
    to each shown area's count over the areas below it.
    """
    if not areas:
        return []
    stations = (
        PollingStation.objects.filter(election=scope.mission.election)
        .values_list("area__path")
        .order_by()
        .annotate(count=Count("pk"))
    )
    observed = (
        PollingStation.objects.filter(pk__in=scope.submissions().order_by().values("station_id"))
        .values_list("area__path")
        .order_by()
        .annotate(count=Count("pk"))
    )
    return [
        AreaCoverage(area, _within(stations, area.path), _within(observed, area.path))
        for area in areas
    ]


def _within(counts: Iterable[tuple[str, int]], path: str) -> int:
    return sum(count for area_path, count in counts if area_path.startswith(path))


@dataclass(frozen=True, slots=True)
class TimeBin:
    start: str
    count: int
    cumulative: float


def time_distribution(scope: Scope, form_code: str, question: str) -> list[TimeBin]:
    """Answers to a clock-time question in quarter-hour bins, with the cumulative share.

    Clock times are never averaged: the distribution and its cumulative share
    ("opened by 07:15 at 83% of stations") are what can be read from them.
    """
    reports = scope.submissions(form_code).annotate(clock=KeyTextTransform(question, "answers"))
    # Validation lets only HH:MM through; anything else (a question whose type changed)
    # is left out rather than binned at a time nobody answered.
    clocks = [clock for _id, clock in counted_rows(reports, "clock") if _is_clock(clock)]
    counts = Counter((clock[:2], _quarter(clock)) for clock in clocks)
    bins: list[TimeBin] = []
    running = 0
    for (hour, quarter), count in sorted(counts.items()):
        running += count
        bins.append(TimeBin(f"{hour}:{quarter * 15:02d}", count, running / len(clocks)))
    return bins


def _is_clock(answer: object) -> bool:
    return isinstance(answer, str) and CLOCK.match(answer) is not None


CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def _quarter(clock: str) -> int:
    """The quarter of the hour of an ``HH:MM`` answer, 0 to 3."""
    return int(clock[3:5]) // 15


def incident_feed(scope: Scope, user: AnyUser, limit: int | None = 20) -> QuerySet[Submission]:
    """The latest reports with a critical alert that ``user`` may read, newest first (all of
    them when no limit)."""
    reports = (
        scope.submissions()
        .filter(pk__in=Submission.objects.visible_to(user).values("pk"))
        .exclude(alerts=[])
        .select_related("station", "team", "form_version__form")
        .order_by("-received_at", "-id")
    )
    return reports if limit is None else reports[:limit]


@dataclass(frozen=True, slots=True)
class MapShape:
    code: str
    name: str
    path: str
    fill: str
    share: float | None


def choropleth(geojson: dict[str, Any], coverage: list[AreaCoverage]) -> list[MapShape]:
    """SVG paths of the GeoJSON features, shaded by the share of stations observed."""
    by_code = {item.area.code: item for item in coverage}
    features = [
        feature
        for feature in geojson.get("features", [])
        if (feature.get("geometry") or {}).get("type") in ("Polygon", "MultiPolygon")
    ]
    rings = [list(_rings(feature["geometry"])) for feature in features]
    points = [point for shape in rings for ring in shape for point in ring]
    if not points:
        return []
    project = _projection(points)
    shapes: list[MapShape] = []
    for feature, shape in zip(features, rings, strict=True):
        properties = feature.get("properties") or {}
        code = str(properties.get("code", ""))
        item = by_code.get(code)
        share = item.share if item is not None else None
        path = " ".join(
            "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in map(project, ring)) + " Z"
            for ring in shape
        )
        shapes.append(
            MapShape(
                code=code,
                name=str(properties.get("name") or (item.area.name if item else code)),
                path=path,
                fill=shade(share),
                share=share,
            )
        )
    return shapes


def _rings(geometry: dict[str, Any]) -> Iterator[list[tuple[float, float]]]:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    for polygon in polygons:
        for ring in polygon:
            yield [(float(point[0]), float(point[1])) for point in ring]


Point = tuple[float, float]


def _projection(points: list[Point]) -> Callable[[Point], Point]:
    longitudes = [p[0] for p in points]
    latitudes = [p[1] for p in points]
    west, east, south, north = min(longitudes), max(longitudes), min(latitudes), max(latitudes)
    stretch = math.cos(math.radians((south + north) / 2))
    width = max((east - west) * stretch, 1e-9)
    height = max(north - south, 1e-9)
    scale = min((MAP_WIDTH - 20) / width, (MAP_HEIGHT - 20) / height)

    def project(point: Point) -> Point:
        return (
            10 + (point[0] - west) * stretch * scale,
            10 + (north - point[1]) * scale,
        )

    return project


def shade(share: float | None) -> str:
    """The colour of a share's class: five classes of 20 points each, grey for no share."""
    if share is None:
        return "#dddddd"
    return SHADES[min(int(share * len(SHADES)), len(SHADES) - 1)]
