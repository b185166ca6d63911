from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from pollwatch.stats.integer_percentages import (
    integer_percentage_test,
    integer_probability,
    integer_test_filter,
    is_integer_percentage,
    monte_carlo_integer_percentage_test,
)


def integer_by_definition(count: int, total: int) -> bool:
    """|p - round(p)| <= 0.05 for p = 100 count / total, in exact rational arithmetic."""
    p = Fraction(100 * count, total)
    return abs(p - round(p)) <= Fraction(1, 20)


def brute_force_probability(n: int, p: float) -> float:
    x = np.arange(n + 1)
    hits = np.array([integer_by_definition(int(k), n) for k in x])
    return float(stats.binom.pmf(x[hits], n, p).sum())


@given(st.integers(1, 5000), st.data())
def test_integer_percentage_matches_the_definition(total, data):
    count = data.draw(st.integers(0, total))
    assert bool(is_integer_percentage(count, total)) == integer_by_definition(count, total)


def test_integer_percentage_edges_count_as_integer():
    # 5.0%; 0.05% and 1.05% sit exactly on the tolerance; 0.15% and 1.1% are off.
    counts, totals = [1, 1, 21, 3, 22], [20, 2000, 2000, 2000, 2000]
    assert is_integer_percentage(counts, totals).tolist() == [True, True, True, False, False]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 1500), st.one_of(st.sampled_from([0.0, 1.0]), st.floats(1e-9, 1 - 1e-9)))
def test_integer_probability_equals_summing_the_binomial_pmf(n, p):
    exact = integer_probability([n], [p])[0]
    assert exact == pytest.approx(brute_force_probability(n, p), abs=1e-11)


def test_degenerate_probabilities_are_certain():
    assert integer_probability([300, 300, 7], [0.0, 1.0, 1.0]).tolist() == [1.0, 1.0, 1.0]
    assert integer_probability([7], [0.0])[0] == 1.0


def test_integer_probability_rejects_empty_stations():
    with pytest.raises(ValueError, match="positive"):
        integer_probability([0], [0.5])


def test_filter_follows_the_published_definition():
    leader = np.array([50, 50, 50, 99, 100, 50])
    received = np.array([100, 0, 100, 100, 100, 100])
    given = np.array([100, 100, 100, 100, 100, 198])
    registered = np.array([200, 200, 99, 200, 200, 200])
    included = integer_test_filter(leader, received, given, registered)
    # ok; no ballots; under 100 voters; leader 99% is kept; leader 100%; turnout 99% is kept
    assert included.tolist() == [True, False, False, True, False, True]


def small_election(seed, stations=400):
    rng = np.random.default_rng(seed)
    registered = rng.integers(100, 900, stations)
    given = rng.binomial(registered, rng.uniform(0.3, 0.95, stations))
    received = given - rng.binomial(given, 0.02)
    leader = rng.binomial(received, rng.uniform(0.2, 0.9, stations))
    return leader, received, given, registered


@pytest.mark.parametrize("seed", [1, 2])
def test_exact_null_agrees_with_monte_carlo_on_small_inputs(seed):
    data = small_election(seed)
    exact = integer_percentage_test(*data)
    replicates = 4000
    simulated = monte_carlo_integer_percentage_test(*data, replicates=replicates, seed=seed)
    assert simulated.stations_included == exact.stations_included
    for name in ("any", "leader", "turnout"):
        e, m = getattr(exact, name), getattr(simulated, name)
        assert e.observed == m.observed
        # The simulated mean has standard error sd / sqrt(replicates); allow 4 of them.
        assert abs(e.expected - m.expected) < 4 * e.sd / np.sqrt(replicates)
        assert abs(e.sd - m.sd) < 4 * e.sd / np.sqrt(2 * (replicates - 1))


def test_any_counts_stations_with_either_percentage_integer():
    leader, received, given, registered = small_election(3)
    result = integer_percentage_test(leader, received, given, registered)
    either = result.leader_integer | result.turnout_integer
    assert result.any.observed == either.sum()
    assert result.any.observed <= result.leader.observed + result.turnout.observed
    q1, q2 = result.leader_probability, result.turnout_probability
    assert result.any.expected == pytest.approx(np.sum(q1 + q2 - q1 * q2))


def test_excess_is_observed_minus_expected_in_sd_units():
    result = integer_percentage_test(*small_election(4))
    count = result.turnout
    assert count.excess == pytest.approx(count.observed - count.expected)
    assert count.z == pytest.approx(count.excess / count.sd)
    assert 0.0 <= count.p_value <= 1.0


def test_monte_carlo_needs_two_replicates():
    with pytest.raises(ValueError, match="replicates"):
        monte_carlo_integer_percentage_test([1], [2], [2], [200], replicates=1)


def test_no_station_passing_the_filter_gives_empty_counts():
    result = integer_percentage_test([10], [20], [30], [50])
    assert result.stations_included == 0
    assert (result.any.observed, result.any.expected, result.any.sd, result.any.z) == (0, 0, 0, 0)
