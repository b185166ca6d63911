"""``pollwatch statement check TEXT_FILE [coverage options] [--json OUT.json]``.

Checks a statement written anywhere (for example one published by another
mission) against its stated coverage. Works on a plain text file; it never
touches the database.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pollwatch.statements.coverage import CoverageFacts
from pollwatch.statements.statement_check import StatementCheck, check_statement


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; give a count of 0 or more")
    return number


class Command(BaseCommand):
    help = "Check an observation statement's claims against its coverage."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        check = actions.add_parser(
            "check",
            help="flag categorical claims and judge a statement against the criteria",
            description=(
                "Find categorical claims (no violations seen, a calm or free and fair "
                "process, conformity with the law and standards, all polling stations, the "
                "whole country; in English, Russian or Turkish) in a UTF-8 text file, check "
                "each against the coverage given here (with --stations-total, the exact "
                "finite-population bound), and judge the statement against the criteria of "
                "a credible statement (coverage, method, bases, limits)."
            ),
        )
        check.add_argument("text_file", type=Path, help="the statement, as UTF-8 text")
        check.add_argument("--stations-observed", type=_count, metavar="N")
        check.add_argument("--stations-total", type=_count, metavar="M")
        check.add_argument("--areas-observed", type=_count, metavar="A")
        check.add_argument("--areas-total", type=_count, metavar="B")
        selection = check.add_mutually_exclusive_group()
        selection.add_argument(
            "--random",
            dest="random_selection",
            action="store_const",
            const=True,
            help="the stations observed were drawn at random from all stations",
        )
        selection.add_argument(
            "--not-random",
            dest="random_selection",
            action="store_const",
            const=False,
            help="the stations observed were not drawn at random",
        )
        check.add_argument("--days-in-country", type=_count, metavar="D")
        long_term = check.add_mutually_exclusive_group()
        long_term.add_argument(
            "--long-term-observers",
            dest="long_term_observers",
            action="store_const",
            const=True,
            help="long-term observers followed the pre-election period",
        )
        long_term.add_argument(
            "--no-long-term-observers",
            dest="long_term_observers",
            action="store_const",
            const=False,
        )
        check.add_argument("--json", type=Path, metavar="OUT.json", help="also write the JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check":
            self.check_text(options)

    def check_text(self, options: dict[str, Any]) -> None:
        text = read_statement(options["text_file"])
        facts = coverage_from_options(options)
        result = check_statement(text, facts)
        self.stdout.write(self.render(result))
        if options["json"] is not None:
            write_json(result, options["json"])
            self.stderr.write(f"JSON written to {options['json']}")

    def render(self, result: StatementCheck) -> str:
        lines = [
            f"Categorical claims: {len(result.claims)} found, "
            f"{len(result.flagged)} not supported by the coverage given."
        ]
        for check in result.claims:
            mark = self.style.SUCCESS("supported") if check.supported else self.style.ERROR("FLAG")
            lines.append(f"\n[{mark}] {check.claim.kind}: {check.claim.sentence.text}")
            lines.append(f"    why: {check.reason}")
            if check.suggestion:
                lines.append(f"    say instead: {check.suggestion}")
        met = sum(criterion.met for criterion in result.criteria)
        lines.append(f"\nCriteria of a credible statement: {met} of {len(result.criteria)} met.")
        for criterion in result.criteria:
            mark = self.style.SUCCESS("met") if criterion.met else self.style.ERROR("NOT MET")
            lines.append(f"[{mark}] {criterion.name}: {criterion.evidence}")
        return "\n".join(lines)


def read_statement(path: Path) -> str:
    """The statement's text; a file that is missing or not UTF-8 is the user's to fix."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CommandError(
            f"{path}: line {line} is not UTF-8 text; save the statement as UTF-8"
        ) from None


def coverage_from_options(options: dict[str, Any]) -> CoverageFacts:
    """The coverage facts given on the command line."""
    try:
        return CoverageFacts(
            stations_observed=options["stations_observed"],
            stations_total=options["stations_total"],
            areas_observed=options["areas_observed"],
            areas_total=options["areas_total"],
            random_selection=options["random_selection"],
            days_in_country=options["days_in_country"],
            long_term_observers=options["long_term_observers"],
        )
    except ValueError as error:
        raise CommandError(f"inconsistent coverage options: {error}") from None


def write_json(result: StatementCheck, path: Path) -> None:
    """Write ``{"claims": [...], "criteria": [...]}`` as UTF-8 JSON."""
    try:
        path.write_text(
            json.dumps(result.as_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror or error}") from None
