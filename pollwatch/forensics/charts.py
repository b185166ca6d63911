"""The forensic report's charts, drawn with :mod:`pollwatch.lib.svg_charts` like every other.

The report is a file made once per analysis and read offline, so its charts
are inline SVG: no image to embed, no script, and a PDF printer draws them
as they are. The report shows the same numbers in tables beside them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from pollwatch.forensics.analysis import ForensicsAnalysis
from pollwatch.lib.catalogues import gettext as _
from pollwatch.lib.catalogues import gettext_noop
from pollwatch.lib.svg_charts import (
    Chart,
    Grid,
    Interval,
    IntervalRow,
    density_chart,
    histogram_chart,
    interval_chart,
    number,
)
from pollwatch.stats.digits import DigitTestResult
from pollwatch.stats.fingerprint import PercentageHistogram
from pollwatch.stats.integer_percentages import IntegerCount

PERCENT_TICKS = tuple(range(0, 101, 20))
HISTOGRAM_TICKS = tuple(range(0, 101, 10))
DIGIT_TITLES = {
    "second_digit_mean": gettext_noop("Second-digit mean (Benford: 4.187)"),
    "last_digit_mean": gettext_noop("Last-digit mean (uniform: 4.5)"),
    "zero_five_share": gettext_noop("Share ending in 0 or 5 (uniform: 0.2)"),
}


def share_axis_title(leader: str) -> str:
    """The axis of the leader's share, named after the leader."""
    return _("%(leader)s, %% of received ballots") % {"leader": _short(leader)}


def fingerprint_charts(analysis: ForensicsAnalysis) -> list[Chart]:
    """Turnout against leader share, by stations and by voters, on a logarithmic scale."""
    fp = analysis.fingerprint
    share_title = share_axis_title(analysis.leader)
    return [
        density_chart(
            f"chart-fingerprint-{name}",
            title,
            description,
            Grid(fp.edges.tolist(), values.tolist()),
            x_title=_("Turnout, %"),
            y_title=share_title,
            ticks=PERCENT_TICKS,
            empty_message=_("No station with 100 or more registered voters."),
        )
        for name, title, description, values in (
            (
                "stations",
                _("Stations per cell"),
                _(
                    "Stations in each cell of one point of turnout (across) by one point of the "
                    "leader's share (up), darker for more on a logarithmic scale; stations with "
                    "fewer than 100 registered voters are left out."
                ),
                fp.stations,
            ),
            (
                "voters",
                _("Registered voters per cell"),
                _(
                    "Registered voters in each cell of one point of turnout (across) by one "
                    "point of the leader's share (up), darker for more on a logarithmic scale; "
                    "stations with fewer than 100 registered voters are left out."
                ),
                fp.voters,
            ),
        )
    ]


def histogram_charts(analysis: ForensicsAnalysis) -> tuple[Chart, Chart]:
    """Turnout and leader share at 0.1-point resolution; spikes mark whole percentages."""
    return (
        _histogram_chart(
            "chart-turnout", _("Turnout"), analysis.turnout_histogram, _("Turnout, %")
        ),
        _histogram_chart(
            "chart-leader-share",
            _("Leader share"),
            analysis.share_histogram,
            share_axis_title(analysis.leader),
        ),
    )


def _histogram_chart(
    chart_id: str, name: str, histogram: PercentageHistogram, x_title: str
) -> Chart:
    counts = histogram.counts
    # A pile of stations at exactly 100% would flatten the rest; cap the axis and say so.
    inner = counts[1:-1]
    highest = int(inner.max()) if inner.size else 0
    capped = bool(counts.size) and counts[-1] > 1.5 * highest > 0
    resolution = f"{histogram.resolution:g}"
    return histogram_chart(
        chart_id,
        _("%(name)s: stations per %(resolution)s-point bin")
        % {"name": name, "resolution": resolution},
        _(
            "Stations in each bin of %(resolution)s percentage point; a spike on a whole "
            "percentage stands out as a single tall bin."
        )
        % {"resolution": resolution},
        histogram.edges.tolist(),
        counts.tolist(),
        x_title=_("%(axis)s (bins of %(resolution)s point)")
        % {"axis": x_title, "resolution": resolution},
        y_title=_("Stations"),
        ticks=HISTOGRAM_TICKS,
        top=1.15 * highest if capped else None,
        note=_("%(count)s at 100%% (cut off)") % {"count": f"{int(counts[-1]):,}"}
        if capped
        else "",
        empty_message=_("No station to show."),
    )


def integer_counts(analysis: ForensicsAnalysis) -> tuple[tuple[str, IntegerCount], ...]:
    """The integer-percentage counts the report shows, by name."""
    integer = analysis.integer
    if not analysis.has_turnout:
        # Without ballots issued only the leader's share is tested.
        return ((_("Leader share"), integer.leader),)
    return (
        (_("Turnout or leader share"), integer.any),
        (_("Leader share"), integer.leader),
        (_("Turnout"), integer.turnout),
    )


def integer_chart(analysis: ForensicsAnalysis) -> Chart:
    """Observed integer-percentage stations against the null's expectation, with ±2 sd."""
    counts = integer_counts(analysis)
    rows = [
        IntervalRow(
            name,
            float(count.observed),
            (Interval(count.expected - 2 * count.sd, count.expected + 2 * count.sd, "expected"),),
            count.expected,
        )
        for name, count in counts
    ]
    beyond = [name for name, count in counts if abs(count.observed - count.expected) > 2 * count.sd]
    low, high = _padded_range(
        [v for row in rows for v in (row.value, row.intervals[0].low, row.intervals[0].high)]
    )
    return interval_chart(
        "chart-integer",
        _("Stations with an integer percentage"),
        _(
            "Each count of stations with a whole-number percentage as a point; the bar is the "
            "range expected under the binomial null (expected ±2 sd) and the vertical line "
            "the expected count."
        ),
        rows if analysis.integer.stations_included else [],
        low=max(low, 0.0),
        high=high,
        formatter=number,
        highlighted=beyond,
        empty_message=_("No station passes the filter of the test."),
    )


def digit_charts(analysis: ForensicsAnalysis) -> list[Chart]:
    """Each digit statistic per option with its bootstrap interval and its own expected value.

    Highlighted: the unadjusted p-value is under 5% (the headline adjusts it
    by Holm's method).
    """
    methods = [t.method for t in analysis.digits[0].tests] if analysis.digits else []
    return [_digit_chart(analysis, column, method) for column, method in enumerate(methods)]


def _digit_chart(analysis: ForensicsAnalysis, column: int, method: str) -> Chart:
    tests = [(_short(option.option, 20), option.tests[column]) for option in analysis.digits]
    rows = [_digit_row(name, test) for name, test in tests if math.isfinite(test.statistic)]
    low, high = _padded_range(
        [v for row in rows for v in (row.value, row.reference or row.value)]
        + [v for row in rows for i in row.intervals for v in (i.low, i.high)]
    )
    return interval_chart(
        f"chart-digits-{method.replace('_', '-')}",
        _(DIGIT_TITLES[method]) if method in DIGIT_TITLES else method,
        _(
            "Each option's statistic as a point with its bootstrap interval as the bar; the "
            "vertical line is the value expected of honest counts for that option."
        ),
        rows,
        low=low,
        high=high,
        formatter=_two_decimals,
        highlighted=[name for name, test in tests if test.deviates],
        empty_message=_("No option has counts enough to test."),
    )


def _digit_row(name: str, test: DigitTestResult) -> IntervalRow:
    intervals = (
        (Interval(test.ci_low, test.ci_high, f"{100 * test.confidence:g}"),)
        if math.isfinite(test.ci_low) and math.isfinite(test.ci_high)
        else ()
    )
    reference = test.expected if math.isfinite(test.expected) else None
    return IntervalRow(name, test.statistic, intervals, reference)


def percent_bands(histogram: PercentageHistogram, width: int = 10) -> list[int]:
    """Stations in each band of ``width`` points (the last band holds 100%)."""
    centres = (histogram.edges[:-1] + histogram.edges[1:]) / 2.0
    band = np.clip((centres // width).astype(int), 0, 100 // width - 1)
    return np.bincount(band, weights=histogram.counts, minlength=100 // width).astype(int).tolist()


def fingerprint_bands(cells: np.ndarray, width: int = 10) -> list[list[int]]:
    """Cells of one point summed into bands of ``width`` points, ``[turnout][share]``."""
    bands = cells.shape[0] // width
    summed = cells[: bands * width, : bands * width].reshape(bands, width, bands, width)
    return summed.sum(axis=(1, 3)).astype(int).tolist()


def _padded_range(values: Sequence[float], ticks: int = 5) -> tuple[float, float]:
    """A range holding ``values`` whose ``ticks`` equal steps fall on round numbers."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    low, high = min(finite), max(finite)
    pad = (high - low) * 0.05 or abs(high) * 0.1 or 1.0
    low, high = low - pad, high + pad
    step = _round_step((high - low) / ticks)
    start = math.floor(low / step) * step
    while start + ticks * step < high:
        step = _round_step(step * 1.01)
        start = math.floor(low / step) * step
    return start, start + ticks * step


def _round_step(at_least: float) -> float:
    """The smallest of 1, 2 or 5 times a power of ten that is at least ``at_least``."""
    scale = 10.0 ** math.floor(math.log10(at_least))
    return next(m * scale for m in (1, 2, 5, 10) if m * scale >= at_least)


def _two_decimals(value: float) -> str:
    return f"{value:.2f}"


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
