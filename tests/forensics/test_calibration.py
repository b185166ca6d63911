"""The report's headline on synthetic elections with a known truth.

Clean elections, with and without an honest regional link of turnout and
support, must be flagged at most at the nominal family-wise rate; elections
with ballot stuffing written to round targets must be flagged by the
integer-percentage test and by the within-area turnout-share relation.
"""

from itertools import islice

import numpy as np
import pytest

from pollwatch.forensics.analysis import analyse_results
from pollwatch.forensics.interpretation import FINGERPRINT, INTEGER, headline
from tests.forensics.synthetic import synthetic_election

ELECTIONS = 20
STATIONS = 10_000
#: At 5% family-wise, 20 clean elections give 1 flag on average; P(more than 3) < 2%.
MOST_FLAGGED = 3


def headlines(seed, **kind):
    rng = np.random.default_rng(seed)
    for _ in range(ELECTIONS):
        analysis = analyse_results(synthetic_election(rng, STATIONS, **kind), bootstrap=100)
        yield analysis, headline(analysis)


@pytest.mark.parametrize(
    ("kind", "seed"),
    [({}, 1), ({"regional": 0.5}, 2)],
    ids=["clean", "honest-regional-link"],
)
def test_clean_elections_are_flagged_at_most_at_the_nominal_rate(kind, seed):
    found = list(headlines(seed, **kind))
    flagged = sum(bool(h.flagged_tests) for _, h in found)
    assert flagged <= MOST_FLAGGED
    # Every report carries the integer test, the within-area relation and 10 digit tests.
    assert all(len(h.members) == 12 for _, h in found)


def test_honest_regional_link_shows_in_the_raw_correlation_but_not_within_areas():
    analysis, found = next(headlines(3, regional=0.5))
    assert analysis.relation.correlation > 0.3 and analysis.relation.p_value < 1e-6
    assert abs(analysis.within_area.correlation) < 0.05
    assert FINGERPRINT not in found.flagged_tests


def test_digit_tests_against_fixed_4_5_and_0_2_would_flag_clean_elections():
    # What the former test did: the small options' counts of 100 or more sit on a falling
    # slope, so their mean last digit is below 4.5 although nothing was invented.
    analysis, found = next(headlines(4))
    smallest = analysis.digits[-1].tests[1]
    assert smallest.method == "last_digit_mean"
    assert smallest.ci_high < 4.5
    assert smallest.expected < 4.4 and not smallest.deviates


def test_ballot_stuffing_is_flagged_by_the_integer_test_and_the_fingerprint():
    for analysis, found in islice(headlines(5, stuffed=0.05), 5):
        assert INTEGER in found.flagged_tests
        assert FINGERPRINT in found.flagged_tests
        assert analysis.within_area.correlation > 0.2
