"""Pasted text can be anything: inputs built to make a pattern search run away are checked.

How long they take is measured by ``bench/statement_check.py``; a wall-clock
limit here would fail on a busy machine rather than on slow code.
"""

from pathlib import Path

import pytest

from pollwatch.statements.coverage import CoverageFacts
from pollwatch.statements.criteria import CRITERIA
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
def test_repetitive_input_is_checked_against_every_criterion(text):
    result = check_statement(text, CoverageFacts(stations_observed=59))

    assert [criterion.name for criterion in result.criteria] == list(CRITERIA)
    assert len(result.claims) <= 1


def test_a_long_statement_is_checked_whole():
    fixtures = "\n\n".join(path.read_text(encoding="utf-8") for path in FIXTURES.glob("*.txt"))
    text = "\n\n".join([fixtures] * 50)

    result = check_statement(text, CoverageFacts(stations_observed=59))

    assert len(text) > 200_000
    assert len(result.claims) >= 50 * 20
