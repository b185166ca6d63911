"""``pollwatch sample``: draw a sample from a CSV frame and size a quick count.

Works on plain files only and never touches the database::

    pollwatch sample draw FRAME.csv --size 1000 --stratum region --seed 20261124 --out SAMPLE.csv
    pollwatch sample draw FRAME.csv --size 1000 --stratum region \
        --size-classes registered:500,1500 \
        --pps registered --reserve 3 --reserve-out RESERVE.csv --seed 20261124 --out SAMPLE.csv
    pollwatch sample size --moe 0.01 --confidence 0.99 --population 14570774 --station-size 500
    pollwatch sample margin --stations 1000 --station-size 500 --turnout 0.6
"""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

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
from pollwatch.stats.sample_size import margin_of_error_for_stations, sample_size
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
        size.add_argument("--heterogeneity", type=_share, default=0.5, help="expected share p")
        size.add_argument("--z", type=_positive_float, help="normal quantile (2.58 in NDI tables)")
        size.add_argument("--station-size", type=_positive_float, help="voters per station")
        size.add_argument("--turnout", type=_rate, default=1.0)
        size.add_argument("--response", type=_rate, default=1.0, help="share expected to report")

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
        corrected = options["turnout"] != 1.0 or options["response"] != 1.0
        if corrected and options["station_size"] is None:
            raise CommandError("--turnout and --response apply to stations: add --station-size")
        result = sample_size(
            options["moe"],
            options["confidence"],
            population=options["population"],
            heterogeneity=options["heterogeneity"],
            z=options["z"],
            station_size=options["station_size"],
            turnout=options["turnout"],
            response_rate=options["response"],
        )
        self.stdout.write(
            f"Margin of error ±{result.moe:.2%} at {result.confidence:.0%} confidence "
            f"(z = {result.z:.4f}), p = {result.heterogeneity:g}: "
            f"{result.voters:,.0f} voters."
        )
        if result.stations is not None:
            self.stdout.write(
                f"At {result.station_size:,g} registered voters per station, turnout "
                f"{result.turnout:.0%} and {result.response_rate:.0%} of sample points "
                f"reporting: {result.stations:,} stations."
            )

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
