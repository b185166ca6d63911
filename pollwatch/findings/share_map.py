"""One answer's share by area, for the choropleth on a finding's by-area page.

The map is handed the very figures the page's table lists (its rows of area
and value figure), so the two cannot disagree; the areas are shaded in the
classes of the dashboard's coverage map.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from pollwatch.findings.coverage import SHADES, shade
from pollwatch.findings.figures import ValueFigure
from pollwatch.registry.models import Area

AreaRow = tuple[Area, ValueFigure]


@dataclass(frozen=True, slots=True)
class AreaShare:
    """One area's figure for the mapped answer, in percent as the table shows it.

    ``low_pct`` and ``high_pct`` are the 95% interval, None when the stations
    were not drawn at random.
    """

    code: str
    name: str
    count: int
    base: int
    share_pct: float
    low_pct: float | None
    high_pct: float | None
    fill: str


@dataclass(frozen=True, slots=True)
class ShareClass:
    """A class of the legend: shares from ``low_pct`` up to ``high_pct``."""

    index: int
    low_pct: int
    high_pct: int
    fill: str


def answers_of(rows: Iterable[AreaRow]) -> list[str]:
    """The answers the rows give, in the order the table lists them first."""
    return list(dict.fromkeys(value.value for _area, value in rows))


def mapped_answer(rows: Sequence[AreaRow], requested: str | None) -> str | None:
    """The answer the map shades: the one asked for if the rows have it, else the first."""
    answers = answers_of(rows)
    if requested in answers:
        return requested
    return answers[0] if answers else None


def area_shares(rows: Iterable[AreaRow], answer: str) -> list[AreaShare]:
    return [
        AreaShare(
            code=area.code,
            name=area.name,
            count=value.figure.count,
            base=value.figure.base,
            share_pct=value.figure.share_pct,
            low_pct=value.figure.low_pct,
            high_pct=value.figure.high_pct,
            fill=shade(value.figure.share),
        )
        for area, value in rows
        if value.value == answer
    ]


def share_classes() -> list[ShareClass]:
    width = 100 // len(SHADES)
    return [
        ShareClass(index, index * width, (index + 1) * width, fill)
        for index, fill in enumerate(SHADES)
    ]


def share_map_json(shares: list[AreaShare], areas: Iterable[Area]) -> dict[str, Any]:
    """The shares with the outlines of the areas shown, for the map's script."""
    outlined = Area.objects.filter(pk__in=[area.pk for area in areas]).outlines()
    return {"shares": [asdict(share) for share in shares], "areas": outlined}
