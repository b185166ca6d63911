"""``pollwatch forensics report RESULTS.csv [--map FILE.toml] --out DIR``.

Works on plain files; it never touches the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from pollwatch.forensics.report import build_report
from pollwatch.forensics.results_file import ResultsFileError, read_mapping_toml

#: Command-line options that name columns, and the mapping key each fills.
COLUMN_OPTIONS = {
    "registered": "registered",
    "given": "given",
    "valid": "valid",
    "invalid": "invalid",
    "option": "options",
    "area": "areas",
    "station": "station",
}


class Command(BaseCommand):
    help = "Statistical tests of manipulation on official per-station results."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        report = actions.add_parser(
            "report",
            help="write report.html and results.json for a results file",
            description=(
                "Run every forensic test on a CSV, XLSX or zipped CSV with one row per "
                "station. Columns are named with --map and/or the column options; without "
                "them the Russian election commission's protocol layout is recognised."
            ),
        )
        report.add_argument("results", type=Path, help="results file (.csv, .xlsx, .zip)")
        report.add_argument("--out", type=Path, required=True, help="directory to write into")
        report.add_argument("--map", type=Path, help="TOML file naming the columns")
        report.add_argument("--registered", help="column of registered voters")
        report.add_argument(
            "--given", action="append", help="column of ballots issued (repeat to add several)"
        )
        report.add_argument("--valid", help="column of valid ballots")
        report.add_argument("--invalid", help="column of invalid ballots")
        report.add_argument(
            "--option", action="append", help="column of votes for one option (repeat)"
        )
        report.add_argument("--area", action="append", help="area column, largest first (repeat)")
        report.add_argument("--station", help="column of the station number")
        report.add_argument(
            "--derive",
            action="append",
            metavar="FIGURE=METHOD",
            help="compute a figure the file lacks: valid=sum (valid ballots as the sum of the "
            "options, for tally-sheet data without a valid-ballots column)",
        )
        report.add_argument(
            "--area-level",
            type=int,
            default=0,
            help="which area column to break down by (0: the first)",
        )
        report.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="language the report is written in (default: %(default)s)",
        )
        report.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "report":
            self.report(options)

    def report(self, options: dict[str, Any]) -> None:
        mapping = column_mapping(options)
        console = Console(stderr=True)
        show = not options["no_progress"]
        with Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not show,
            transient=True,
        ) as progress:
            task = progress.add_task("starting", total=4)

            def advance(step: str, done: int, total: int) -> None:
                progress.update(task, description=step, completed=done, total=total)

            try:
                summary = build_report(
                    options["results"],
                    mapping,
                    options["out"],
                    area_level=options["area_level"],
                    progress=advance,
                    language=options["language"],
                )
            except ResultsFileError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(
            f"{summary.stations:,} stations analysed in {summary.seconds:.1f} s; "
            f"{summary.bad_rows:,} rows with problems ({summary.excluded_rows:,} left out)."
        )
        for row in summary.first_bad_rows:
            action = "left out" if row.excluded else "kept"
            self.stderr.write(f"line {row.line}: {row.reason} ({action})")
        if summary.bad_rows > len(summary.first_bad_rows):
            self.stderr.write(
                f"... {summary.bad_rows - len(summary.first_bad_rows):,} more in the report"
            )
        self.stdout.write(summary.headline)
        for reason in summary.not_run:
            self.stdout.write(f"Not run: {reason}.")
        self.stdout.write(f"Wrote {summary.html_path} and {summary.json_path}")


def column_mapping(options: dict[str, Any]) -> dict[str, Any]:
    """Mapping values from --map, overridden by the column options given."""
    mapping: dict[str, Any] = {}
    if options.get("map"):
        try:
            mapping.update(read_mapping_toml(options["map"]))
        except ResultsFileError as error:
            raise CommandError(f"{options['map']}: {error}") from error
    for option, key in COLUMN_OPTIONS.items():
        if options.get(option):
            mapping[key] = options[option]
    if options.get("derive"):
        mapping["derive"] = options["derive"]
    return mapping
