"""``pollwatch pvt estimate``: a parallel vote tabulation from plain CSV files.

Works on files only and never touches the database::

    pollwatch pvt estimate TALLIES.csv --options A,B --valid valid \\
        [--stratum region] [--frame FRAME.csv --frame-stratum region] \\
        [--weight weight] [--confidence 0.95] [--official A=0.52,B=0.41] [--json OUT.json]

With ``--weight`` each station counts with its design weight ``1/π`` (the
``weight`` column ``pollwatch sample draw`` writes), which a sample drawn with
probability proportional to size needs; see ``docs/pvt.md``.
"""

from __future__ import annotations

import json
import math
from argparse import ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pollwatch.findings.tally_files import (
    Tallies,
    TallyFileError,
    match_frame,
    read_frame,
    read_tallies,
)
from pollwatch.stats.pvt import VARIANCE_METHODS, PVTEstimate, estimate_shares
from pollwatch.stats.stratified import (
    DesignWeights,
    design_weights,
    weights_vary_within_strata,
)


def column_list(text: str) -> list[str]:
    """Parse ``A,B,C`` into column names."""
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise ArgumentTypeError(f"empty column name in {text!r}")
    return names


def confidence_level(text: str) -> float:
    """Parse a confidence level, a fraction strictly between 0 and 1."""
    try:
        level = float(text)
    except ValueError:
        raise ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 < level < 1.0:
        raise ArgumentTypeError(f"must lie strictly between 0 and 1 (e.g. 0.95), got {text}")
    return level


def official_shares(text: str) -> dict[str, float]:
    """Parse ``NAME=SHARE,...``; a share is a fraction (0.52) or a percentage (52%)."""
    shares: dict[str, float] = {}
    for item in text.split(","):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ArgumentTypeError(f"expected NAME=SHARE, got {item!r}")
        shares[name.strip()] = _share_value(value.strip(), item)
    return shares


def _share_value(value: str, item: str) -> float:
    try:
        share = float(value.removesuffix("%")) / (100.0 if value.endswith("%") else 1.0)
    except ValueError:
        raise ArgumentTypeError(f"not a share: {item!r}") from None
    if not (math.isfinite(share) and 0.0 <= share <= 1.0):
        raise ArgumentTypeError(f"a share lies between 0 and 1 (or 0% and 100%): {item!r}")
    return share


class Command(BaseCommand):
    help = "Parallel vote tabulation from CSV files: estimate vote shares with margins of error."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        estimate = actions.add_parser(
            "estimate",
            help="estimate each option's share of the valid votes from reporting stations",
        )
        estimate.add_argument(
            "tallies", type=Path, metavar="TALLIES.csv", help="CSV, one row per reporting station"
        )
        estimate.add_argument(
            "--options",
            type=column_list,
            required=True,
            metavar="COL[,COL...]",
            help="columns with the votes for each option",
        )
        estimate.add_argument("--valid", required=True, metavar="COL", help="valid votes column")
        estimate.add_argument("--stratum", metavar="COL", help="stratum column of the tallies")
        estimate.add_argument(
            "--weight",
            metavar="COL",
            help="design weight column (1/π, as `pollwatch sample draw` writes); "
            "needed for a sample drawn with probability proportional to size",
        )
        estimate.add_argument(
            "--frame", type=Path, metavar="FRAME.csv", help="CSV listing every station"
        )
        estimate.add_argument(
            "--frame-stratum",
            metavar="COL",
            help="stratum column of the frame (default: the --stratum name)",
        )
        estimate.add_argument(
            "--confidence",
            type=confidence_level,
            default=0.95,
            metavar="LEVEL",
            help="confidence level of the intervals (default 0.95)",
        )
        estimate.add_argument(
            "--official",
            type=official_shares,
            metavar="NAME=SHARE,...",
            help="official shares to compare, as fractions (0.52) or percentages (52%%)",
        )
        estimate.add_argument("--json", type=Path, metavar="OUT.json", help="write the result")
        estimate.add_argument(
            "--method",
            choices=VARIANCE_METHODS,
            default="linearization",
            help="variance estimator (default linearization)",
        )
        estimate.add_argument(
            "--replicates", type=int, default=1000, metavar="N", help="bootstrap replicates"
        )
        estimate.add_argument("--seed", type=int, default=None, help="bootstrap random seed")

    def handle(self, *args: Any, **options: Any) -> None:
        self._check_arguments(options)
        tallies, frame = self._read_files(options)
        try:
            weighting = _weighting(tallies, frame)
            estimate = estimate_shares(
                tallies.votes,
                tallies.valid,
                tallies.options,
                strata=tallies.strata,
                frame_sizes=frame,
                weights=weighting.weights if weighting else None,
                method=options["method"],
                replicates=options["replicates"],
                seed=options["seed"],
                with_replacement=weighting.with_replacement if weighting else False,
                certain=weighting.certain if weighting else None,
            )
        except ValueError as error:  # e.g. no valid votes in any usable row
            raise CommandError(str(error)) from None
        self._report_left_out(tallies, estimate)
        result = estimate_document(estimate, tallies, options["confidence"], options["official"])
        result["weight"] = options["weight"]
        self.stdout.write(estimate_table(result, estimate))
        if options["json"] is not None:
            self._write_json(options["json"], result)

    def _read_files(self, options: dict[str, Any]) -> tuple[Tallies, dict[str, int] | None]:
        try:
            tallies = read_tallies(
                options["tallies"],
                options["options"],
                options["valid"],
                options["stratum"],
                options["weight"],
            )
            if options["frame"] is None:
                return tallies, None
            frame = read_frame(options["frame"], options["frame_stratum"])
            return match_frame(tallies, frame), frame
        except TallyFileError as error:
            raise CommandError(str(error)) from None

    def _check_arguments(self, options: dict[str, Any]) -> None:
        if options["frame_stratum"] and options["frame"] is None:
            raise CommandError("--frame-stratum needs --frame")
        if options["frame"] is not None and options["stratum"] and not options["frame_stratum"]:
            options["frame_stratum"] = options["stratum"]
        if options["frame_stratum"] and not options["stratum"]:
            raise CommandError("--frame-stratum needs --stratum for the tallies")
        unknown = sorted(set(options["official"] or {}) - set(options["options"]))
        if unknown:
            raise CommandError(
                f"--official names options that are not estimated: {', '.join(unknown)}"
            )
        if options["replicates"] < 2:
            raise CommandError("--replicates must be at least 2")

    def _report_left_out(self, tallies: Tallies, estimate: PVTEstimate) -> None:
        for row in tallies.rejected:
            self.stderr.write(f"line {row.line}: {row.reason}; left out")
        if estimate.uncovered_strata:
            self.stderr.write(
                "no reporting station in strata "
                f"{', '.join(estimate.uncovered_strata)}: the estimate covers the other strata"
            )
        if estimate.single_station_strata:
            self.stderr.write(
                "one reporting station only in strata "
                f"{', '.join(estimate.single_station_strata)}: their variance is approximated"
            )

    def _write_json(self, path: Path, result: dict[str, Any]) -> None:
        try:
            path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {path}: {error.strerror}") from None


def _weighting(tallies: Tallies, frame: dict[str, int] | None) -> DesignWeights | None:
    """The stations' weights ``1/π``; equal ones are scaled to the frame's strata.

    Equal weights within strata scaled to ``N_h`` are ``N_h / n_h`` of the
    reporting stations, exactly the estimate without ``--weight``. Weights of
    a PPS draw are used as given: scaling them to ``N_h`` would make the
    estimate less precise, and the file does not say which drawn stations
    did not report.
    """
    if tallies.weights is None:
        return None
    if weights_vary_within_strata(tallies.weights, tallies.strata):
        frame = None
    return design_weights(tallies.weights, tallies.strata, frame)


def estimate_document(
    estimate: PVTEstimate,
    tallies: Tallies,
    confidence: float,
    official: dict[str, float] | None,
) -> dict[str, Any]:
    """The JSON result: stations used, estimates, comparison, rows left out."""
    estimates = {}
    for share in estimate.shares:
        low, high = share.interval(confidence)
        estimates[share.name] = {
            "share": share.value,
            "low": low,
            "high": high,
            "moe": share.margin(confidence),
        }
    comparison = {
        name: {
            "official": value,
            "inside_interval": estimate.share(name).contains(value, confidence),
        }
        for name, value in (official or {}).items()
    }
    return {
        "stations": estimate.stations,
        "confidence": confidence,
        "method": estimate.method,
        "variance": "with replacement" if estimate.with_replacement else "without replacement",
        "estimates": estimates,
        "comparison": comparison,
        "left_out": [{"line": row.line, "reason": row.reason} for row in tallies.rejected],
    }


def estimate_table(result: dict[str, Any], estimate: PVTEstimate) -> str:
    """A plain-text table of the estimates, for the terminal."""
    level = f"{result['confidence'] * 100:g}%"
    left_out = len(result["left_out"])
    weighted = ", weighted 1/π" if result.get("weight") else ""
    approximation = " (with-replacement approximation)" if estimate.with_replacement else ""
    lines = [
        f"PVT estimate from {result['stations']} stations in {estimate.strata} strata"
        f" ({left_out} rows left out); stratified ratio estimator{weighted},"
        f" {estimate.method}{approximation}; {level} intervals; shares of valid votes",
        "",
    ]
    width = max(len("option"), *(len(name) for name in result["estimates"]))
    heading = f"{'option':<{width}}  {'share':>7}  {'low':>7}  {'high':>7}  {'margin':>6}"
    rows = []
    for name, figures in result["estimates"].items():
        row = (
            f"{name:<{width}}  {_percent(figures['share'])}  {_percent(figures['low'])}"
            f"  {_percent(figures['high'])}  {figures['moe'] * 100:6.2f}"
        )
        if name in result["comparison"]:
            compared = result["comparison"][name]
            verdict = "inside" if compared["inside_interval"] else "OUTSIDE the interval"
            row += f"  official {_percent(compared['official'])} {verdict}"
        rows.append(row)
    return "\n".join([*lines, heading, *rows])


def _percent(share: float) -> str:
    return f"{share * 100:6.2f}%"
