"""The integer-percentage test on the shipped extracts of the Russian files (always runs)."""

import csv
from fractions import Fraction

import numpy as np
import pytest

from pollwatch.forensics.results_file import load_results
from pollwatch.stats.integer_percentages import (
    integer_percentage_test,
    monte_carlo_integer_percentage_test,
)
from tests.forensics.conftest import EXTRACTS

REPLICATES = 4000


def naive_counts(path):
    """Filter and integer counts straight from the CSV, one row at a time, in fractions."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    registered_column = next(h for h in header if "в список" in h)
    issued = [h for h in header if "бюллетеней, выданных" in h]
    valid_column = next(h for h in header if h.startswith("Число действительных"))
    invalid_column = next(h for h in header if h.startswith("Число недействительных"))
    options = [h for h in header[3:-1] if not h.startswith("Число")]
    leader_column = max(options, key=lambda o: sum(int(r[o]) for r in rows))

    def integer(p: Fraction) -> bool:
        return abs(p - round(p)) <= Fraction(1, 20)

    included = leader_hits = turnout_hits = either = 0
    for r in rows:
        registered = int(r[registered_column])
        given = sum(int(r[h]) for h in issued)
        received = int(r[valid_column]) + int(r[invalid_column])
        leader = int(r[leader_column])
        if received == 0 or registered < 100:
            continue
        turnout, share = Fraction(given, registered), Fraction(leader, received)
        if turnout > Fraction(99, 100) or share > Fraction(99, 100):
            continue
        included += 1
        a, b = integer(100 * share), integer(100 * turnout)
        leader_hits += a
        turnout_hits += b
        either += a or b
    return included, either, leader_hits, turnout_hits


@pytest.mark.parametrize("year", ["2011", "2018"])
def test_extract_matches_a_naive_count_and_monte_carlo(year):
    results = load_results(EXTRACTS[year])
    leader = results.votes[:, int(np.argmax(results.votes.sum(axis=0)))]
    arrays = (leader, results.received, results.given, results.registered)
    exact = integer_percentage_test(*arrays)
    included, either, leader_hits, turnout_hits = naive_counts(EXTRACTS[year])
    assert exact.stations_included == included
    assert (exact.any.observed, exact.leader.observed, exact.turnout.observed) == (
        either,
        leader_hits,
        turnout_hits,
    )
    simulated = monte_carlo_integer_percentage_test(*arrays, replicates=REPLICATES, seed=int(year))
    for name in ("any", "leader", "turnout"):
        e, m = getattr(exact, name), getattr(simulated, name)
        assert abs(e.expected - m.expected) < 4 * e.sd / np.sqrt(REPLICATES)
        assert abs(e.sd - m.sd) < 4 * e.sd / np.sqrt(2 * (REPLICATES - 1))
