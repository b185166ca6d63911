"""``pollwatch sample``: draw a sample from a CSV frame and size a quick count.

Works on plain files only and never touches the database::

    pollwatch sample draw FRAME.csv --size 1000 --stratum region --seed 20261124 --out SAMPLE.csv
    pollwatch sample draw FRAME.csv --size 1000 --stratum region \
        --size-classes registered:500,1500 \
        --pps registered --reserve 3 --reserve-out RESERVE.csv --seed 20261124 --out SAMPLE.csv
    pollwatch sample size --moe 0.01 --confidence 0.99 --population 14570774 --station-size 500
    pollwatch sample size --moe 0.01 --confidence 0.99 --prior LAST-ELECTION.csv \
        --stratum region --json SIZE.json
    pollwatch sample margin --stations 1000 --station-size 500 --turnout 0.6
"""

from __future__ import annotations

import json
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pollwatch.deployment.prior_plan import (
    Prior,
    PriorColumnsError,
    PriorFileError,
    load_prior,
    prior_plan_json,
)
from pollwatch.deployment.sample_csv import (
    ADDED_COLUMNS,
    RESERVE_COLUMNS,
    CsvFrame,
    FrameError,
    check_added_columns,
    read_frame,
    write_reserve,
    write_sample,
)
from pollwatch.forensics.results_file import ResultsFileError, read_mapping_toml
from pollwatch.stats.design_effect import StationSamplePlan, describe_strata
from pollwatch.stats.sample_size import SampleSize, margin_of_error_for_stations, sample_size
from pollwatch.stats.sampling import (
    ALLOCATIONS,
    SampleDesign,
    combine_strata,
    draw_sample,
    size_classes,
)


def _positive_int(text: str) -> int:
    value = _int(text)
    if value < 1:
        raise ArgumentTypeError(f"must be at least 1, not {text}")
    return value


def _non_negative_int(text: str) -> int:
    value = _int(text)
    if value < 0:
        raise ArgumentTypeError(f"cannot be negative, not {text}")
    return value


def _share(text: str) -> float:
    value = _float(text)
    if not 0 < value < 1:
        raise ArgumentTypeError(f"must lie strictly between 0 and 1, not {text}")
    return value


def _rate(text: str) -> float:
    value = _float(text)
    if not 0 < value <= 1:
        raise ArgumentTypeError(f"must lie in (0, 1], not {text}")
    return value


def _positive_float(text: str) -> float:
    value = _float(text)
    if not value > 0:
        raise ArgumentTypeError(f"must be positive, not {text}")
    return value


def _size_classes(text: str) -> tuple[str, tuple[float, ...]]:
    column, separator, bounds = text.rpartition(":")
    if not separator or not column:
        raise ArgumentTypeError(
            f"expected COLUMN:BOUND,BOUND,... such as registered:500,1000, not {text!r}"
        )
    values = tuple(_float(bound) for bound in bounds.split(","))
    if any(high <= low for low, high in zip(values, values[1:], strict=False)):
        raise ArgumentTypeError(f"size-class bounds must increase: {bounds}")
    return column, values


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ArgumentTypeError(f"not a whole number: {text!r}") from None


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ArgumentTypeError(f"not a number: {text!r}") from None


class Command(BaseCommand):
    help = "Draw a probability sample of polling stations from a CSV frame; size a quick count."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        self._add_draw(actions.add_parser("draw", help="draw a sample from FRAME.csv"))
        self._add_size(actions.add_parser("size", help="sample size for a margin of error"))
        self._add_margin(actions.add_parser("margin", help="margin of error of a sample"))

    def _add_draw(self, draw: ArgumentParser) -> None:
        draw.add_argument("frame", type=Path, help="CSV file, one row per station, with a header")
        draw.add_argument("--size", type=_positive_int, required=True, help="stations to sample")
        draw.add_argument("--seed", type=_non_negative_int, required=True, help="random seed")
        draw.add_argument("--out", type=Path, required=True, help="CSV file for the sample")
        draw.add_argument(
            "--stratum",
            action="append",
            default=[],
            metavar="COLUMN",
            help="stratify by this column (repeat for several: strata are their combinations)",
        )
        draw.add_argument(
            "--size-classes",
            type=_size_classes,
            metavar="COLUMN:BOUNDS",
            help="also stratify by size class of a numeric column, e.g. registered:500,1000,2000",
        )
        draw.add_argument("--allocation", choices=ALLOCATIONS, default="proportional")
        draw.add_argument(
            "--minimum", type=_non_negative_int, default=0, help="least stations per stratum"
        )
        draw.add_argument(
            "--pps", metavar="COLUMN", help="sample with probability proportional to this column"
        )
        draw.add_argument(
            "--neyman-variable",
            metavar="COLUMN",
            help="for Neyman allocation: column whose spread within each stratum sets its share "
            "(registered voters, or a share from the last election)",
        )
        draw.add_argument(
            "--reserve", type=_non_negative_int, default=0, help="reserve stations per stratum"
        )
        draw.add_argument("--reserve-out", type=Path, help="CSV file for the reserve list")

    def _add_size(self, size: ArgumentParser) -> None:
        size.add_argument("--moe", type=_share, required=True, help="margin of error, e.g. 0.01")
        size.add_argument("--confidence", type=_share, default=0.99)
        size.add_argument("--population", type=_positive_int, help="registered voters")
        size.add_argument("--heterogeneity", type=_share, help="expected share p (default 0.5)")
        size.add_argument("--z", type=_positive_float, help="normal quantile (2.58 in NDI tables)")
        size.add_argument("--station-size", type=_positive_float, help="voters per station")
        size.add_argument("--turnout", type=_rate, help="expected turnout (default 1)")
        size.add_argument("--response", type=_rate, default=1.0, help="share expected to report")
        size.add_argument(
            "--deff",
            type=_positive_float,
            metavar="D",
            help="design effect of the station sample (Kish); estimate it with --prior",
        )
        size.add_argument(
            "--prior",
            type=Path,
            metavar="FILE",
            help="a previous election's per-station results (CSV, XLSX or zipped CSV): "
            "gives the design effect and the stations needed",
        )
        size.add_argument(
            "--map",
            type=Path,
            metavar="FILE.toml",
            help="TOML file naming the prior's columns, as for 'pollwatch forensics report'",
        )
        size.add_argument(
            "--option", metavar="NAME", help="option whose share is planned for (default: leader)"
        )
        size.add_argument("--stratum", metavar="COLUMN", help="prior column holding the strata")
        size.add_argument(
            "--allocation", choices=ALLOCATIONS, help="how strata share the sample (proportional)"
        )
        size.add_argument("--minimum", type=_positive_int, help="least stations per stratum (1)")
        size.add_argument("--json", type=Path, metavar="OUT.json", help="also write the result")

    def _add_margin(self, margin: ArgumentParser) -> None:
        margin.add_argument("--stations", type=_positive_int, required=True)
        margin.add_argument("--station-size", type=_positive_float, required=True)
        margin.add_argument("--confidence", type=_share, default=0.99)
        margin.add_argument("--heterogeneity", type=_share, default=0.5)
        margin.add_argument("--turnout", type=_rate, default=1.0)
        margin.add_argument("--response", type=_rate, default=1.0)
        margin.add_argument("--population", type=_positive_int, help="registered voters")
        margin.add_argument("--population-stations", type=_positive_int)

    def handle(self, *args: Any, **options: Any) -> None:
        handlers = {"draw": self.draw, "size": self.size, "margin": self.margin}
        try:
            handlers[options["action"]](options)
        except (FrameError, ValueError) as error:
            raise CommandError(str(error)) from error

    def draw(self, options: dict[str, Any]) -> None:
        if options["reserve"] and not options["reserve_out"]:
            raise CommandError("--reserve needs --reserve-out FILE for the reserve list")
        design = _design(options)
        frame = read_frame(options["frame"])
        added = ADDED_COLUMNS + (RESERVE_COLUMNS if options["reserve_out"] else ())
        check_added_columns(frame, added)
        draw = draw_sample(
            design,
            len(frame.rows),
            strata=_strata(frame, options["stratum"], options["size_classes"]),
            sizes=frame.number_column(design.pps_by, positive=True) if design.pps_by else None,
            neyman_values=_neyman_values(frame, design),
        )
        written = write_sample(options["out"], frame, draw)
        self.stdout.write(draw.describe())
        self.stdout.write(f"Wrote {written:,} stations to {options['out']}.")
        if options["reserve_out"]:
            reserved = write_reserve(options["reserve_out"], frame, draw)
            self.stdout.write(f"Wrote {reserved:,} reserve stations to {options['reserve_out']}.")

    def size(self, options: dict[str, Any]) -> None:
        if options["prior"] is not None:
            self._size_from_prior(options)
        else:
            self._size_from_formula(options)

    def _size_from_formula(self, options: dict[str, Any]) -> None:
        _refuse(options, PRIOR_ONLY, "only apply with --prior FILE")
        turnout = 1.0 if options["turnout"] is None else options["turnout"]
        corrected = turnout != 1.0 or options["response"] != 1.0
        if corrected and options["station_size"] is None:
            raise CommandError("--turnout and --response apply to stations: add --station-size")
        deff = options["deff"]
        result = sample_size(
            options["moe"],
            options["confidence"],
            population=options["population"],
            heterogeneity=0.5 if options["heterogeneity"] is None else options["heterogeneity"],
            z=options["z"],
            station_size=options["station_size"],
            turnout=turnout,
            response_rate=options["response"],
            design_effect=1.0 if deff is None else deff,
        )
        self.stdout.write(
            f"Margin of error ±{result.moe:.2%} at {result.confidence:.0%} confidence "
            f"(z = {result.z:.4f}), p = {result.heterogeneity:g}"
            + ("" if deff is None else f", design effect {deff:g}")
            + f": {result.voters:,.0f} voters."
        )
        if result.stations is not None:
            self.stdout.write(
                f"At {result.station_size:,g} registered voters per station, turnout "
                f"{result.turnout:.0%} and {result.response_rate:.0%} of sample points "
                f"reporting: {result.stations:,} stations."
            )
        if deff is None:
            self.stdout.write(ASSUMED_DEFF_WARNING)
        if options["json"]:
            source = "assumed" if deff is None else "given"
            self._write_json(options["json"], _formula_json(result, source))

    def _size_from_prior(self, options: dict[str, Any]) -> None:
        _refuse(options, FORMULA_ONLY, "do not apply with --prior (the prior gives them)")
        if options["minimum"] is not None and not options["stratum"]:
            raise CommandError("--minimum needs --stratum COLUMN")
        try:
            prior = load_prior(
                options["prior"],
                _prior_mapping(options["map"]),
                option=options["option"],
                stratum=options["stratum"],
            )
            plan = prior.plan(
                options["moe"],
                options["confidence"],
                allocation=options["allocation"] or "proportional",
                minimum=options["minimum"] or 1,
                response_rate=options["response"],
            )
        except PriorColumnsError as error:
            raise CommandError(f"{options['prior']}: {error}. {MAP_ONLY}") from error
        except PriorFileError as error:
            raise CommandError(f"{options['prior']}: {error}") from error
        for line in describe_prior_plan(prior, plan):
            self.stdout.write(line)
        if options["json"]:
            self._write_json(options["json"], prior_plan_json(prior, plan))

    def _write_json(self, path: Path, values: dict[str, Any]) -> None:
        try:
            path.write_text(json.dumps(values, ensure_ascii=False, indent=2) + "\n", "utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {path}: {error.strerror}") from error
        self.stdout.write(f"Wrote {path}.")

    def margin(self, options: dict[str, Any]) -> None:
        result = margin_of_error_for_stations(
            options["stations"],
            options["station_size"],
            options["confidence"],
            turnout=options["turnout"],
            response_rate=options["response"],
            heterogeneity=options["heterogeneity"],
            population_voters=options["population"],
            population_stations=options["population_stations"],
        )
        self.stdout.write(
            f"{result.stations:,.0f} reporting stations, about {result.voters:,.0f} voters: "
            f"margin of error between ±{result.voter_based:.2%} (voters drawn one by one) and "
            f"±{result.station_based:.2%} (stations as single observations) at "
            f"{options['confidence']:.0%} confidence."
        )


#: ``size`` options that need --prior, and those the prior replaces.
PRIOR_ONLY = ("map", "option", "stratum", "allocation", "minimum")
FORMULA_ONLY = ("deff", "population", "heterogeneity", "z", "station_size", "turnout")

ASSUMED_DEFF_WARNING = (
    "This assumes a design effect of 1, as if voters were drawn one by one. A sample of "
    "whole polling stations has a far larger one (20 to 44 for the two leading candidates' "
    "shares in Russia's 2018 per-station results, stratified or not; over 100 in 2011), so "
    "it needs many times more stations: give --deff D, or a previous election's per-station "
    "results with --prior FILE."
)
#: Strata listed one by one in the terminal; more are only counted (--json lists them).
STRATA_SHOWN = 20
MAP_ONLY = (
    "Here the columns are named only in the --map FILE.toml (the same file as for "
    "'pollwatch forensics report'); --option chooses the share to plan for."
)


def _refuse(options: dict[str, Any], names: tuple[str, ...], reason: str) -> None:
    given = [f"--{name.replace('_', '-')}" for name in names if options[name] is not None]
    if given:
        raise CommandError(f"{', '.join(given)} {reason}")


def _prior_mapping(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        return read_mapping_toml(path)
    except ResultsFileError as error:
        raise CommandError(f"{path}: {error}") from error


def describe_prior_plan(prior: Prior, plan: StationSamplePlan) -> list[str]:
    """The plan in a few sentences, for the terminal."""
    lines = [
        f"Prior results {prior.source_name}: {plan.population_stations:,} stations"
        + (f" ({prior.rows_left_out:,} unusable rows left out)" if prior.rows_left_out else "")
        + f"; {prior.option} had {plan.share:.2%} of valid votes.",
        f"Design effect (Kish) of a station sample for this share: {plan.design_effect:.1f}. "
        f"{plan.reporting:,} stations (about {plan.reporting * plan.mean_valid:,.0f} valid "
        f"votes) are as precise as {plan.voters_equivalent:,.0f} votes drawn one by one.",
        f"Margin of error ±{plan.moe:.2%} at {plan.confidence:.0%} confidence "
        f"(z = {plan.z:.4f}): {plan.reporting:,} reporting stations "
        f"(expected margin ±{plan.expected_moe:.3%}).",
    ]
    if plan.response_rate < 1:
        lines.append(
            f"With {plan.response_rate:.0%} of sample points reporting: "
            f"{plan.stations:,} stations to sample."
        )
    if plan.strata:
        lines.append(_strata_sentence(prior, plan))
    return lines


def _strata_sentence(prior: Prior, plan: StationSamplePlan) -> str:
    opening = (
        f"Stratified by {prior.stratum_column}, {plan.allocation} allocation of "
        f"{plan.stations:,} stations over {len(plan.strata):,} strata"
    )
    if len(plan.strata) <= STRATA_SHOWN:
        return f"{opening}: {describe_strata(plan.strata)}."
    return f"{opening} (--json lists each stratum)."


def _formula_json(result: SampleSize, source: str) -> dict[str, Any]:
    return {
        "stations": result.stations,
        "design_effect": result.design_effect,
        "design_effect_source": source,
        "moe": result.moe,
        "confidence": result.confidence,
        "z": result.z,
        "voters": result.voters,
        "heterogeneity": result.heterogeneity,
        "population": result.population,
        "station_size": result.station_size,
        "turnout": result.turnout,
        "response_rate": result.response_rate,
    }


def _design(options: dict[str, Any]) -> SampleDesign:
    strata = tuple(options["stratum"])
    if options["size_classes"]:
        strata += (f"size class of {options['size_classes'][0]}",)
    if not strata and (options["allocation"] != "proportional" or options["minimum"]):
        raise CommandError("--allocation and --minimum need --stratum COLUMN")
    if options["allocation"] == "neyman" and not options["neyman_variable"]:
        raise CommandError("--allocation neyman needs --neyman-variable COLUMN")
    if options["neyman_variable"] and options["allocation"] != "neyman":
        raise CommandError("--neyman-variable only applies to --allocation neyman")
    return SampleDesign(
        size=options["size"],
        seed=options["seed"],
        stratified_by=strata,
        allocation=options["allocation"],
        minimum_per_stratum=options["minimum"],
        pps_by=options["pps"],
        neyman_by=options["neyman_variable"],
        reserve_per_stratum=options["reserve"],
    )


def _strata(
    frame: CsvFrame, columns: list[str], classes: tuple[str, tuple[float, ...]] | None
) -> list[str] | None:
    values: list[Any] = [frame.text_column(column) for column in columns]
    if classes:
        column, bounds = classes
        values.append(size_classes(frame.number_column(column), bounds))
    return list(combine_strata(values)) if values else None


def _neyman_values(frame: CsvFrame, design: SampleDesign) -> Any:
    if design.neyman_by is None:
        return None
    return frame.number_column(design.neyman_by)
