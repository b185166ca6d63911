"""Import area outlines from a GeoJSON FeatureCollection: all or nothing.

Each feature names its area by a code in one of its properties (``code`` unless
told otherwise) and carries a Polygon or MultiPolygon in longitude/latitude
degrees. Every feature is checked before anything is written; one bad feature
rejects the file with every problem and the number of its feature (counted
from 1, as a person counts them in the file). Areas the file does not name
keep the outline they had.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from pollwatch.audit.services import log_action
from pollwatch.lib.tabular import ImportLimits, TableRejected, read_limited
from pollwatch.registry.models import Area, Election

SHAPES = ("Polygon", "MultiPolygon")
DEFAULT_CODE_PROPERTY = "code"


@dataclass(frozen=True, slots=True)
class BoundaryProblem:
    """What is wrong, and where: a feature's number, or a line of a file that is not JSON."""

    reason: str
    feature: int | None = None
    line: int | None = None

    @property
    def place(self) -> str:
        if self.feature is not None:
            return _("feature %(number)s") % {"number": self.feature}
        if self.line is not None:
            return _("line %(line)s") % {"line": self.line}
        return _("file")

    def __str__(self) -> str:
        return f"{self.place}: {self.reason}"


class BoundariesRejected(Exception):
    """The file cannot be imported; ``problems`` lists every reason and where it is."""

    def __init__(self, problems: list[BoundaryProblem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def import_boundaries(
    election: Election,
    source: BinaryIO,
    *,
    code_property: str = DEFAULT_CODE_PROPERTY,
    filename: str | None = None,
    actor: User | None = None,
) -> int:
    """Store the outline of every area the file names; returns how many areas got one."""
    features = _features_of(_parsed(source))
    areas = {area.code: area for area in Area.objects.filter(election=election)}
    outlines = _checked_outlines(features, areas, code_property or DEFAULT_CODE_PROPERTY)
    with transaction.atomic():
        for code, geometry in outlines.items():
            area = areas[code]
            area.geometry = geometry
            area.save(update_fields=["geometry"])
        log_action(
            "registry.boundaries_imported",
            actor=actor,
            target=election,
            data={"file": filename or "", "areas": len(outlines)},
        )
    return len(outlines)


def _parsed(source: BinaryIO) -> Any:
    try:
        raw = read_limited(source, ImportLimits.from_settings())
    except TableRejected as rejected:
        raise BoundariesRejected([BoundaryProblem(rejected.problems[0].reason)]) from None
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BoundariesRejected([BoundaryProblem(_("the file is not UTF-8 text"))]) from None
    except json.JSONDecodeError as error:
        reason = _("not valid JSON: %(error)s (column %(column)s)") % {
            "error": error.msg,
            "column": error.colno,
        }
        raise BoundariesRejected([BoundaryProblem(reason, line=error.lineno)]) from None
    except RecursionError:
        raise BoundariesRejected(
            [BoundaryProblem(_("not valid JSON: nested too deeply"))]
        ) from None


def _features_of(data: Any) -> list[Any]:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        reason = _("the file must hold a GeoJSON FeatureCollection")
        raise BoundariesRejected([BoundaryProblem(reason)])
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise BoundariesRejected([BoundaryProblem(_("the FeatureCollection has no features"))])
    return features


def _checked_outlines(
    features: list[Any], areas: dict[str, Area], code_property: str
) -> dict[str, dict[str, Any]]:
    problems: list[BoundaryProblem] = []
    outlines: dict[str, dict[str, Any]] = {}
    first_of: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        reasons, code = _feature_problems(feature, areas, code_property)
        if code is not None and code in first_of:
            reasons.append(
                _("area %(area)s again (first in feature %(number)s)")
                % {"area": repr(code), "number": first_of[code]}
            )
        problems.extend(BoundaryProblem(reason, feature=number) for reason in reasons)
        if code is not None:
            first_of.setdefault(code, number)
        if not reasons and code is not None:
            outlines[code] = {
                "type": feature["geometry"]["type"],
                "coordinates": feature["geometry"]["coordinates"],
            }
    if problems:
        raise BoundariesRejected(problems)
    return outlines


def _feature_problems(
    feature: Any, areas: dict[str, Area], code_property: str
) -> tuple[list[str], str | None]:
    """The feature's problems, and the area code it names (None when it names none)."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return [_("not a GeoJSON Feature")], None
    properties = feature.get("properties")
    value = properties.get(code_property) if isinstance(properties, dict) else None
    code = str(value).strip() if isinstance(value, str | int) else ""
    reasons = []
    if not code:
        reasons.append(_("no area code in properties.%(property)s") % {"property": code_property})
    elif code not in areas:
        reasons.append(_("unknown area %(area)s") % {"area": repr(code)})
    reasons.extend(_geometry_problems(feature.get("geometry")))
    return reasons, code or None


def _geometry_problems(geometry: Any) -> list[str]:
    if not isinstance(geometry, dict) or geometry.get("type") not in SHAPES:
        return [_("the geometry must be a Polygon or a MultiPolygon")]
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return [_("the geometry has no coordinates")]
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return [_("a polygon has no rings")]
        for ring in polygon:
            reason = _ring_problem(ring)
            if reason:
                return [reason]
    return []


def _ring_problem(ring: Any) -> str | None:
    if not isinstance(ring, list) or len(ring) < 4:
        return _("a ring needs at least 4 positions")
    if not all(_is_position(position) for position in ring):
        return _("a position is not [longitude, latitude] in degrees")
    if ring[0][:2] != ring[-1][:2]:
        return _("a ring must end at the position it starts from")
    return None


def _is_position(position: Any) -> bool:
    if not isinstance(position, list) or len(position) < 2:
        return False
    lon, lat = position[0], position[1]
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lon, lat))
    return numbers and -180 <= lon <= 180 and -90 <= lat <= 90
