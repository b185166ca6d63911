"""The forensics report: a self-contained HTML page and ``results.json``.

:func:`build_report` is the one entry point for the command line and the
web application alike.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

from pollwatch.forensics import charts
from pollwatch.forensics.analysis import (
    ForensicsAnalysis,
    OptionDigits,
    ProgressCallback,
    analyse_results,
    excluded_rows,
)
from pollwatch.forensics.interpretation import (
    DIGITS,
    DISTRIBUTION,
    FINGERPRINT,
    IDENTICAL,
    INTEGER,
    Headline,
    Reading,
    all_readings,
    areas_test,
    areas_title,
    digit_label,
    headline,
    test_title,
)
from pollwatch.forensics.results_file import (
    BadRow,
    ColumnMapping,
    ResultsFileError,
    Source,
    StationResults,
    load_results,
)
from pollwatch.lib.catalogues import current_language, gettext_noop, ngettext, writing_in
from pollwatch.lib.catalogues import gettext as _
from pollwatch.lib.numbers_in_text import percent_range, with_percent_sign
from pollwatch.lib.svg_charts import Chart
from pollwatch.stats.areas import AREA_MEASURES
from pollwatch.stats.distribution import Moments
from pollwatch.stats.integer_percentages import IntegerCount

REPORT_STEPS = ("loading results", "running tests", "drawing charts", "writing report")
#: Bad rows listed in the report (all are counted; the JSON holds them all).
BAD_ROWS_SHOWN = 200
#: Bad rows carried in the summary.
BAD_ROWS_SUMMARISED = 10
#: Areas per ranking table.
AREAS_SHOWN = 10
#: Identical-protocol groups listed.
IDENTICAL_GROUPS_SHOWN = 20
#: The heading of each ranking of areas, by the measure of :data:`AREA_MEASURES` it ranks by.
RANKED_BY = {
    "integer_z": gettext_noop(
        "Ranked by excess of integer percentages, in null standard deviations"
    ),
    "turnout": gettext_noop("Ranked by turnout (given / registered)"),
    "leader_share": gettext_noop("Ranked by leader share of received ballots"),
    "near_full_share": gettext_noop(
        "Ranked by share of stations with turnout and leader share at or above 95%"
    ),
    "correlation": gettext_noop(
        "Ranked by correlation of turnout and leader share across the area's stations"
    ),
}


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """What :func:`build_report` wrote.

    Attributes
    ----------
    html_path, json_path : Path
        The report and the figures.
    stations : int
        Stations analysed.
    rows_read : int
        Data rows in the file.
    bad_rows, excluded_rows : int
        Rows with a problem, and those of them left out of every test.
    leader : str
        The leading option.
    integer_excess, integer_z : float
        Excess of stations with an integer percentage, and in sd units.
    anomalous_tests : tuple of str
        Tests the headline flags: Holm-adjusted p-value under 5% over all the
        report's tests.
    seconds : float
        Time taken.
    first_bad_rows : tuple of BadRow
        The first rows with a problem, to show at once.
    headline : str
        The family-wise verdict in one sentence.
    not_run : tuple of str
        Tests that could not run, each with its reason.
    """

    html_path: Path
    json_path: Path
    stations: int
    rows_read: int
    bad_rows: int
    excluded_rows: int
    leader: str
    integer_excess: float
    integer_z: float
    anomalous_tests: tuple[str, ...]
    seconds: float
    first_bad_rows: tuple[BadRow, ...] = ()
    headline: str = ""
    not_run: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON values, for a task result or an API response."""
        return {
            "html_path": str(self.html_path),
            "json_path": str(self.json_path),
            "stations": self.stations,
            "rows_read": self.rows_read,
            "bad_rows": self.bad_rows,
            "excluded_rows": self.excluded_rows,
            "leader": self.leader,
            "integer_excess": self.integer_excess,
            "integer_z": self.integer_z,
            "anomalous_tests": list(self.anomalous_tests),
            "seconds": self.seconds,
            "first_bad_rows": [
                {"line": b.line, "reason": b.reason, "excluded": b.excluded}
                for b in self.first_bad_rows
            ],
            "headline": self.headline,
            "not_run": list(self.not_run),
        }


def build_report(
    source: Source,
    mapping: ColumnMapping | Mapping[str, Any] | None,
    out_dir: str | Path,
    *,
    name: str | None = None,
    area_level: int = 0,
    progress: ProgressCallback | None = None,
    language: str = "en",
) -> ReportSummary:
    """Load a results file, run every test and write ``report.html`` and ``results.json``.

    Parameters
    ----------
    source : path or file object
        CSV, XLSX or zipped CSV, one row per station.
    mapping : ColumnMapping, dict or None
        Column names (see :func:`pollwatch.forensics.results_file.load_results`).
    out_dir : path
        Directory to write into (created if missing).
    name : str, optional
        File name to show, when ``source`` is a file object.
    area_level : int
        Mapped area column for the per-area breakdown.
    progress : callable, optional
        ``progress(step, done, total)`` after each step.
    language : str
        Language the report is written in (``en``, ``ru``, ``tr``).

    Raises
    ------
    pollwatch.forensics.results_file.ResultsFileError
        When the file or the mapping cannot be used.
    """
    started = time.perf_counter()
    tell = progress or (lambda step, done, total: None)
    tell(REPORT_STEPS[0], 0, len(REPORT_STEPS))
    results = load_results(source, mapping, name=name)
    return write_report(
        results,
        out_dir,
        area_level=area_level,
        progress=tell,
        started=started,
        language=language,
    )


def write_report(
    results: StationResults,
    out_dir: str | Path,
    *,
    area_level: int = 0,
    progress: ProgressCallback | None = None,
    started: float | None = None,
    language: str = "en",
) -> ReportSummary:
    """Run every test on results already loaded and write the report; see :func:`build_report`."""
    with writing_in(language):
        return _write_report(results, out_dir, area_level, progress, started)


def _write_report(
    results: StationResults,
    out_dir: str | Path,
    area_level: int,
    progress: ProgressCallback | None,
    started: float | None,
) -> ReportSummary:
    started = time.perf_counter() if started is None else started
    tell = progress or (lambda step, done, total: None)
    total = len(REPORT_STEPS)
    _check_usable(results, area_level)
    tell(REPORT_STEPS[1], 1, total)
    analysis = analyse_results(results, area_level=area_level)
    tell(REPORT_STEPS[2], 2, total)
    found = headline(analysis)
    figures = draw_figures(analysis, found)
    tell(REPORT_STEPS[3], 3, total)
    readings = all_readings(analysis, found)
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / "results.json"
    html_path = directory / "report.html"
    figures_json = json_safe(results_json(analysis, readings, found))
    json_path.write_text(
        json.dumps(figures_json, ensure_ascii=False, indent=2, allow_nan=False), "utf-8"
    )
    html_path.write_text(render_html(analysis, readings, figures, found), "utf-8")
    tell("done", total, total)
    return ReportSummary(
        html_path=html_path,
        json_path=json_path,
        stations=results.station_count,
        rows_read=results.rows_read,
        bad_rows=len(results.bad_rows),
        excluded_rows=excluded_rows(results.bad_rows),
        leader=analysis.leader,
        integer_excess=analysis.integer.any.excess,
        integer_z=analysis.integer.any.z,
        anomalous_tests=found.flagged_tests,
        seconds=time.perf_counter() - started,
        first_bad_rows=results.bad_rows[:BAD_ROWS_SUMMARISED],
        headline=found.text,
        not_run=tuple(f"{r.test}: {r.not_run}" for r in readings if r.not_run),
    )


def _check_usable(results: StationResults, area_level: int) -> None:
    if results.station_count == 0:
        first = results.bad_rows[0] if results.bad_rows else None
        detail = f"; first: line {first.line}: {first.reason}" if first else ""
        raise ResultsFileError(f"no usable station in {results.source_name}{detail}")
    if results.mapping.areas and not 0 <= area_level < len(results.mapping.areas):
        raise ResultsFileError(
            f"area level {area_level} does not exist; the areas mapped are "
            + ", ".join(f"{i}: {name}" for i, name in enumerate(results.mapping.areas))
        )


def draw_figures(analysis: ForensicsAnalysis, found: Headline | None = None) -> dict[str, str]:
    """Every figure of the report by name: its SVG charts with their numbers as a table."""
    found = headline(analysis) if found is None else found
    return {
        "fingerprint": _figure(charts.fingerprint_charts(analysis), _fingerprint_table(analysis)),
        "histograms": _figure(charts.histogram_charts(analysis), _histogram_table(analysis)),
        "integer": _figure([charts.integer_chart(analysis)], _integer_table(analysis)),
        "digits": _figure(charts.digit_charts(analysis), _digits_table(analysis, found)),
    }


def _figure(drawn: Sequence[Chart], table: str) -> str:
    shown = "".join(
        f'<p class="chart-title" aria-hidden="true">{escape(chart.title)}</p>{chart}'
        for chart in drawn
    )
    return f'<figure class="chart-figure">{shown}{table}</figure>'


# results.json ----------------------------------------------------------------


def results_json(
    analysis: ForensicsAnalysis, readings: tuple[Reading, ...], found: Headline | None = None
) -> dict[str, Any]:
    """The report's figures as plain JSON values."""
    results = analysis.results
    integer = analysis.integer
    found = headline(analysis) if found is None else found
    counts = {"any": integer.any, "leader": integer.leader, "turnout": integer.turnout}
    if not analysis.has_turnout:
        counts = {"leader": integer.leader}
    within = analysis.within_area
    return {
        "headline": {
            "method": "holm",
            "alpha": found.alpha,
            "text": found.text,
            "flagged": list(found.flagged_tests),
            "tests": [
                {
                    "test": m.test,
                    "label": m.label,
                    "p_value": m.p_value,
                    "adjusted_p": m.adjusted_p,
                    "flagged": m.flagged,
                }
                for m in found.members
            ],
        },
        "missing_figures": list(results.missing_figures),
        "derived": list(results.mapping.derive),
        "source": results.source_name,
        "rows_read": results.rows_read,
        "stations": results.station_count,
        "registered": int(results.registered.sum()),
        "given": int(results.given.sum()),
        "received": int(results.received.sum()),
        "turnout": analysis.turnout,
        "leader": analysis.leader,
        "leader_share": analysis.leader_share,
        "options": {
            name: int(total)
            for name, total in zip(results.option_names, results.votes.sum(axis=0), strict=True)
        },
        "integer_percentages": {
            "stations_included": integer.stations_included,
            **{
                key: {name: _count_field(count, key) for name, count in counts.items()}
                for key in ("observed", "expected", "excess", "sd", "z", "p_value")
            },
        },
        "turnout_share": {
            "stations": analysis.relation.n,
            "correlation": analysis.relation.correlation,
            "correlation_ci": list(analysis.relation.correlation_ci),
            "slope": analysis.relation.slope,
            "slope_se": analysis.relation.slope_se,
            "p_value": analysis.relation.p_value,
            "within_areas": None
            if within is None
            else {
                "level": analysis.within_area_level,
                "stations": within.n,
                "areas": within.areas,
                "correlation": within.correlation,
                "slope": within.slope,
                "p_value": within.p_value,
            },
        },
        "turnout_moments": _moments(analysis.turnout_moments),
        "leader_share_moments": _moments(analysis.share_moments),
        "extreme_stations": _extremes(analysis),
        "identical_protocols": {
            "stations": analysis.identical.stations,
            "groups": [_station_refs(analysis, g) for g in analysis.identical.groups],
        },
        "digits": [_digits(option, found) for option in analysis.digits],
        "areas": _areas_json(analysis),
        "readings": [
            {
                "test": r.test,
                "anomalous": r.anomalous,
                "finding": r.finding,
                "meaning": r.meaning,
                "limits": r.limits,
                "p_value": r.p_value,
                "adjusted_p": r.adjusted_p,
                "not_run": r.not_run,
            }
            for r in readings
        ],
        "bad_rows": [
            {"line": b.line, "reason": b.reason, "excluded": b.excluded} for b in results.bad_rows
        ],
    }


def _count_field(count: IntegerCount, key: str) -> float | int:
    value = getattr(count, key)
    return value if isinstance(value, int) else float(value)


def json_safe(value: Any) -> Any:
    """Plain JSON values: numpy scalars to Python, NaN and infinities to None."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _moments(moments: Moments) -> dict[str, Any]:
    return {
        "stations": moments.n,
        "mean": moments.mean,
        "sd": moments.sd,
        "skewness": moments.skewness,
        "excess_kurtosis": moments.excess_kurtosis,
    }


def _extremes(analysis: ForensicsAnalysis) -> dict[str, Any]:
    e = analysis.extremes
    return {
        "threshold": e.threshold,
        "turnout_near": e.turnout_near,
        "leader_share_near": e.share_near,
        "both_near": e.both_near,
        "turnout_full": e.turnout_full,
        "leader_share_full": e.share_full,
        "both_full": e.both_full,
        "both_near_stations": _station_refs(analysis, e.both_near_stations),
    }


def _station_refs(analysis: ForensicsAnalysis, indices: np.ndarray) -> list[dict[str, Any]]:
    results = analysis.results
    return [
        {
            "line": int(results.lines[i]),
            "station": str(results.stations[i]),
            "areas": [str(a[i]) for a in results.areas],
        }
        for i in indices
    ]


def _digits(option: OptionDigits, found: Headline) -> dict[str, Any]:
    tests = {
        t.method: {
            "counts_used": t.counts_used,
            "statistic": t.statistic,
            "expected": t.expected,
            "sd": t.sd,
            "p_value": t.p_value,
            "adjusted_p": found.adjusted_p(digit_label(option.option, t.method)),
            "ci": [t.ci_low, t.ci_high],
            "deviates": t.deviates,
        }
        for t in option.tests
    }
    return {"option": option.option, **tests}


def _areas_json(analysis: ForensicsAnalysis) -> dict[str, Any] | None:
    areas = analysis.areas
    if areas is None:
        return None
    rows = []
    for i, name in enumerate(areas.names):
        rows.append(
            {
                "area": str(name),
                "stations": int(areas.stations[i]),
                "registered": int(areas.registered[i]),
                "turnout": float(areas.turnout[i]),
                "leader_share": float(areas.leader_share[i]),
                "integer_observed": float(areas.integer_observed[i]),
                "integer_expected": float(areas.integer_expected[i]),
                "integer_z": float(areas.integer_z[i]),
                "near_full_share": float(areas.near_full_share[i]),
                "correlation": float(areas.correlation[i]),
            }
        )
    return {"level": analysis.area_level, "rows": rows}


# report.html -------------------------------------------------------------------

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ddd;padding:.25em .6em;
text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
.reading{background:#f7f7f2;border-left:4px solid #999;
padding:.5em 1em;margin:1em 0}.anomalous{border-left-color:#c0392b}.clean{border-left-color:#27ae60}
.limits{color:#555}small{color:#666}details{margin:1em 0}caption{text-align:left;color:#555}
.chart-figure{margin:1em 0}svg.chart{max-width:100%;height:auto;display:block;
font:12px system-ui,sans-serif;margin:.5em 0}.chart-label,.chart-tick,.chart-value{fill:#1b1b1b}
.chart-empty{fill:#666;font-style:italic}.chart-grid{stroke:#ddd;stroke-width:1}
.chart-area{stroke:none}.chart-series-0{fill:#1f5fbf}.chart-interval-95,.chart-cap{fill:#1b1b1b}
.chart-interval-99,.chart-interval-expected{fill:#b8c2d1}
.chart-title{font-weight:600;margin:1em 0 0}
.chart-estimate{fill:#fff;stroke:#1b1b1b;stroke-width:2}
.chart-estimate.chart-highlight{fill:#c0392b;stroke:#c0392b}
.chart-reference{stroke:#7a7a7a;stroke-width:3}.chart-density-0{fill:#c6dbef}
.chart-density-1{fill:#9ecae1}.chart-density-2{fill:#6baed6}.chart-density-3{fill:#4292c6}
.chart-density-4{fill:#2171b5}.chart-density-5{fill:#08306b}
.chart-density{shape-rendering:crispEdges}
@media screen and (max-width:48rem){body{margin:1em auto;overflow-wrap:break-word}
table{display:block;overflow-x:auto}}
"""


def render_html(
    analysis: ForensicsAnalysis,
    readings: tuple[Reading, ...],
    figures: dict[str, str],
    found: Headline | None = None,
) -> str:
    """The self-contained report page (charts inline, no external resources)."""
    found = headline(analysis) if found is None else found
    by_test = {r.test: r for r in readings}
    parts = [
        _header(analysis),
        _headline_section(found, readings),
        _section(FINGERPRINT, figures["fingerprint"], by_test),
        _section(DISTRIBUTION, figures["histograms"], by_test),
        _section(INTEGER, figures["integer"], by_test),
        _section(DIGITS, figures["digits"], by_test),
        _section(IDENTICAL, None, by_test, _identical_table(analysis)),
        _areas_section(analysis, by_test),
        _bad_rows_section(analysis),
        "<p><small>"
        + escape(
            _(
                "Methods: Klimek, Yegorov, Hanel and Thurner (2012), PNAS 109(41); Kobak, "
                "Shpilkin and Pshenichnikov (2016), Annals of Applied Statistics 10(1); Mebane "
                "(2006); Beber and Scacco (2012), Political Analysis 20(2). Statistical "
                "anomalies are reasons to look closer, not proof of fraud."
            )
        )
        + "</small></p>",
    ]
    title = _forensics_of(analysis.results.source_name)
    return (
        f'<!DOCTYPE html><html lang="{escape(current_language())}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>"
        f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>"
    )


def _forensics_of(source_name: str) -> str:
    return escape(_("Forensics of %(file)s") % {"file": source_name})


def _percent(value: float, decimals: int) -> str:
    """A share as a percentage, the sign where the language puts it."""
    return with_percent_sign(f"{100 * value:.{decimals}f}", current_language())


def _header(analysis: ForensicsAnalysis) -> str:
    results = analysis.results
    rows = [
        (_("Stations analysed"), f"{results.station_count:,}"),
        (_("Rows in the file"), f"{results.rows_read:,}"),
        (_("Registered voters"), f"{int(results.registered.sum()):,}"),
        (
            _("Turnout (ballots issued / registered)"),
            _percent(analysis.turnout, 2) if analysis.has_turnout else _("not in the file"),
        ),
        (_("Leader"), escape(analysis.leader)),
        (_("Leader share of received ballots"), _percent(analysis.leader_share, 2)),
    ]
    if results.mapping.derive:
        rows.append((_("Derived figures"), escape(_("valid ballots = sum of the options"))))
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    generated = escape(_("Generated %(moment)s.") % {"moment": created})
    head = (_("Figure"), _("Value"))
    return (
        f"<h1>{_forensics_of(results.source_name)}</h1>"
        f"<p><small>{generated}</small></p>{_table(head, rows)}"
    )


def _section(test: str, figure: str | None, by_test: dict[str, Reading], extra: str = "") -> str:
    reading = by_test[test]
    return f"<h2>{escape(test_title(test))}</h2>{figure or ''}{extra}{_reading(reading)}"


def _headline_section(found: Headline, readings: tuple[Reading, ...]) -> str:
    not_run = [r for r in readings if r.not_run]
    skipped = (
        "<p>"
        + escape(
            _("Not run: %(tests)s.")
            % {
                "tests": "; ".join(
                    _("%(test)s (%(reason)s)")
                    % {"test": test_title(r.test), "reason": r.not_run or ""}
                    for r in not_run
                )
            }
        )
        + "</p>"
        if not_run
        else ""
    )
    explained = _(
        "Each test's own p-value is adjusted by Holm's method over every test of this report, "
        "so that on an honestly counted election the chance that the headline flags anything "
        "at all is at most %(alpha)s%%."
    ) % {"alpha": f"{100 * found.alpha:g}"}
    heading = _("Headline")
    return (
        f"<h2>{escape(heading)}</h2><p><strong>{escape(found.text)}</strong></p>"
        f"<p><small>{escape(explained)}</small></p>{skipped}"
    )


def _digits_table(analysis: ForensicsAnalysis, found: Headline) -> str:
    rows = []
    for option in analysis.digits:
        for t in option.tests:
            label = digit_label(option.option, t.method)
            q = found.adjusted_p(label)
            rows.append(
                (
                    escape(label),
                    f"{t.counts_used:,}",
                    f"{t.statistic:.3f}" if t.counts_used else "–",
                    _interval_text(t.ci_low, t.ci_high),
                    f"{t.expected:.3f}" if np.isfinite(t.expected) else "–",
                    f"{t.p_value:.2g}" if t.tested else escape(_("not tested")),
                    f"{q:.2g}" if q is not None else "–",
                )
            )
    note = _small(
        _(
            "Expected last digits are derived from each count's own decade and its neighbours "
            "(not 4.5 and 0.2 for every count); the second digit is compared with Benford's "
            "law as a description only."
        )
    )
    head = (
        _("Option (test)"),
        _("Counts"),
        _("Observed"),
        _("Bootstrap interval"),
        _("Expected"),
        "p",
        _("Holm-adjusted p"),
    )
    return _table(head, rows) + note


def _interval_text(low: float, high: float) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return "–"
    return f"{low:.3f}–{high:.3f}"


def _small(text: str) -> str:
    return f"<p><small>{escape(text)}</small></p>"


def _verdict(reading: Reading) -> str:
    if reading.not_run:
        said = _("Not run.")
    elif reading.anomalous is None:
        return ""
    elif reading.anomalous:
        # xgettext:no-python-format
        said = _("Flagged: departs from a clean election at the family-wise 5% level (Holm).")
    else:
        said = _("Not flagged: consistent with a clean election.")
    return f"<p><strong>{escape(said)}</strong></p>"


def _reading(reading: Reading) -> str:
    state = {True: "anomalous", False: "clean", None: ""}[reading.anomalous]
    cannot_prove = _("What it cannot prove:")
    return (
        f'<div class="reading {state}">{_verdict(reading)}<p>{escape(reading.finding)}</p>'
        f"<p>{escape(reading.meaning)}</p>"
        f'<p class="limits"><em>{escape(cannot_prove)}</em> '
        f"{escape(reading.limits)}</p></div>"
    )


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], caption: str = "") -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _band_labels(bands: int, width: int = 10) -> list[str]:
    language = current_language()
    return [percent_range(str(width * i), str(width * (i + 1)), language) for i in range(bands)]


def _fingerprint_table(analysis: ForensicsAnalysis) -> str:
    """The fingerprint's stations in bands of ten points, the chart's numbers coarsened
    so that a table of them can be read."""
    bands = charts.fingerprint_bands(analysis.fingerprint.stations)
    labels = _band_labels(len(bands))
    rows = [
        (label, *(f"{count:,}" for count in counts))
        for label, counts in zip(labels, bands, strict=True)
        if any(counts)
    ]
    table = _table(
        (_("Turnout \\ leader share"), *labels),
        rows,
        _(
            "Stations by turnout (rows) and %(leader)s's share (columns), %(stations)s stations "
            "with 100 or more registered voters"
        )
        % {"leader": analysis.leader, "stations": f"{analysis.fingerprint.stations_used:,}"},
    )
    return _in_bands(table)


def _in_bands(table: str) -> str:
    summary = escape(_("The numbers, in bands of ten points"))
    return f"<details><summary>{summary}</summary>{table}</details>"


def _histogram_table(analysis: ForensicsAnalysis) -> str:
    turnout = charts.percent_bands(analysis.turnout_histogram)
    share = charts.percent_bands(analysis.share_histogram)
    labels = _band_labels(len(turnout))
    labels[-1] = _("%(band)s (with 100%%)") % {"band": labels[-1]}
    rows = [(label, f"{t:,}", f"{s:,}") for label, t, s in zip(labels, turnout, share, strict=True)]
    table = _table(
        (_("Band"), _("Stations by turnout"), _("Stations by leader share")),
        rows,
        _(
            "Stations in bands of ten points, of the %(stations)s stations with 100 or more "
            "registered voters"
        )
        % {"stations": f"{sum(turnout):,}"},
    )
    return _in_bands(table)


def _integer_table(analysis: ForensicsAnalysis) -> str:
    integer = analysis.integer
    rows = [
        (
            escape(label),
            f"{c.observed:,}",
            f"{c.expected:,.1f}",
            f"{c.excess:+,.1f}",
            f"{c.sd:,.1f}",
            f"{c.z:+.1f}",
        )
        for label, c in charts.integer_counts(analysis)
    ]
    note = _small(
        ngettext(
            "%(stations)s station passes the filter (received ballots above 0, at least 100 "
            "registered voters, turnout and leader share at most 99%%). Expected values and sd "
            "are exact under the binomial null.",
            "%(stations)s stations pass the filter (received ballots above 0, at least 100 "
            "registered voters, turnout and leader share at most 99%%). Expected values and sd "
            "are exact under the binomial null.",
            integer.stations_included,
        )
        % {"stations": f"{integer.stations_included:,}"}
    )
    head = (_("Integer"), _("Observed"), _("Expected"), _("Excess"), "sd", "z")
    return _table(head, rows) + note


def _identical_table(analysis: ForensicsAnalysis) -> str:
    """The groups of identical protocols with the most votes first: those are the least
    likely to coincide by chance."""
    results = analysis.results
    votes = results.votes.sum(axis=1)
    groups = sorted(analysis.identical.groups, key=lambda g: -int(votes[g[0]]))
    rows = []
    for group in groups[:IDENTICAL_GROUPS_SHOWN]:
        stations = ", ".join(
            escape(" / ".join([*(str(a[i]) for a in results.areas), str(results.stations[i])]))
            + " "
            + escape(_("(line %(line)s)") % {"line": results.lines[i]})
            for i in group[:6]
        )
        more = (
            " " + escape(_("and %(count)s more") % {"count": group.size - 6})
            if group.size > 6
            else ""
        )
        rows.append((f"{votes[group[0]]:,}", f"{group.size}", stations + more))
    if not rows:
        return ""
    return _table((_("Votes per station"), _("Stations"), _("Which")), rows)


def _areas_section(analysis: ForensicsAnalysis, by_test: dict[str, Reading]) -> str:
    areas = analysis.areas
    if areas is None:
        return ""
    head = (
        _("Area"),
        _("Stations"),
        _("Turnout"),
        _("Leader share"),
        _("Integer excess (sd)"),
        _("≥95%/95% stations"),
        _("Turnout–share r"),
    )

    def row(i: int) -> tuple[str, ...]:
        return (
            escape(str(areas.names[i])),
            f"{areas.stations[i]:,}",
            _percent(areas.turnout[i], 1),
            _percent(areas.leader_share[i], 1),
            f"{areas.integer_z[i]:+.1f}",
            _percent(areas.near_full_share[i], 1),
            "–" if np.isnan(areas.correlation[i]) else f"{areas.correlation[i]:+.2f}",
        )

    rankings = "".join(
        f"<h3>{escape(_(RANKED_BY[measure]))}</h3>"
        + _table(head, [row(i) for i in areas.ranking(measure)[:AREAS_SHOWN]])
        for measure in AREA_MEASURES
    )
    everything = _table(head, [row(i) for i in range(areas.names.size)])
    reading = by_test[areas_test(analysis.area_level)]
    every_area = ngettext("All %(count)s area", "All %(count)s areas", areas.names.size) % {
        "count": f"{areas.names.size:,}"
    }
    return (
        f"<h2>{escape(areas_title(analysis.area_level))}</h2>{_reading(reading)}{rankings}"
        f"<details><summary>{escape(every_area)}</summary>{everything}</details>"
    )


def _bad_rows_section(analysis: ForensicsAnalysis) -> str:
    bad = analysis.results.bad_rows
    heading = "<h2>" + escape(_("Data problems")) + "</h2>"
    if not bad:
        return (
            heading
            + "<p>"
            + escape(_("No row had missing, negative or impossible figures."))
            + "</p>"
        )
    excluded = excluded_rows(bad)
    rows = [
        (f"{b.line}", escape(b.reason), escape(_("left out") if b.excluded else _("kept")))
        for b in bad[:BAD_ROWS_SHOWN]
    ]
    more = (
        "<p>"
        + escape(
            _("… and %(count)s more in results.json.") % {"count": f"{len(bad) - BAD_ROWS_SHOWN:,}"}
        )
        + "</p>"
        if len(bad) > BAD_ROWS_SHOWN
        else ""
    )
    problems = ngettext(
        "%(bad)s row has a problem; %(excluded)s could not be used at all and are left out of "
        "every test. Rows with impossible but readable figures are kept, and each test's own "
        "filter applies (the integer-percentage test drops stations with more ballots issued "
        "than registered voters).",
        "%(bad)s rows have a problem; %(excluded)s could not be used at all and are left out of "
        "every test. Rows with impossible but readable figures are kept, and each test's own "
        "filter applies (the integer-percentage test drops stations with more ballots issued "
        "than registered voters).",
        len(bad),
    ) % {"bad": f"{len(bad):,}", "excluded": f"{excluded:,}"}
    return (
        heading
        + f"<p>{escape(problems)}</p>"
        + _table((_("Line"), _("Problem"), _("Row")), rows)
        + more
    )
