"""Charts drawn as SVG: geometry on the axis, labels, accessible names, the empty state."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from pollwatch.lib.svg_charts import (
    Axis,
    Bar,
    Grid,
    Interval,
    IntervalRow,
    Series,
    bar_chart,
    density_chart,
    histogram_chart,
    interval_chart,
    line_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def parsed(chart) -> ET.Element:
    return ET.fromstring(str(chart))


def shapes(chart, css_class: str) -> list[ET.Element]:
    return [
        element
        for element in parsed(chart).iter()
        if css_class in (element.get("class") or "").split()
    ]


def texts(chart) -> list[str]:
    return [element.text or "" for element in parsed(chart).iter(f"{SVG}text")]


def value_axis(chart) -> Axis:
    """The axis the chart drew, read back from its gridline ticks (first and last)."""
    grid = shapes(chart, "chart-grid")
    return Axis(
        0.0, 1.0, float(grid[0].get("x1")), float(grid[-1].get("x1")) - float(grid[0].get("x1"))
    )


PVT_ROWS = [
    IntervalRow("Ann", 0.52, (Interval(0.47, 0.57, "99"), Interval(0.485, 0.555, "95")), 0.70),
    IntervalRow("Bob", 0.48, (Interval(0.43, 0.53, "99"), Interval(0.445, 0.515, "95")), 0.30),
]


def test_axis_maps_its_bounds_to_its_ends():
    axis = Axis(0.0, 1.0, 100.0, 400.0)
    assert axis.position(0.0) == 100.0
    assert axis.position(1.0) == 500.0
    assert axis.position(0.25) == 200.0
    assert Axis(2.0, 2.0, 10.0, 50.0).position(2.0) == 10.0


def test_each_interval_spans_exactly_its_bounds_on_the_axis():
    chart = interval_chart("pvt", "Estimates", "With intervals", PVT_ROWS)
    axis = value_axis(chart)
    for level in ("95", "99"):
        drawn = shapes(chart, f"chart-interval-{level}")
        wanted = [i for row in PVT_ROWS for i in row.intervals if i.level == level]
        assert len(drawn) == len(wanted) == 2
        for rect, interval in zip(drawn, wanted, strict=True):
            start = float(rect.get("x"))
            end = start + float(rect.get("width"))
            assert start == pytest.approx(axis.position(interval.low), abs=0.01)
            assert end == pytest.approx(axis.position(interval.high), abs=0.01)


def test_the_narrower_interval_is_drawn_over_the_wider():
    chart = interval_chart("pvt", "Estimates", "With intervals", PVT_ROWS[:1])
    classes = [
        e.get("class") for e in parsed(chart).iter() if "chart-interval" in (e.get("class") or "")
    ]
    assert classes == ["chart-interval chart-interval-99", "chart-interval chart-interval-95"]
    wide, narrow = shapes(chart, "chart-interval")
    assert float(narrow.get("height")) < float(wide.get("height"))


def test_estimate_and_official_result_are_marked_on_the_same_axis():
    chart = interval_chart("pvt", "Estimates", "With intervals", PVT_ROWS)
    axis = value_axis(chart)
    points = [float(c.get("cx")) for c in shapes(chart, "chart-estimate")]
    references = [float(line.get("x1")) for line in shapes(chart, "chart-reference")]
    assert points == pytest.approx([axis.position(0.52), axis.position(0.48)], abs=0.01)
    assert references == pytest.approx([axis.position(0.70), axis.position(0.30)], abs=0.01)


def test_share_bars_run_from_zero_to_the_share_with_the_interval_as_error_bar():
    rows = [IntervalRow("yes", 0.3, (Interval(0.2, 0.4),)), IntervalRow("no", 0.7)]
    chart = interval_chart("q", "Secrecy", "Shares", rows, bars=True)
    axis = value_axis(chart)
    bars = shapes(chart, "chart-bar")
    assert [float(b.get("x")) for b in bars] == pytest.approx([axis.position(0)] * 2, abs=0.01)
    assert [float(b.get("width")) for b in bars] == pytest.approx(
        [axis.position(0.3) - axis.position(0), axis.position(0.7) - axis.position(0)], abs=0.01
    )
    (error,) = shapes(chart, "chart-interval")
    assert float(error.get("x")) == pytest.approx(axis.position(0.2), abs=0.01)
    assert float(error.get("x")) + float(error.get("width")) == pytest.approx(
        axis.position(0.4), abs=0.01
    )
    caps = [float(cap.get("x1")) for cap in shapes(chart, "chart-cap")]
    assert caps == pytest.approx([axis.position(0.2), axis.position(0.4)], abs=0.01)


def test_every_chart_is_named_for_screen_readers():
    chart = bar_chart("coverage", "Coverage by area", "Share reported", [Bar("North", 0.5)])
    svg = parsed(chart)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "coverage-title coverage-desc"
    assert svg.find(f"{SVG}title").text == "Coverage by area"
    assert svg.find(f"{SVG}title").get("id") == "coverage-title"
    assert svg.find(f"{SVG}desc").text == "Share reported"


def test_labels_and_values_are_written():
    chart = bar_chart("c", "Coverage", "Share", [Bar("North", 0.5), Bar("South", 0.25)])
    written = texts(chart)
    assert "North" in written and "South" in written
    assert "50%" in written and "25%" in written
    assert "0%" in written and "100%" in written


def test_bars_are_as_long_as_their_share_of_the_axis():
    chart = bar_chart("c", "Coverage", "Share", [Bar("North", 0.5), Bar("South", 1.0)])
    axis = value_axis(chart)
    widths = [float(bar.get("width")) for bar in shapes(chart, "chart-bar")]
    assert widths == pytest.approx([axis.length / 2, axis.length], abs=0.01)


def test_line_chart_draws_a_line_per_series_with_a_legend():
    chart = line_chart(
        "r",
        "Reports",
        "Per hour",
        ["07:00", "08:00", "09:00"],
        [Series("opening", [5, 1, 0]), Series("voting", [0, 4, 8])],
    )
    lines = shapes(chart, "chart-line")
    assert len(lines) == 2
    assert [len(line.get("points").split()) for line in lines] == [3, 3]
    assert {"opening", "voting", "07:00", "09:00"} <= set(texts(chart))
    # Higher counts are drawn higher up: the voting line rises.
    voting = [float(point.split(",")[1]) for point in lines[1].get("points").split()]
    assert voting[0] > voting[1] > voting[2]


@pytest.mark.parametrize(
    "chart",
    [
        line_chart("e", "Reports", "Per hour", [], [], empty_message="No reports yet."),
        line_chart(
            "e",
            "Reports",
            "Per hour",
            ["07:00"],
            [Series("x", [0])],
            empty_message="No reports yet.",
        ),
        bar_chart("e", "Coverage", "Share", [], empty_message="No reports yet."),
        interval_chart("e", "PVT", "Estimates", [], empty_message="No reports yet."),
        histogram_chart(
            "e",
            "T",
            "D",
            [0, 1, 2],
            [0, 0],
            x_title="x",
            y_title="y",
            ticks=[0, 2],
            empty_message="No reports yet.",
        ),
        density_chart(
            "e",
            "T",
            "D",
            Grid([0, 1, 2], [[0, 0], [0, 0]]),
            x_title="x",
            y_title="y",
            ticks=[0, 2],
            empty_message="No reports yet.",
        ),
    ],
)
def test_empty_data_gives_an_empty_state_message(chart):
    assert chart.is_empty
    assert texts(chart) == ["No reports yet."]
    assert parsed(chart).find(f"{SVG}title") is not None


def test_text_is_escaped_and_no_style_attribute_is_written():
    chart = bar_chart("c", "<b>Coverage</b>", "A & B", [Bar('<script>"x"</script>', 0.5)])
    markup = str(chart)
    assert "<script>" not in markup and "<b>" not in markup
    assert "&lt;b&gt;Coverage&lt;/b&gt;" in markup
    assert not re.search(r"\sstyle=", markup)
    assert parsed(chart).find(f"{SVG}desc").text == "A & B"


def test_a_chart_renders_unescaped_in_a_template():
    from django.template import Context, Template

    chart = bar_chart("c", "Coverage", "Share", [Bar("North", 0.5)])
    assert Template("{{ chart }}").render(Context({"chart": chart})) == str(chart)


def test_an_estimate_named_highlighted_is_marked():
    chart = interval_chart("pvt", "Estimates", "With intervals", PVT_ROWS, highlighted=["Bob"])
    estimates = shapes(chart, "chart-estimate")
    assert ["chart-highlight" in e.get("class") for e in estimates] == [False, True]


def test_histogram_outlines_each_bin_at_its_count():
    chart = histogram_chart(
        "h",
        "Turnout",
        "Per bin",
        [0, 10, 20, 30],
        [2, 4, 0],
        x_title="Turnout, %",
        y_title="Stations",
        ticks=[0, 10, 20, 30],
    )
    (area,) = shapes(chart, "chart-area")
    steps = re.findall(r"V([\d.]+)H([\d.]+)", area.get("d"))
    bottom = re.match(r"M([\d.]+),([\d.]+)", area.get("d")).group(2)
    heights = [float(bottom) - float(level) for level, _ in steps]
    # The axis rises to 4 (a round number): the second bin reaches the top, the first half-way.
    assert heights[1] == pytest.approx(2 * heights[0]) and heights[2] == 0
    assert {"Turnout, %", "Stations", "0", "30"} <= set(texts(chart))


def test_histogram_cuts_a_bin_above_its_top_and_says_so():
    chart = histogram_chart(
        "h",
        "Turnout",
        "Per bin",
        [0, 1, 2, 3],
        [1, 2, 500],
        x_title="x",
        y_title="y",
        ticks=[0, 3],
        top=2,
        note="500 at 100%",
    )
    (area,) = shapes(chart, "chart-area")
    levels = [float(level) for level, _ in re.findall(r"V([\d.]+)H([\d.]+)", area.get("d"))]
    assert levels[2] >= min(levels)  # drawn no higher than the axis' top
    assert "500 at 100%" in texts(chart)


def test_density_shades_occupied_cells_only_darker_for_more():
    grid = Grid([0, 50, 100], [[1, 0], [0, 1000]])
    chart = density_chart(
        "d", "Stations", "Per cell", grid, x_title="Turnout", y_title="Share", ticks=[0, 100]
    )
    cells = [c for c in shapes(chart, "chart-density") if "chart-key" not in c.get("class")]
    assert len(cells) == 2
    levels = [int(c.get("class").rsplit("-", 1)[1]) for c in cells]
    assert levels[0] == 0 and levels[1] == 5
    # Cell [1][1] (right, top) sits right of and above cell [0][0].
    assert float(cells[1].get("x")) > float(cells[0].get("x"))
    assert float(cells[1].get("y")) < float(cells[0].get("y"))
    assert len(shapes(chart, "chart-key")) == 6 and "1,000" in " ".join(texts(chart))
