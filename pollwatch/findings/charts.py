"""The findings' charts, drawn with :mod:`pollwatch.lib.svg_charts` from the figures pages show.

Each page shows the same numbers as a table beside its chart.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from pollwatch.deployment.coverage import CoverageTable
from pollwatch.findings.election_day import ReportsOverTime
from pollwatch.findings.figures import ShareFigure
from pollwatch.findings.pvt import PVTNames, PVTResult
from pollwatch.forms.labels import phase_label
from pollwatch.lib.svg_charts import (
    Bar,
    Chart,
    Interval,
    IntervalRow,
    Series,
    bar_chart,
    interval_chart,
    line_chart,
)


def reports_chart(reports: ReportsOverTime) -> Chart:
    return line_chart(
        "chart-reports",
        _("Reports received per hour, by phase"),
        _("Reports received in each hour of election day, one line per phase; %(total)s in all.")
        % {"total": reports.total},
        reports.hours,
        [Series(phase_label(phase), reports.counts[phase]) for phase in reports.phases],
        empty_message=_("No reports received on election day yet."),
    )


def coverage_chart(table: CoverageTable | None) -> Chart:
    """Each area's share of planned stations reported in :func:`most_reported_phase`."""
    phase = most_reported_phase(table) if table is not None else None
    bars = []
    if table is not None and phase is not None:
        index = table.phases.index(phase)
        bars = [
            Bar(row.label, row.phases[index].share(row.planned) or 0.0)
            for row in table.rows
            if row.planned
        ]
    return bar_chart(
        "chart-coverage",
        _("Planned stations reported, by area"),
        _("Share of each area's planned stations with a %(phase)s report.")
        % {"phase": phase_label(phase).lower() if phase else ""},
        bars,
        empty_message=_("No planned station has reported yet."),
    )


def most_reported_phase(table: CoverageTable) -> str | None:
    """The phase with the most reports so far; not the latest, whose first few would hide
    a day of voting reports at night."""
    counts = [phase.reported for phase in table.total.phases]
    if not any(counts):
        return None
    return table.phases[counts.index(max(counts))]


def shares_chart(chart_id: str, title: str, values: Iterable[tuple[str, ShareFigure]]) -> Chart:
    """Each answer's share as a bar, with its confidence interval (if any) as an error bar."""
    rows = [
        IntervalRow(
            label,
            figure.share,
            ()
            if figure.low is None or figure.high is None
            else (Interval(figure.low, figure.high, "95"),),
        )
        for label, figure in values
    ]
    return interval_chart(
        chart_id,
        title,
        _("Share of stations giving each answer, with its %(level)s%% confidence interval if any.")
        % {"level": 95},
        rows,
        bars=True,
        empty_message=_("No answers."),
    )


def pvt_chart(result: PVTResult, names: PVTNames | None = None) -> Chart:
    """Each estimate, by its name in ``names``, with its 95% and 99% intervals and, when
    imported, the official result."""
    official = {c.estimate.name: c.official for c in result.comparison}
    estimates = (*result.estimate.shares, result.turnout) if result.estimate is not None else ()
    rows = [
        IntervalRow(
            names.figure(estimate.name) if names is not None else estimate.name,
            estimate.value,
            (
                Interval(*estimate.interval(0.99), "99"),
                Interval(*estimate.interval(0.95), "95"),
            ),
            official.get(estimate.name),
        )
        for estimate in estimates
        if estimate is not None
    ]
    return interval_chart(
        "chart-pvt",
        _("PVT estimates with their intervals"),
        _(
            "Each estimate as a point, its %(inner)s%% interval as the thick bar and its "
            "%(outer)s%% interval as the thin one; a vertical line marks the official result "
            "where imported."
        )
        % {"inner": 95, "outer": 99},
        rows,
        empty_message=_("No estimate yet."),
    )
