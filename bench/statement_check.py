"""Benchmark: checking pasted statements, including text built to make a pattern search run away.

Run from the repository root: ``python bench/statement_check.py``. Times
``check_statement`` on repetitive inputs (each must stay under 5 s), on a
statement of more than 200,000 characters (under 10 s), and the claim grammar
on a sentence of 1,800 words (under 1 s). The tests check what these inputs
give; the time is measured here, where a busy machine cannot fail a test.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from pollwatch.statements.claim_grammar import find_structures  # noqa: E402
from pollwatch.statements.coverage import CoverageFacts  # noqa: E402
from pollwatch.statements.statement_check import check_statement  # noqa: E402

FIXTURES = REPOSITORY / "tests" / "statements" / "fixtures"
REPETITIVE = {
    "nos": "no " * 10_000 + "violations",
    "digits": "1 " * 20_000,
    "grouped": "1 111 " * 5_000,
    "percent": "1 % " * 10_000,
    "free": "free, " * 10_000,
    "abbreviations": "Dr. " * 10_000,
    "russian": "на всех " * 10_000,
    "stem": "прозрачн" * 10_000,
}


def seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> int:
    facts = CoverageFacts(stations_observed=59)
    failed = False
    for name, text in REPETITIVE.items():
        taken = seconds(lambda text=text: check_statement(text, facts))
        failed |= taken >= 5.0
        print(f"repetitive {name:<14} {taken:6.2f} s  (target < 5 s)")
    fixtures = "\n\n".join(path.read_text(encoding="utf-8") for path in FIXTURES.glob("*.txt"))
    long_text = "\n\n".join([fixtures] * 50)
    taken = seconds(lambda: check_statement(long_text, facts))
    failed |= taken >= 10.0
    print(f"{len(long_text):,} characters    {taken:6.2f} s  (target < 10 s)")
    sentence = " ".join(["not recorded any elections were calm in line with"] * 200)
    taken = seconds(lambda: find_structures(sentence))
    failed |= taken >= 1.0
    print(f"claim grammar, 1,800 words {taken:6.2f} s  (target < 1 s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
