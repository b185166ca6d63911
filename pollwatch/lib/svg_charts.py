"""Charts drawn on the server as SVG markup, from plain numbers.

One way of drawing charts for the whole application: no script library, no
inline ``style`` attribute (the content security policy forbids both), so the
pages print and work offline. Shapes carry classes (``chart-series-0``,
``chart-interval-95``, ``chart-density-3``...) that the site's stylesheet colours,
or the forensic report's own for its charts. Every chart
opens with a ``<title>`` and a ``<desc>`` that the ``<svg>`` is labelled by,
for screen readers; pages show the same numbers as a table beside the chart.

The charts: lines of counts over time, bars of shares, estimates with their
intervals and a value to compare with, a histogram of fine bins, and counts
shaded on a square grid (a two-dimensional density).

A :class:`Chart` renders itself in a Django template unescaped (it has
``__html__``); the module itself needs no framework. Every text it writes is
escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
ROW_HEIGHT = 28
LABEL_WIDTH = 170
MARGIN = 12
AXIS_HEIGHT = 24
PLOT_HEIGHT = 200
EMPTY_HEIGHT = 48
#: Room above a plot for the title of its vertical axis.
AXIS_TITLE_HEIGHT = 16
SERIES_CLASSES = 6


class Markup(str):
    """Text that is already markup: templates (Django's, Jinja's) insert it unescaped."""

    __slots__ = ()

    def __html__(self) -> str:
        return self


@dataclass(frozen=True, slots=True)
class Chart:
    """A drawn chart: its markup, whether it had anything to draw, and its title."""

    svg: str
    is_empty: bool = False
    title: str = ""

    def __html__(self) -> str:
        return self.svg

    def __str__(self) -> Markup:
        # Templates turn a value into text before escaping it; the markup must survive that.
        return Markup(self.svg)


@dataclass(frozen=True, slots=True)
class Axis:
    """Maps values in [``low``, ``high``] to positions from ``start`` over ``length``."""

    low: float
    high: float
    start: float
    length: float

    def position(self, value: float) -> float:
        span = self.high - self.low
        if span <= 0:
            return self.start
        return self.start + (value - self.low) / span * self.length

    def ticks(self, count: int = 5) -> list[float]:
        step = (self.high - self.low) / count
        return [self.low + i * step for i in range(count + 1)]


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a line chart: a value for each label of the x axis."""

    name: str
    values: Sequence[float]


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float


@dataclass(frozen=True, slots=True)
class Interval:
    """A range drawn on a row; ``level`` names its class, e.g. ``"95"`` or ``"99"``."""

    low: float
    high: float
    level: str = "95"


@dataclass(frozen=True, slots=True)
class IntervalRow:
    """One row of an interval chart: an estimate, its intervals, and a value to compare with."""

    label: str
    value: float
    intervals: tuple[Interval, ...] = ()
    reference: float | None = None


@dataclass(frozen=True, slots=True)
class Grid:
    """Counts on a square grid of cells: ``cells[i][j]`` lies between ``edges[i]`` and
    ``edges[i + 1]`` along x and between ``edges[j]`` and ``edges[j + 1]`` along y."""

    edges: Sequence[float]
    cells: Sequence[Sequence[float]]


Formatter = Callable[[float], str]


def percent(value: float) -> str:
    """A fraction as a whole percentage: ``0.25`` is ``"25%"``."""
    return f"{100 * value:.0f}%"


def number(value: float) -> str:
    return f"{value:,.0f}"


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    empty_message: str = "No data to show.",
) -> Chart:
    """Lines of counts over ``x_labels`` (e.g. hours), one per series, from zero up."""
    top = max((value for line in series for value in line.values), default=0)
    if not x_labels or not series or top <= 0:
        return _empty(chart_id, title, description, empty_message)
    height = MARGIN + PLOT_HEIGHT + AXIS_HEIGHT + ROW_HEIGHT
    x_axis = Axis(0, max(len(x_labels) - 1, 1), LABEL_WIDTH / 3, WIDTH - LABEL_WIDTH / 3 - MARGIN)
    y_axis = Axis(0, _round_up(top), MARGIN + PLOT_HEIGHT, -PLOT_HEIGHT)
    parts = [_gridlines_y(y_axis, x_axis, number)]
    parts += _x_labels(x_labels, x_axis, MARGIN + PLOT_HEIGHT + 16)
    for index, line in enumerate(series):
        points = " ".join(
            f"{_f(x_axis.position(i))},{_f(y_axis.position(v))}" for i, v in enumerate(line.values)
        )
        parts.append(
            f'<polyline class="chart-line {_series_class(index)}" fill="none" points="{points}">'
            f"<title>{escape(line.name)}</title></polyline>"
        )
    parts.append(_legend([line.name for line in series], height - ROW_HEIGHT / 2))
    return _svg(chart_id, title, description, height, parts)


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    *,
    high: float = 1.0,
    formatter: Formatter = percent,
    empty_message: str = "No data to show.",
) -> Chart:
    """Horizontal bars from zero, one row per bar, on an axis from 0 to ``high``."""
    if not bars:
        return _empty(chart_id, title, description, empty_message)
    axis = _value_axis(0.0, high)
    height = MARGIN + ROW_HEIGHT * len(bars) + AXIS_HEIGHT
    parts = [_gridlines_x(axis, height - AXIS_HEIGHT, formatter)]
    for row, bar in enumerate(bars):
        y = MARGIN + row * ROW_HEIGHT
        value = min(max(bar.value, 0.0), high)
        parts.append(_row_label(bar.label, y))
        parts.append(
            _rect("chart-bar", axis.position(0.0), y + 6, axis.position(value), ROW_HEIGHT - 12)
            + f'<text class="chart-value" x="{_f(axis.position(value) + 4)}" '
            f'y="{_f(y + ROW_HEIGHT / 2 + 4)}">{escape(formatter(bar.value))}</text>'
        )
    return _svg(chart_id, title, description, height, parts)


def interval_chart(
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[IntervalRow],
    *,
    low: float = 0.0,
    high: float = 1.0,
    bars: bool = False,
    formatter: Formatter = percent,
    empty_message: str = "No data to show.",
    highlighted: Sequence[str] = (),
) -> Chart:
    """Estimates with their intervals, one row each, on one axis from ``low`` to ``high``.

    With ``bars`` each estimate is a bar from ``low`` with its interval as an
    error bar (a share and its confidence interval); without, a point with
    its intervals drawn widest first, so the narrower one lies on top (a PVT
    estimate with its 95% and 99% intervals). A row's ``reference`` (an
    official result) is marked on the same axis. Rows whose label is in
    ``highlighted`` draw their estimate with the ``chart-highlight`` class
    (a result that departs from what is expected).
    """
    if not rows:
        return _empty(chart_id, title, description, empty_message)
    axis = _value_axis(low, high)
    height = MARGIN + ROW_HEIGHT * len(rows) + AXIS_HEIGHT
    parts = [_gridlines_x(axis, height - AXIS_HEIGHT, formatter)]
    for index, row in enumerate(rows):
        y = MARGIN + index * ROW_HEIGHT
        parts.append(_row_label(row.label, y))
        parts += _interval_row(row, axis, y, bars, row.label in highlighted)
    return _svg(chart_id, title, description, height, parts)


def histogram_chart(
    chart_id: str,
    title: str,
    description: str,
    edges: Sequence[float],
    counts: Sequence[float],
    *,
    x_title: str,
    y_title: str,
    ticks: Sequence[float],
    top: float | None = None,
    note: str = "",
    empty_message: str = "No data to show.",
) -> Chart:
    """Counts per bin between ``edges``, as one filled outline from zero up.

    Drawn as a single path, so a thousand narrow bins stay light. ``top``
    caps the count axis: a bin above it is cut off at the top, and ``note``
    (e.g. how many it holds) is written in the corner.
    """
    highest = max(counts, default=0)
    if len(edges) != len(counts) + 1 or highest <= 0:
        return _empty(chart_id, title, description, empty_message)
    bottom = MARGIN + AXIS_TITLE_HEIGHT + PLOT_HEIGHT
    height = bottom + 2 * AXIS_HEIGHT
    x_axis = Axis(edges[0], edges[-1], LABEL_WIDTH / 3, WIDTH - LABEL_WIDTH / 3 - MARGIN)
    y_axis = Axis(0, _round_up(top or highest), bottom, -PLOT_HEIGHT)
    parts = [_gridlines_y(y_axis, x_axis, number)]
    parts += _x_ticks(ticks, x_axis, bottom)
    parts.append(_histogram_path(edges, counts, x_axis, y_axis))
    parts.append(_axis_titles(x_title, y_title, x_axis, bottom + AXIS_HEIGHT + 14))
    if note:
        parts.append(
            f'<text class="chart-label" x="{_f(x_axis.start + x_axis.length)}" '
            f'y="{MARGIN + AXIS_TITLE_HEIGHT + 12}" text-anchor="end">{escape(note)}</text>'
        )
    return _svg(chart_id, title, description, height, parts)


def _histogram_path(
    edges: Sequence[float], counts: Sequence[float], x_axis: Axis, y_axis: Axis
) -> str:
    def level(count: float) -> str:
        return _f(y_axis.position(min(count, y_axis.high)))

    steps = [f"M{_f(x_axis.position(edges[0]))},{_f(y_axis.start)}"]
    for index, count in enumerate(counts):
        steps.append(f"V{level(count)}H{_f(x_axis.position(edges[index + 1]))}")
    steps.append(f"V{_f(y_axis.start)}Z")
    return f'<path class="chart-area chart-series-0" d="{"".join(steps)}"/>'


def density_chart(
    chart_id: str,
    title: str,
    description: str,
    grid: Grid,
    *,
    x_title: str,
    y_title: str,
    ticks: Sequence[float],
    levels: int = 6,
    formatter: Formatter = number,
    empty_message: str = "No data to show.",
) -> Chart:
    """Counts on a square grid as shaded cells, darker for more, on a logarithmic scale.

    Each occupied cell falls in one of ``levels`` classes (``chart-density-0``
    for the fewest); a key beside the grid gives each class's range. Empty
    cells are not drawn.
    """
    highest = max((value for column in grid.cells for value in column), default=0)
    if highest < 1:
        return _empty(chart_id, title, description, empty_message)
    side = PLOT_HEIGHT * 1.5
    bottom = MARGIN + AXIS_TITLE_HEIGHT + side
    height = bottom + 2 * AXIS_HEIGHT
    x_axis = Axis(grid.edges[0], grid.edges[-1], LABEL_WIDTH / 3, side)
    y_axis = Axis(grid.edges[0], grid.edges[-1], bottom, -side)
    bounds = _log_bounds(highest, max(1, min(levels, int(highest))))
    parts = _x_ticks(ticks, x_axis, bottom)
    parts += _y_ticks(ticks, x_axis, y_axis)
    parts += _density_cells(grid, x_axis, y_axis, bounds)
    parts.append(_axis_titles(x_title, y_title, x_axis, bottom + AXIS_HEIGHT + 14))
    parts.append(_density_key(bounds, x_axis.start + side + 3 * MARGIN, formatter))
    return _svg(chart_id, title, description, height, parts)


def _log_bounds(highest: float, levels: int) -> list[float]:
    """``levels + 1`` bounds from 1 to ``highest``, evenly spaced on a log scale."""
    return [highest ** (index / levels) for index in range(levels + 1)]


def _density_level(value: float, bounds: Sequence[float]) -> int:
    for index, upper in enumerate(bounds[1:]):
        if value <= upper:
            return index
    return len(bounds) - 2


def _density_cells(grid: Grid, x_axis: Axis, y_axis: Axis, bounds: Sequence[float]) -> list[str]:
    edges = grid.edges
    cells = []
    for i, column in enumerate(grid.cells):
        for j, value in enumerate(column):
            if value <= 0:
                continue
            x, y = x_axis.position(edges[i]), y_axis.position(edges[j + 1])
            cells.append(
                f'<rect class="chart-density chart-density-{_density_level(value, bounds)}" '
                f'x="{_f(x)}" y="{_f(y)}" width="{_f(x_axis.position(edges[i + 1]) - x)}" '
                f'height="{_f(y_axis.position(edges[j]) - y)}"/>'
            )
    return cells


def _density_key(bounds: Sequence[float], x: float, formatter: Formatter) -> str:
    items = []
    for index in range(len(bounds) - 1):
        y = MARGIN + AXIS_TITLE_HEIGHT + index * ROW_HEIGHT
        # Counts are whole: a class holds the counts above the previous bound.
        low = formatter(bounds[index] if index == 0 else math.floor(bounds[index]) + 1)
        high = formatter(math.floor(bounds[index + 1]))
        label = low if low == high else f"{low}–{high}"
        items.append(
            f'<rect class="chart-key chart-density chart-density-{index}" x="{_f(x)}" '
            f'y="{_f(y)}" width="14" height="14"/>'
            f'<text class="chart-label" x="{_f(x + 20)}" y="{_f(y + 11)}">{escape(label)}</text>'
        )
    return "".join(items)


def _x_ticks(ticks: Sequence[float], axis: Axis, bottom: float) -> list[str]:
    return [
        f'<line class="chart-grid" x1="{_f(axis.position(tick))}" '
        f'x2="{_f(axis.position(tick))}" y1="{_f(bottom)}" y2="{_f(bottom + 4)}"/>'
        f'<text class="chart-tick" x="{_f(axis.position(tick))}" y="{_f(bottom + 16)}" '
        f'text-anchor="middle">{escape(number(tick))}</text>'
        for tick in ticks
    ]


def _y_ticks(ticks: Sequence[float], x_axis: Axis, y_axis: Axis) -> list[str]:
    return [
        f'<text class="chart-tick" x="{_f(x_axis.start - 6)}" '
        f'y="{_f(y_axis.position(tick) + 4)}" text-anchor="end">{escape(number(tick))}</text>'
        for tick in ticks
    ]


def _axis_titles(x_title: str, y_title: str, x_axis: Axis, y: float) -> str:
    return (
        f'<text class="chart-label chart-axis-title" x="{_f(x_axis.start + x_axis.length / 2)}" '
        f'y="{_f(y)}" text-anchor="middle">{escape(x_title)}</text>'
        f'<text class="chart-label chart-axis-title" x="{_f(x_axis.start)}" '
        f'y="{MARGIN + AXIS_TITLE_HEIGHT - 6}">'
        f"{escape(y_title)}</text>"
    )


def _interval_row(
    row: IntervalRow, axis: Axis, y: float, bars: bool, highlighted: bool
) -> list[str]:
    middle = y + ROW_HEIGHT / 2
    parts = []
    if bars:
        parts.append(
            _rect("chart-bar", axis.position(axis.low), y + 6, axis.position(row.value), 16)
        )
    widest_first = sorted(row.intervals, key=lambda interval: interval.low - interval.high)
    for depth, interval in enumerate(widest_first):
        thickness = 4 if bars else 10 - 4 * min(depth, 1)
        start, end = axis.position(interval.low), axis.position(interval.high)
        parts.append(
            _rect(
                f"chart-interval chart-interval-{escape(interval.level)}",
                start,
                middle - thickness / 2,
                end,
                thickness,
            )
        )
        if bars:
            parts.append(_cap(start, middle) + _cap(end, middle))
    if not bars:
        x = _f(axis.position(row.value))
        marked = " chart-highlight" if highlighted else ""
        parts.append(f'<circle class="chart-estimate{marked}" cx="{x}" cy="{_f(middle)}" r="4"/>')
    if row.reference is not None:
        x = _f(axis.position(row.reference))
        parts.append(
            f'<line class="chart-reference" x1="{x}" x2="{x}" '
            f'y1="{_f(y + 2)}" y2="{_f(y + ROW_HEIGHT - 2)}"/>'
        )
    return parts


def _cap(x: float, middle: float) -> str:
    return (
        f'<line class="chart-cap" x1="{_f(x)}" x2="{_f(x)}" '
        f'y1="{_f(middle - 5)}" y2="{_f(middle + 5)}"/>'
    )


def _value_axis(low: float, high: float) -> Axis:
    return Axis(low, high, LABEL_WIDTH, WIDTH - LABEL_WIDTH - 3 * MARGIN)


def _rect(css_class: str, x_start: float, y: float, x_end: float, height: float) -> str:
    return (
        f'<rect class="{css_class}" x="{_f(x_start)}" y="{_f(y)}" '
        f'width="{_f(max(x_end - x_start, 0.0))}" height="{_f(height)}"/>'
    )


def _row_label(label: str, y: float) -> str:
    return (
        f'<text class="chart-label" x="{LABEL_WIDTH - 6}" y="{_f(y + ROW_HEIGHT / 2 + 4)}" '
        f'text-anchor="end">{escape(_short(label))}</text>'
    )


def _gridlines_x(axis: Axis, bottom: float, formatter: Formatter) -> str:
    lines = []
    for tick in axis.ticks():
        x = _f(axis.position(tick))
        lines.append(
            f'<line class="chart-grid" x1="{x}" x2="{x}" y1="{MARGIN}" y2="{_f(bottom)}"/>'
            f'<text class="chart-tick" x="{x}" y="{_f(bottom + 16)}" text-anchor="middle">'
            f"{escape(formatter(tick))}</text>"
        )
    return "".join(lines)


def _gridlines_y(axis: Axis, x_axis: Axis, formatter: Formatter) -> str:
    lines = []
    left, right = _f(x_axis.start), _f(x_axis.start + x_axis.length)
    for tick in axis.ticks(4):
        y = _f(axis.position(tick))
        lines.append(
            f'<line class="chart-grid" x1="{left}" x2="{right}" y1="{y}" y2="{y}"/>'
            f'<text class="chart-tick" x="{_f(x_axis.start - 6)}" y="{_f(float(y) + 4)}" '
            f'text-anchor="end">{escape(formatter(tick))}</text>'
        )
    return "".join(lines)


def _x_labels(labels: Sequence[str], axis: Axis, y: float) -> list[str]:
    # Label about eight points whatever the length, so the labels never overlap.
    every = max(1, -(-len(labels) // 8))
    return [
        f'<text class="chart-tick" x="{_f(axis.position(i))}" y="{_f(y)}" '
        f'text-anchor="middle">{escape(label)}</text>'
        for i, label in enumerate(labels)
        if i % every == 0
    ]


def _legend(names: Sequence[str], y: float) -> str:
    step = (WIDTH - 2 * MARGIN) / max(len(names), 1)
    items = []
    for index, name in enumerate(names):
        x = MARGIN + index * step
        items.append(
            f'<rect class="chart-key {_series_class(index)}" x="{_f(x)}" y="{_f(y - 8)}" '
            f'width="12" height="12"/>'
            f'<text class="chart-label" x="{_f(x + 16)}" y="{_f(y + 2)}">{escape(name)}</text>'
        )
    return "".join(items)


def _series_class(index: int) -> str:
    return f"chart-series-{index % SERIES_CLASSES}"


def _empty(chart_id: str, title: str, description: str, message: str) -> Chart:
    text = (
        f'<text class="chart-empty" x="{WIDTH / 2:g}" y="{EMPTY_HEIGHT / 2 + 5:g}" '
        f'text-anchor="middle">{escape(message)}</text>'
    )
    return Chart(
        _svg(chart_id, title, description, EMPTY_HEIGHT, [text]).svg, is_empty=True, title=title
    )


def _svg(chart_id: str, title: str, description: str, height: float, parts: list[str]) -> Chart:
    ident = escape(chart_id)
    return Chart(
        f'<svg class="chart" id="{ident}" role="img" viewBox="0 0 {WIDTH} {_f(height)}" '
        f'width="{WIDTH}" height="{_f(height)}" xmlns="http://www.w3.org/2000/svg" '
        f'aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>' + "".join(parts) + "</svg>",
        title=title,
    )


def _round_up(value: float) -> float:
    """A round top for a count axis: 4, 8, 20, 40, 80, 200..., at least ``value``."""
    scale = 1.0
    while True:
        for step in (1, 2, 5):
            if 4 * step * scale >= value:
                return 4 * step * scale
        scale *= 10


def _short(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _f(value: float) -> str:
    """A coordinate with at most two decimals, without trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
