"""Plots of the forensic tests, rendered with matplotlib's Agg canvas as PNG data URIs.

Figures are built on ``matplotlib.figure.Figure`` with an explicit Agg canvas,
never through pyplot, so that reports can be drawn in worker threads and on
machines without a display.
"""

from __future__ import annotations

import base64
import io
from typing import Final

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from pollwatch.forensics.analysis import ForensicsAnalysis
from pollwatch.stats.fingerprint import PercentageHistogram
from pollwatch.stats.integer_percentages import IntegerCount

DPI = 96
LAYOUT: Final = "constrained"
DIGIT_TITLES = {
    "second_digit_mean": "Second-digit mean (Benford: 4.187)",
    "last_digit_mean": "Last-digit mean (uniform: 4.5)",
    "zero_five_share": "Share ending in 0 or 5 (uniform: 0.2)",
}


def figure_data_uri(figure: Figure) -> str:
    """Render ``figure`` to a base64 PNG data URI."""
    canvas = FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def fingerprint_plot(analysis: ForensicsAnalysis) -> str:
    """Turnout against leader share, by stations and by voters, on a log colour scale."""
    fp = analysis.fingerprint
    figure = Figure(figsize=(11, 4.8), dpi=DPI, layout=LAYOUT)
    panels = figure.subplots(1, 2)
    for axes, values, title in (
        (panels[0], fp.stations, "Stations per cell"),
        (panels[1], fp.voters, "Registered voters per cell"),
    ):
        axes.set_xlim(0, 100)
        axes.set_ylim(0, 100)
        axes.set_xlabel("Turnout, %")
        axes.set_ylabel(f"{_short(analysis.leader)}, % of received ballots")
        axes.set_title(title)
        if values.max() < 1:
            axes.text(50, 50, "no station with 100 or more voters", ha="center")
            continue
        image = axes.imshow(
            np.where(values > 0, values, np.nan).T,
            origin="lower",
            extent=(0, 100, 0, 100),
            cmap="viridis",
            norm=LogNorm(vmin=1.0, vmax=max(float(values.max()), 10.0)),
            interpolation="nearest",
            aspect="equal",
        )
        figure.colorbar(image, ax=axes, shrink=0.85)
    return figure_data_uri(figure)


def histograms_plot(analysis: ForensicsAnalysis) -> str:
    """Turnout and leader share at 0.1-point resolution; spikes mark whole percentages."""
    figure = Figure(figsize=(11, 5.5), dpi=DPI, layout=LAYOUT)
    top, bottom = figure.subplots(2, 1)
    _histogram(top, analysis.turnout_histogram, "Turnout, %", "tab:blue")
    _histogram(
        bottom, analysis.share_histogram, f"{_short(analysis.leader)}, % of received", "tab:red"
    )
    return figure_data_uri(figure)


def _histogram(axes: Axes, histogram: PercentageHistogram, label: str, colour: str) -> None:
    centres = (histogram.edges[:-1] + histogram.edges[1:]) / 2.0
    axes.fill_between(centres, histogram.counts, step="mid", color=colour, linewidth=0)
    axes.set_xlim(0, 100.5)
    axes.set_xticks(np.arange(0, 101, 10))
    # A pile of stations at exactly 100% would flatten the rest; cap the axis and say so.
    inner = histogram.counts[1:-1]
    top = int(inner.max()) if inner.size else 0
    if histogram.counts[-1] > 1.5 * top > 0:
        axes.set_ylim(0, 1.15 * top)
        axes.annotate(
            f"{histogram.counts[-1]:,} at 100%",
            xy=(100, 1.1 * top),
            ha="right",
            fontsize="small",
        )
    axes.set_xlabel(f"{label} (bins of {histogram.resolution:g} point)")
    axes.set_ylabel("Stations")


def integer_plot(analysis: ForensicsAnalysis) -> str:
    """Observed integer-percentage stations against the null, with ±2 sd."""
    integer = analysis.integer
    counts: tuple[IntegerCount, ...] = (integer.any, integer.leader, integer.turnout)
    labels: tuple[str, ...] = ("turnout or leader share", "leader share", "turnout")
    if not analysis.has_turnout:
        # Without ballots issued only the leader's share is tested.
        counts, labels = (integer.leader,), ("leader share",)
    figure = Figure(figsize=(7, 2.8), dpi=DPI, layout=LAYOUT)
    axes = figure.subplots()
    y = np.arange(len(counts))
    axes.errorbar(
        [c.expected for c in counts],
        y,
        xerr=[2 * c.sd for c in counts],
        fmt="o",
        color="grey",
        capsize=4,
        label="expected ±2 sd (binomial null)",
    )
    axes.plot([c.observed for c in counts], y, "D", color="tab:red", label="observed")
    axes.set_yticks(y, labels)
    axes.invert_yaxis()
    axes.set_xlabel("Stations with an integer percentage")
    axes.legend(loc="center right", fontsize="small")
    return figure_data_uri(figure)


def digits_plot(analysis: ForensicsAnalysis) -> str:
    """Each digit statistic per option with its bootstrap interval and its own expected value.

    Red: the unadjusted p-value is under 5% (the headline adjusts it by Holm's method).
    """
    options = analysis.digits
    figure = Figure(figsize=(11, 0.45 * len(options) + 1.6), dpi=DPI, layout=LAYOUT)
    panels = figure.subplots(1, 3, sharey=True)
    y = np.arange(len(options))
    for column, axes in enumerate(panels):
        tests = [o.tests[column] for o in options]
        values = np.array([t.statistic for t in tests])
        errors = np.array(
            [[t.statistic - t.ci_low for t in tests], [t.ci_high - t.statistic for t in tests]]
        )
        colours = ["tab:red" if t.deviates else "tab:blue" for t in tests]
        for i in range(len(tests)):
            if np.isfinite(values[i]):
                axes.errorbar(
                    values[i], y[i], xerr=errors[:, i : i + 1], fmt="o", color=colours[i], capsize=3
                )
        # The expected value is each option's own (from its counts' decades), except Benford's.
        axes.plot([t.expected for t in tests], y, "|", color="grey", markersize=14)
        axes.set_title(DIGIT_TITLES[tests[0].method], fontsize="medium")
    panels[0].set_yticks(y, [_short(o.option, 32) for o in options])
    panels[0].invert_yaxis()
    return figure_data_uri(figure)


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
