import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from pollwatch.stats.zero_events import (
    UPPER_BOUND_METHODS,
    share_upper_bound,
    stations_needed_for_bound,
)
from tests.stats.results import results_zero_events as reference


def test_fifty_nine_random_stations_with_nothing_found_support_under_five_percent():
    bound = share_upper_bound(0, reference.METHODOLOGY_STATIONS)

    assert bound.upper == pytest.approx(1 - 0.05 ** (1 / 59), rel=1e-12)
    assert bound.upper < 0.05
    assert bound.percent_ceiling() == reference.METHODOLOGY_BOUND_TEXT_PERCENT


@pytest.mark.parametrize(("events", "observed", "upper"), reference.R_BINOM_TEST_UPPER_975)
def test_clopper_pearson_matches_published_exact_limits(events, observed, upper):
    assert share_upper_bound(events, observed, confidence=0.975).upper == pytest.approx(
        upper, abs=5e-7
    )


@pytest.mark.parametrize("observed", [30, 59, 100, 300, 1151])
def test_zero_event_bound_is_just_under_three_over_n(observed):
    exact = share_upper_bound(0, observed).upper
    rule = share_upper_bound(0, observed, method="rule-of-three").upper

    assert rule == reference.RULE_OF_THREE_NUMERATOR / observed
    assert exact < rule
    assert exact == pytest.approx(rule, rel=0.05)


@pytest.mark.parametrize(("target", "needed"), reference.STATIONS_NEEDED_95)
def test_stations_needed_is_the_smallest_sample_reaching_the_bound(target, needed):
    assert stations_needed_for_bound(target) == needed
    assert share_upper_bound(0, needed).upper < target
    assert share_upper_bound(0, needed - 1).upper >= target


def test_all_stations_with_the_problem_gives_a_bound_of_one():
    assert share_upper_bound(12, 12).upper == 1.0


def test_hypergeometric_bound_uses_the_finite_population():
    nearly_all = share_upper_bound(0, 59, method="hypergeometric", population=60)
    large = share_upper_bound(0, 59, method="hypergeometric", population=100_000)

    # Missing the one bad station of 60 has probability 1/60 < 5%, so none can be bad.
    assert nearly_all.upper == 0.0
    assert nearly_all.population == 60
    assert large.upper == pytest.approx(share_upper_bound(0, 59).upper, abs=2e-4)


@given(
    observed=st.integers(min_value=1, max_value=2000),
    data=st.data(),
    confidence=st.floats(min_value=0.5, max_value=0.999),
)
def test_clopper_pearson_bound_leaves_alpha_in_the_lower_tail(observed, data, confidence):
    events = data.draw(st.integers(min_value=0, max_value=observed - 1))
    bound = share_upper_bound(events, observed, confidence)

    assert 0.0 < bound.upper < 1.0
    assert stats.binom.cdf(events, observed, bound.upper) == pytest.approx(
        1 - confidence, rel=1e-6, abs=1e-9
    )


@given(observed=st.integers(min_value=1, max_value=5000), events=st.integers(0, 50))
def test_bound_falls_with_more_stations_and_rises_with_more_events(observed, events):
    events = min(events, observed - 1)
    bound = share_upper_bound(events, observed).upper

    assert share_upper_bound(events, observed + 1).upper < bound
    assert (
        share_upper_bound(events + 1, observed + 1).upper
        > share_upper_bound(events, observed + 1).upper
    )


@given(
    population=st.integers(min_value=2, max_value=400),
    data=st.data(),
)
def test_hypergeometric_bound_is_the_largest_count_not_rejected(population, data):
    observed = data.draw(st.integers(min_value=1, max_value=population))
    events = data.draw(st.integers(min_value=0, max_value=observed))
    bound = share_upper_bound(events, observed, method="hypergeometric", population=population)
    bad = round(bound.upper * population)

    assert stats.hypergeom.cdf(events, population, bad, observed) > 0.05 - 1e-9
    if bad + 1 <= population - (observed - events):
        assert stats.hypergeom.cdf(events, population, bad + 1, observed) <= 0.05 + 1e-9


def test_bound_covers_a_known_share_in_at_least_95_percent_of_random_samples():
    rng = np.random.default_rng(20260325)
    true_share, observed = 0.03, 120
    found = rng.binomial(observed, true_share, size=2000)

    covered = [share_upper_bound(int(k), observed).upper >= true_share for k in found]

    assert np.mean(covered) >= 0.95


def test_unknown_method_lists_the_valid_ones():
    with pytest.raises(ValueError, match="valid methods: " + ", ".join(UPPER_BOUND_METHODS)):
        share_upper_bound(0, 59, method="wilson")


@pytest.mark.parametrize(
    ("events", "observed", "confidence", "message"),
    [
        (0, 0, 0.95, "at least one"),
        (5, 4, 0.95, "between 0 and observed"),
        (-1, 4, 0.95, "between 0 and observed"),
        (0, 4, 1.0, "strictly between"),
    ],
)
def test_inconsistent_counts_are_rejected(events, observed, confidence, message):
    with pytest.raises(ValueError, match=message):
        share_upper_bound(events, observed, confidence)


def test_rule_of_three_refuses_what_it_cannot_approximate():
    with pytest.raises(ValueError, match="only when no event"):
        share_upper_bound(1, 59, method="rule-of-three")
    with pytest.raises(ValueError, match="95%"):
        share_upper_bound(0, 59, confidence=0.99, method="rule-of-three")


def test_hypergeometric_needs_a_population_at_least_the_sample():
    with pytest.raises(ValueError, match="population size"):
        share_upper_bound(0, 59, method="hypergeometric")
    with pytest.raises(ValueError, match="smaller than the sample"):
        share_upper_bound(0, 59, method="hypergeometric", population=10)


def test_percent_ceiling_rounds_up_so_the_claim_stays_true():
    bound = share_upper_bound(0, 412)

    assert bound.percent_ceiling() == 0.8
    assert bound.percent_ceiling(2) == math.ceil(bound.upper_percent * 100) / 100
    assert bound.percent_ceiling() >= bound.upper_percent
