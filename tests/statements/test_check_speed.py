"""Pasted text can be anything: no input may make the pattern search run away."""

import time
from pathlib import Path

import pytest

from pollwatch.statements.coverage import CoverageFacts
from pollwatch.statements.statement_check import check_statement

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.mark.parametrize(
    "text",
    [
        "no " * 10_000 + "violations",
        "1 " * 20_000,
        "1 111 " * 5_000,
        "1 % " * 10_000,
        "free, " * 10_000,
        "Dr. " * 10_000,
        "на всех " * 10_000,
        "прозрачн" * 10_000,
    ],
    ids=["nos", "digits", "grouped", "percent", "free", "abbreviations", "russian", "stem"],
)
def test_repetitive_input_is_checked_quickly(text):
    started = time.perf_counter()

    check_statement(text, CoverageFacts(stations_observed=59))

    assert time.perf_counter() - started < 5.0


def test_a_long_statement_is_checked_in_seconds():
    fixtures = "\n\n".join(path.read_text(encoding="utf-8") for path in FIXTURES.glob("*.txt"))
    text = "\n\n".join([fixtures] * 50)
    started = time.perf_counter()

    result = check_statement(text, CoverageFacts(stations_observed=59))

    assert len(text) > 200_000
    assert len(result.claims) >= 50 * 20
    assert time.perf_counter() - started < 10.0
